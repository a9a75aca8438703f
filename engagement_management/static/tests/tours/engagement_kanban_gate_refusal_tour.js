import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

/**
 * A manager drags an engagement to a stage whose gates fail: the refusal names
 * what is missing, and the card stays where it was.
 *
 * Data (test_engagement_tours.py): "Tour: Warehouse roll-out" in Presales, with
 * no business analyst, so Contracting's gate "Business analyst assigned" fails.
 */
const CARD = ".o_kanban_record:contains('Tour: Warehouse roll-out')";
const column = (stage) => `.o_kanban_group:has(.o_column_title:contains('${stage}'))`;

registry.category("web_tour.tours").add("engagement_kanban_gate_refusal_tour", {
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Engagements app",
            trigger: ".o_app[data-menu-xmlid='engagement_management.engagement_menu_root']",
            run: "click",
        },
        {
            content: "The engagement is in Presales",
            trigger: `.o_kanban_renderer ${column("Presales")} ${CARD}`,
        },
        {
            content: "Drag it to Contracting",
            trigger: `.o_kanban_renderer ${column("Presales")} ${CARD}`,
            // Dropped in the middle of the (empty) column: its top edge is outside it.
            async run(helpers) {
                await helpers.drag_and_drop(`.o_kanban_renderer ${column("Contracting")}`, {
                    position: "center",
                });
            },
        },
        {
            content: "The refusal names the missing business analyst",
            trigger: ".modal .o_error_dialog:contains('cannot move to Contracting'):contains('Business Analyst is not set')",
        },
        {
            content: "Close the message",
            trigger: ".modal .o_error_dialog .modal-footer button.o-default-button",
            run: "click",
        },
        {
            content: "The card is back in Presales",
            trigger: `body:not(:has(.modal)) .o_kanban_renderer ${column("Presales")} ${CARD}`,
        },
        {
            content: "... and not in Contracting",
            trigger: `.o_kanban_renderer ${column("Contracting")}:not(:has(${CARD}))`,
        },
    ],
});
