from odoo.tests import tagged

from .common import EngagementCommon


@tagged("post_install", "-at_install")
class TestEngagementLeadWon(EngagementCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The PM and BA priced the opportunity before it was won.
        cls._approved_estimate(lead=cls.lead)

    def test_won_opportunity_advances_its_engagement(self):
        self.lead.action_create_engagement()
        engagement = self.lead.engagement_id
        self.lead.with_user(self.sales).action_set_won()
        self.assertEqual(engagement.stage_id, self.stage["contracting"])

    def test_a_salesperson_outside_the_engagement_wins_it_too(self):
        self.lead.action_create_engagement()
        engagement = self.lead.engagement_id
        engagement.sales_user_id = self.manager
        other_sales = self.env["res.users"].create(
            {
                "name": "Other Sales",
                "login": "em_other_sales",
                "group_ids": [
                    (6, 0, [self.env.ref("sales_team.group_sale_salesman_all_leads").id])
                ],
            }
        )
        self.lead.user_id = other_sales
        self.lead.with_user(other_sales).action_set_won()
        self.assertEqual(engagement.stage_id, self.stage["contracting"])

    def test_won_opportunity_with_gates_unmet_stays_and_tells_the_manager(self):
        self.lead.business_analyst_id = False
        self.lead.action_create_engagement()
        engagement = self.lead.engagement_id
        engagement.user_id = self.manager
        self.lead.with_user(self.sales).action_set_won()

        self.assertEqual(engagement.stage_id, self.stage["presales"])
        activity = engagement.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.manager)
        self.assertIn("Business Analyst is not set", activity.note)

    def test_engagement_created_after_the_win_advances_at_once(self):
        self.lead.action_set_won()
        self.lead.action_create_engagement()
        self.assertEqual(self.lead.engagement_id.stage_id, self.stage["contracting"])

    def test_won_through_the_kanban_stage_counts_too(self):
        self.lead.action_create_engagement()
        won_stage = self.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        self.lead.write({"stage_id": won_stage.id})
        self.assertEqual(self.lead.engagement_id.stage_id, self.stage["contracting"])
