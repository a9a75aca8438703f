import { registry } from "@web/core/registry";

/**
 * The customer signs a deliverable on the portal: from their engagements, open
 * the engagement, open the deliverable waiting for their signature, sign it with
 * the signature widget (the "Auto" signature of their name), and see it signed.
 *
 * Data (test_engagement_tours.py): portal user "Carla Customer" of the customer of
 * "Tour: Portal roll-out", whose "Tour: Business Requirements" is submitted.
 */
registry.category("web_tour.tours").add("engagement_deliverable_portal_sign_tour", {
    url: "/my/engagements",
    steps: () => [
        {
            content: "Open the engagement",
            trigger: "a:contains('Tour: Portal roll-out')",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The deliverable waits for the customer's signature",
            trigger:
                "#engagement_deliverables tr:contains('Tour: Business Requirements') .badge:contains('Waiting for your signature')",
        },
        {
            content: "Open it",
            trigger: "#engagement_deliverables a:contains('Tour: Business Requirements')",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Press Sign",
            trigger: "#deliverable_actions a[data-bs-target='#modalsign']",
            run: "click",
        },
        {
            content: "The signer's name is filled in",
            trigger: ".modal .o_web_sign_name_and_signature input:value('Carla Customer')",
        },
        {
            content: "Sign with the name written out (Auto)",
            trigger: ".modal .o_web_sign_auto_button",
            run: "click",
        },
        {
            trigger: ".modal canvas.o_web_sign_signature",
            run: "canvasNotEmpty",
        },
        {
            content: "Send the signature",
            trigger: ".modal .o_portal_sign_submit:enabled",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The page thanks the customer",
            trigger: ".alert-success:contains('the deliverable is signed')",
        },
        {
            content: "... and shows who signed",
            trigger: "#deliverable_signed:contains('Carla Customer') img[alt='Signature']",
        },
    ],
});
