import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

/**
 * Sales converts a qualified opportunity from the CRM pipeline: open it, press
 * Create Engagement, complete the wizard (PM and BA come from the opportunity),
 * and land on the new engagement's form in Presales.
 *
 * Data (test_engagement_tours.py): opportunity "Tour: ERP roll-out" of the
 * logged-in salesperson, with Paula PM and Bruno BA.
 */
registry.category("web_tour.tours").add("engagement_create_from_crm_tour", {
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the CRM app",
            trigger: ".o_app[data-menu-xmlid='crm.crm_menu_root']",
            run: "click",
        },
        {
            content: "Open the opportunity from the pipeline",
            trigger: ".o_kanban_renderer .o_kanban_record:contains('Tour: ERP roll-out')",
            run: "click",
        },
        {
            content: "Create its engagement",
            trigger: ".o_form_view .o_form_statusbar button[name='action_open_create_engagement_wizard']",
            run: "click",
        },
        {
            content: "The wizard takes the PM from the opportunity",
            trigger: ".modal .o_field_widget[name='project_manager_id'] input:value('Paula PM')",
        },
        {
            content: "... and the BA",
            trigger: ".modal .o_field_widget[name='business_analyst_id'] input:value('Bruno BA')",
        },
        {
            content: "Name the engagement",
            trigger: ".modal .o_field_widget[name='name'] input",
            run: "edit Tour: ERP roll-out, phase 1",
        },
        {
            content: "Set the baseline hours",
            trigger: ".modal .o_field_widget[name='budget_hours'] input",
            run: "edit 120:00",
        },
        {
            content: "Create it",
            trigger: ".modal .modal-footer button[name='action_create']",
            run: "click",
        },
        {
            content: "The engagement's form opens, in Presales",
            trigger:
                "body:not(:has(.modal)) .o_form_view " +
                ".o_statusbar_status button[aria-current='step']:contains('Presales')",
        },
        {
            content: "... under the name given in the wizard",
            trigger: ".o_form_view .o_field_widget[name='name'] input:value('Tour: ERP roll-out, phase 1')",
        },
        {
            content: "... with the opportunity's PM and BA",
            trigger: ".o_form_view .o_field_widget[name='project_manager_id'] input:value('Paula PM')",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='business_analyst_id'] input:value('Bruno BA')",
        },
        {
            content: "Its PM, BA and sold revenue are set: Contracting only waits for the estimate",
            trigger: ".o_form_view .alert-warning:contains('the estimate of the PM and BA is not approved'):not(:contains('is not set'))",
        },
    ],
});
