import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

/**
 * Finance opens Engagements > Reporting > Profitability and reads the pivot:
 * invoiced revenue, cost and margin per engagement manager.
 *
 * Data (test_engagement_tours.py): "Tour: Analytics roll-out", managed by Mona
 * Manager, with an invoice line of 12,000 and a cost of 4,500 on its account.
 */
registry.category("web_tour.tours").add("engagement_profitability_pivot_tour", {
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Engagements app",
            trigger: ".o_app[data-menu-xmlid='engagement_management.engagement_menu_root']",
            run: "click",
        },
        {
            content: "Open Reporting",
            trigger: "button[data-menu-xmlid='engagement_management.engagement_menu_reporting']",
            run: "click",
        },
        {
            content: "Open Profitability",
            trigger:
                ".dropdown-item[data-menu-xmlid='engagement_management.engagement_menu_reporting_profitability']",
            run: "click",
        },
        {
            content: "The pivot shows the measures",
            trigger: ".o_pivot .o_pivot_measure_row:contains('Invoiced Revenue')",
        },
        {
            trigger: ".o_pivot .o_pivot_measure_row:contains('Margin')",
        },
        {
            content: "... one row per engagement manager, with real figures",
            trigger: ".o_pivot:not(:has(.o_view_sample_data)) .o_pivot_header_cell_closed:contains('Mona Manager')",
        },
        {
            trigger: ".o_pivot tbody tr:contains('Mona Manager') .o_pivot_cell_value:contains('7,500.00')",
        },
    ],
});
