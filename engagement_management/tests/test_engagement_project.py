from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import EngagementCommon


@tagged("post_install", "-at_install")
class TestEngagementProject(EngagementCommon):
    def test_project_is_created_from_planning_on(self):
        engagement = self._create_engagement(date_start="2026-02-01", date_end="2026-09-30")
        with self.assertRefused(UserError, "from the planning stage on"):
            engagement.action_create_project()
        self._confirm_gates(engagement, self.stage["planning"])
        engagement.action_move_to_stage(self.stage["planning"])

        action = engagement.with_user(self.manager).action_create_project()

        project = engagement.project_id
        self.assertEqual(action["res_id"], project.id)
        self.assertRecordValues(
            project,
            [
                {
                    "partner_id": self.customer.id,
                    "user_id": self.pm.id,
                    "engagement_id": engagement.id,
                    "company_id": engagement.company_id.id,
                }
            ],
        )
        self.assertTrue(project.account_id, "the project carries the engagement's analytic account")
        self.assertEqual(engagement.account_id, project.account_id)
        self.assertEqual(project.action_view_engagement()["res_id"], engagement.id)
        with self.assertRefused(UserError, "already has a project"):
            engagement.action_create_project()

    def test_project_of_another_company_is_refused(self):
        engagement = self._create_engagement()
        project_b = self.env["project.project"].create(
            {"name": "B project", "company_id": self.company_b.id}
        )
        with self.assertRaises(UserError):
            engagement.project_id = project_b
