from odoo.exceptions import AccessError
from odoo.tests import tagged

from .profitability_common import ProfitabilityCommon


@tagged("post_install", "-at_install")
class TestEngagementHealth(ProfitabilityCommon):
    """Health follows the figures; a change is tracked and the manager is told."""

    def _activities(self):
        return self.engagement.activity_ids.filtered(lambda a: a.summary.startswith("Health"))

    def test_spending_ahead_of_progress_puts_the_engagement_at_risk(self):
        # 4,100 spent of a 5,000 budget (82 %) with 30 h of 100 h done (30 %).
        self.engagement.budget_cost = 5000.0
        self.env.cr.flush()  # close the set-up, so the change below is tracked on its own
        self.engagement.with_user(self.finance).action_refresh_health()
        self.env.flush_all()
        self.env.cr.flush()  # tracking values are written at flush
        self.assertEqual(self.engagement.health, "amber")
        activity = self._activities()
        self.assertEqual(activity.user_id, self.manager)
        self.assertIn("from On Track to At Risk", str(activity.note))
        tracking = self.engagement.message_ids.tracking_value_ids.filtered(
            lambda value: value.field_id.name == "health"
        )
        self.assertEqual(tracking[:1].new_value_char, "At Risk")
        self.assertEqual(self.engagement.message_ids[:1].author_id, self.finance.partner_id)

    def test_cost_past_the_budget_is_off_track(self):
        self.engagement.budget_cost = 4000.0
        self.engagement._update_health()
        self.assertEqual(self.engagement.health, "red")

    def test_a_forecast_under_target_is_at_risk(self):
        # EAC 20,000 on 25,000 revenue: 20 % forecast margin, under the 30 % target.
        self.engagement.budget_revenue = 25000.0
        self.engagement._update_health()
        self.assertEqual(self.engagement.health, "amber")

    def test_the_thresholds_are_set_in_settings(self):
        self.engagement.budget_cost = 5000.0
        settings = self.env["res.config.settings"].create({"engagement_health_cost_pct": 90.0})
        settings.execute()
        self.assertEqual(self.company.engagement_health_cost_pct, 90.0)
        self.engagement._update_health()
        self.assertEqual(self.engagement.health, "green")
        self.assertFalse(self._activities())

    def test_the_nightly_job_updates_open_engagements_only_when_health_changes(self):
        self.engagement.budget_cost = 4000.0
        cron = self.env.ref("engagement_management.ir_cron_engagement_update_health")
        self.assertEqual(cron.code, "model._cron_update_health()")
        self.env["engagement.engagement"]._cron_update_health()
        self.assertEqual(self.engagement.health, "red")
        self.assertEqual(len(self._activities()), 1)
        self.env["engagement.engagement"]._cron_update_health()
        self.assertEqual(len(self._activities()), 1)

    def test_a_user_without_finance_cannot_refresh_health(self):
        self.engagement.budget_cost = 4000.0
        with self.assertRaises(AccessError):
            self.engagement.with_user(self.pm).action_refresh_health()
        self.assertEqual(self.engagement.health, "green")
