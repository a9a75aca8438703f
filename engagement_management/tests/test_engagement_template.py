from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import EngagementCommon


@tagged("post_install", "-at_install")
class TestEngagementTemplate(EngagementCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.project_template = cls.env["project.project"].create(
            {"name": "ERP template", "is_template": True}
        )
        cls.env["project.task"].create(
            [
                {"name": "Discovery workshops", "project_id": cls.project_template.id},
                {"name": "Data migration", "project_id": cls.project_template.id},
            ]
        )
        cls.migration_gate = cls.env["engagement.stage.gate"].create(
            {
                "name": "Data migration rehearsal done",
                "stage_id": cls.stage["contracting"].id,
                "gate_type": "checklist",
            }
        )
        cls.template = cls.env["engagement.template"].create(
            {
                "name": "ERP Implementation",
                "billing_type": "milestone",
                "deliverable_type_ids": [
                    ref("engagement_management.engagement_deliverable_type_sow").id,
                    ref("engagement_management.engagement_deliverable_type_brd").id,
                ],
                "gate_ids": cls.migration_gate.ids,
                "project_template_id": cls.project_template.id,
            }
        )

    def test_sales_picks_the_template_in_the_create_wizard(self):
        wizard_form = Form(
            self.env["engagement.create.wizard"]
            .with_user(self.sales)
            .with_context(default_lead_id=self.lead.id)
        )
        wizard_form.template_id = self.template
        self.assertEqual(wizard_form.billing_type, "milestone")
        wizard = wizard_form.save()
        wizard.action_create()
        engagement = self.lead.engagement_id
        self.assertEqual(engagement.template_id, self.template)
        self.assertEqual(engagement.billing_type, "milestone")
        self.assertRecordValues(
            engagement.deliverable_ids.sorted("type_id"),
            [
                {"name": "Statement of Work", "state": "draft", "user_id": self.pm.id},
                {"name": "Business Requirements Document", "state": "draft", "user_id": self.pm.id},
            ],
        )

    def test_template_gates_apply_only_to_its_engagements(self):
        plain = self._create_engagement(name="Plain")
        templated = self._create_engagement(name="Templated", template_id=self.template.id)
        self.assertNotIn(self.migration_gate, plain.gate_line_ids.gate_id)
        self.assertIn(self.migration_gate, templated.gate_line_ids.gate_id)
        self._approved_estimate(plain)
        plain.action_move_to_stage(self.stage["contracting"])
        with self.assertRefused(UserError, "Data migration rehearsal done"):
            templated.action_move_to_stage(self.stage["contracting"])
        self._confirm_gates(templated, self.stage["contracting"])
        templated.action_move_to_stage(self.stage["contracting"])
        self.assertEqual(templated.stage_id, self.stage["contracting"])

    def test_the_delivery_project_copies_the_template_tasks(self):
        engagement = self._create_engagement(
            template_id=self.template.id, date_start="2026-01-01", date_end="2026-12-31"
        )
        self._confirm_gates(engagement, self.stage["planning"])
        engagement.action_move_to_stage(self.stage["planning"])
        engagement.with_user(self.manager).action_create_project()
        project = engagement.project_id
        self.assertFalse(project.is_template)
        self.assertNotEqual(project, self.project_template)
        # The template's tasks, and the phase and line of the approved estimate.
        self.assertEqual(
            sorted(project.task_ids.mapped("name")),
            ["Data migration", "Delivery", "Discovery workshops", "The work"],
        )
        self.assertEqual(project.partner_id, self.customer)
