import { registry } from "@web/core/registry";

/**
 * The customer opens their engagement from the mail that told them of a published
 * status report: they read it, mark the dependency they own done with an answer, and
 * post a message on the page's conversation.
 *
 * Data (test_engagement_tours.py): "Tour: Billing roll-out" with a published report
 * "Tour: Tariff engine delivered" and a dependency "Tour: Meter readings" owned by
 * Carla Customer; the tour starts at the link of the mail.
 */
const DEPENDENCY = "#engagement_raid_items tr:contains('Tour: Meter readings')";

registry.category("web_tour.tours").add("engagement_portal_participation_tour", {
    steps: () => [
        {
            content: "The published status report is on the page",
            trigger: ".o_engagement_status_report:contains('Tour: Tariff engine delivered')",
        },
        {
            content: "The dependency waits on the customer",
            trigger: `${DEPENDENCY} .badge:contains('Waiting on you')`,
        },
        {
            content: "Answer it",
            trigger: ".o_engagement_raid_answer textarea[name=answer]",
            run: "edit Tour: exported on Friday",
        },
        {
            content: "Send: done",
            trigger: ".o_engagement_raid_answer button[type=submit]",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The page thanks the customer",
            trigger: "#raid_answered",
        },
        {
            content: "The dependency is done, with the answer",
            trigger: `${DEPENDENCY}:contains('Tour: exported on Friday') .badge:contains('Done')`,
        },
        {
            content: "Write on the conversation",
            trigger: "#chatterRoot:shadow .o-mail-Composer-input",
            run: "edit Tour: the files are on the SFTP",
        },
        {
            content: "Send the message",
            trigger: "#chatterRoot:shadow .o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "The message is on the page",
            trigger: "#chatterRoot:shadow .o-mail-Message-body:contains('Tour: the files are on the SFTP')",
        },
    ],
});
