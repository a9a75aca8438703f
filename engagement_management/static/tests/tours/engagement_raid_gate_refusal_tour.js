import { registry } from "@web/core/registry";

/**
 * The PM logs a high risk on the engagement's RAID tab, then presses Next Stage: the
 * gate "No open high risk" refuses the move and names the risk.
 *
 * Data (test_engagement_tours.py): "Tour: Risky roll-out" in Presales; Contracting has
 * a "No open high risk" gate whose high score is 9 (probability 3 × impact 3, the
 * defaults of a new risk).
 */
const RISK = "Tour: Key user leaves in March";

registry.category("web_tour.tours").add("engagement_raid_gate_refusal_tour", {
    steps: () => [
        {
            content: "Open the RAID tab",
            trigger: ".o_notebook .nav-link:contains('RAID')",
            run: "click",
        },
        {
            content: "Add an item",
            trigger: ".o_field_widget[name=raid_item_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Name the risk",
            trigger: ".modal .o_field_widget[name=name] input",
            run: `edit ${RISK}`,
        },
        {
            content: "Save it",
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "The risk is in the log, scored 9",
            trigger: `body:not(:has(.modal)) .o_field_widget[name=raid_item_ids] .o_data_row:contains('${RISK}'):contains('9')`,
        },
        {
            content: "Press Next Stage",
            trigger: ".o_form_statusbar button[name=action_next_stage]",
            run: "click",
        },
        {
            content: "The refusal names the open high risk",
            trigger: `.modal .o_error_dialog:contains('cannot move to Contracting'):contains('${RISK} (9)')`,
        },
        {
            content: "Close the message",
            trigger: ".modal .o_error_dialog .modal-footer button.o-default-button",
            run: "click",
        },
        {
            content: "The engagement is still in Presales",
            trigger: "body:not(:has(.modal)) .o_statusbar_status button.o_arrow_button_current:contains('Presales')",
        },
    ],
});
