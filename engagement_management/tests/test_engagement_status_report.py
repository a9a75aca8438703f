from odoo.tests import tagged

from .common import EngagementCommon

REPORT = "engagement_management.engagement_status_report_action_report"


@tagged("post_install", "-at_install")
class TestEngagementStatusReport(EngagementCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.engagement = cls._create_engagement(budget_revenue=50000.0, budget_cost=35000.0)
        cls.engagement.message_subscribe(partner_ids=cls.pm.partner_id.ids)

    def _report(self, user=None, **values):
        vals = {
            "engagement_id": self.engagement.id,
            "date": "2026-03-01",
            "health": "amber",
            "summary": "Data migration is late by a week.",
            "risks": "<p>Legacy data quality</p>",
        }
        vals.update(values)
        return self.env["engagement.status.report"].with_user(user or self.pm).create(vals)

    def test_the_latest_report_is_the_reported_health_the_figures_keep_theirs(self):
        self._report()
        self.assertEqual(self.engagement.reported_health, "amber")
        self._report(date="2026-03-15", health="red", summary="Go-live at risk.")
        self.assertEqual(self.engagement.reported_health, "red")
        self._report(date="2026-02-01", health="green", summary="An older report filed late.")
        self.assertEqual(self.engagement.reported_health, "red", "an older report does not win")
        self.assertEqual(len(self.engagement.status_report_ids), 3)
        # The health from the figures has one owner, the health rule: no report moves it.
        self.assertEqual(self.engagement.health, "green")

    def test_the_pdf_shows_facts_deliverables_and_budget_for_managers_only(self):
        report = self._report()
        self._sign_deliverable(
            self.engagement, "engagement_management.engagement_deliverable_type_brd"
        )
        html, __ = (
            self.env["ir.actions.report"]
            .with_user(self.manager)
            ._render_qweb_html(REPORT, report.ids)
        )
        html = html.decode()
        for text in (
            "Engagement Status Report",
            self.engagement.name,
            "Acme Logistics",
            "Data migration is late by a week.",
            "Legacy data quality",
            "Business Requirements Document",
            "Budget Consumption",
            "50,000.00",
        ):
            self.assertIn(text, html)

        html, __ = (
            self.env["ir.actions.report"].with_user(self.pm)._render_qweb_html(REPORT, report.ids)
        )
        html = html.decode()
        self.assertIn("Data migration is late by a week.", html)
        self.assertNotIn("Budget Consumption", html)
        self.assertNotIn("50,000.00", html)
