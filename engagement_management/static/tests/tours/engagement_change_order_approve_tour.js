import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

/**
 * An engagement manager approves a submitted change order from its form.
 *
 * Data (test_engagement_tours.py): change order "Tour: Add the returns site",
 * submitted, below the Finance threshold (the manager's approval is enough).
 */
registry.category("web_tour.tours").add("engagement_change_order_approve_tour", {
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Engagements app",
            trigger: ".o_app[data-menu-xmlid='engagement_management.engagement_menu_root']",
            run: "click",
        },
        {
            content: "Open the Engagements menu",
            trigger: "button[data-menu-xmlid='engagement_management.engagement_menu_engagements']",
            run: "click",
        },
        {
            content: "Open the Change Register",
            trigger: ".dropdown-item[data-menu-xmlid='engagement_management.engagement_menu_change_orders']",
            run: "click",
        },
        {
            content: "Open the submitted change order",
            trigger: ".o_list_view .o_data_row:contains('Tour: Add the returns site') td[name='title']",
            run: "click",
        },
        {
            content: "It waits for approval",
            trigger: ".o_form_view .o_statusbar_status button[aria-current='step']:contains('Submitted')",
        },
        {
            content: "Approve it",
            trigger: ".o_form_view .o_form_statusbar button[name='action_approve']",
            run: "click",
        },
        {
            content: "It is approved",
            trigger: ".o_form_view .o_statusbar_status button[aria-current='step']:contains('Approved')",
        },
        {
            content: "... and the Approve button is gone",
            trigger: ".o_form_view .o_form_statusbar:not(:has(button[name='action_approve']))",
        },
    ],
});
