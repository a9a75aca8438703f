from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .estimate_common import EstimateCommon


@tagged("post_install", "-at_install")
class TestEngagementEstimateTemplate(EstimateCommon):
    """The BA starts the estimate from the template's standard breakdown; the engagement
    made from the opportunity is run by that template, and at the close the accuracy
    report tells how that template's breakdowns hold up."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sow_type = cls.env.ref("engagement_management.engagement_deliverable_type_sow")
        cls.template = cls.env["engagement.template"].create(
            {
                "name": "Integration project",
                "billing_type": "milestone",
                "deliverable_type_ids": [Command.set(cls.sow_type.ids)],
                "estimate_line_ids": [
                    Command.create(
                        {
                            "sequence": 10,
                            "phase": "Discovery",
                            "name": "Interface workshops",
                            "role_id": cls.role_pm.id,
                            "hours": 16.0,
                        }
                    ),
                    Command.create(
                        {
                            "sequence": 20,
                            "phase": "Build",
                            "name": "Interfaces",
                            "role_id": cls.role_int.id,
                            "hours": 80.0,
                        }
                    ),
                ],
            }
        )

    def _templated_estimate(self):
        estimate = self.Estimate.with_user(self.ba).create(
            {"lead_id": self.lead.id, "template_id": self.template.id}
        )
        estimate.action_apply_template()
        return estimate.with_env(self.env)

    def test_from_the_template_to_the_accuracy_by_template(self):
        # The BA starts from the standard breakdown: the card prices it.
        estimate = self._templated_estimate()
        self.assertEqual(
            [
                (line.phase, line.name, line.role_id, line.hours, line.bill_rate, line.cost_rate)
                for line in estimate.line_ids
            ],
            [
                ("Discovery", "Interface workshops", self.role_pm, 16.0, 150.0, 80.0),
                ("Build", "Interfaces", self.role_int, 80.0, 120.0, 70.0),
            ],
        )
        self.assertEqual(estimate.billing_type, "milestone")
        # 16 × 150 + 80 × 120 = 12 000 of revenue for 16 × 80 + 80 × 70 = 6 880 of cost.
        self.assertEqual((estimate.revenue_total, estimate.cost_total), (12000.0, 6880.0))
        # Then adapts it to this customer: the template stays as it was.
        estimate.line_ids[1].with_user(self.ba).hours = 100.0
        self.assertEqual(self.template.estimate_line_ids[1].hours, 80.0)
        estimate.with_user(self.ba).action_submit()
        estimate.with_user(self.manager).action_approve()

        # The engagement made from the opportunity is run by the template: its
        # deliverables come with it.
        action = self.lead.with_user(self.sales).action_create_engagement()
        engagement = self.env["engagement.engagement"].browse(action["res_id"])
        self.assertEqual(engagement.template_id, self.template)
        self.assertEqual(engagement.deliverable_ids.type_id, self.sow_type)

        # At the close the accuracy report groups by the template.
        engagement.with_user(self.admin).action_override_stage(
            self.stage["planning"], "Signed on paper."
        )
        engagement.with_user(self.pm).action_create_project()
        line_task = engagement.project_id.task_ids.filtered(
            lambda task: task.engagement_estimate_line_id == estimate.line_ids[1]
        )
        employee = self.env["hr.employee"].create({"name": "Ivo Integrator", "hourly_cost": 70.0})
        self.env["account.analytic.line"].create(
            {
                "name": "Interfaces",
                "project_id": engagement.project_id.id,
                "task_id": line_task.id,
                "employee_id": employee.id,
                "unit_amount": 130.0,
            }
        )
        self.env.flush_all()
        rows = (
            self.env["engagement.estimate.accuracy.report"]
            .with_user(self.pm)
            ._read_group(
                [("template_id", "=", self.template.id), ("role_id", "=", self.role_int.id)],
                ["template_id"],
                ["hours_estimated:sum", "hours_actual:sum", "hours_error_pct:sum"],
            )
        )
        self.assertEqual(rows, [(self.template, 100.0, 130.0, 30.0)])

    def test_the_wizard_proposes_the_estimate_s_template(self):
        estimate = self._templated_estimate()
        estimate.with_user(self.ba).action_submit()
        estimate.with_user(self.manager).action_approve()
        wizard = Form(
            self.env["engagement.create.wizard"]
            .with_user(self.sales)
            .with_context(default_lead_id=self.lead.id)
        )
        self.assertEqual(wizard.template_id, self.template)
        engagement = self.env["engagement.engagement"].browse(
            wizard.save().action_create()["res_id"]
        )
        self.assertEqual(engagement.template_id, self.template)

    def test_a_template_is_applied_to_a_draft_only(self):
        estimate = self._templated_estimate()
        estimate.with_user(self.ba).action_submit()
        with self.assertRefused(UserError, "cannot be given a template's breakdown"):
            estimate.with_user(self.ba).action_apply_template()
        self.assertEqual(len(estimate.line_ids), 2)
        empty = self.Estimate.with_user(self.ba).create({"lead_id": self.lead.id})
        with self.assertRefused(UserError, "Choose the template"):
            empty.action_apply_template()
        bare = self.env["engagement.template"].create({"name": "Bare"})
        empty.template_id = bare
        with self.assertRefused(UserError, "has no standard breakdown"):
            empty.with_user(self.ba).action_apply_template()
        self.assertFalse(empty.line_ids)

    def test_who_may_not_edit_the_estimate_or_the_template_changes_neither(self):
        draft = self.Estimate.with_user(self.ba).create(
            {"lead_id": self.lead.id, "template_id": self.template.id}
        )
        # Not a member of the opportunity: no breakdown added to someone else's estimate.
        with self.assertRaises(AccessError):
            draft.with_user(self.outsider).action_apply_template()
        self.assertFalse(draft.line_ids)
        # The standard breakdown is the administrators': users read it.
        line = self.template.estimate_line_ids[0]
        for user in (self.ba, self.pm, self.manager, self.finance):
            with self.subTest(user=user.name):
                with self.assertRaises(AccessError):
                    line.with_user(user).write({"hours": 1.0})
                with self.assertRaises(AccessError):
                    line.with_user(user).unlink()
                with self.assertRaises(AccessError):
                    self.env["engagement.template.estimate.line"].with_user(user).create(
                        {
                            "template_id": self.template.id,
                            "phase": "Run",
                            "name": "Extra",
                            "role_id": self.role_dev.id,
                        }
                    )
                self.assertEqual(line.with_user(user).hours, 16.0)
        portal = new_test_user(self.env, "em_template_portal", groups="base.group_portal")
        with self.assertRaises(AccessError):
            line.with_user(portal).read(["hours"])
        self.assertEqual(len(self.template.estimate_line_ids), 2)

    def test_bad_input_in_a_template(self):
        with self.assertRefused(ValidationError, "hours cannot be negative"):
            self.template.estimate_line_ids[0].hours = -4.0
        # Another company's template prices no estimate of this one.
        foreign = self.env["engagement.template"].create(
            {"name": "Theirs", "company_id": self.company_b.id}
        )
        with self.assertRaises(UserError):
            self.Estimate.with_user(self.manager).create(
                {"lead_id": self.lead.id, "template_id": foreign.id}
            )
        self.assertEqual(self.template.estimate_line_ids[0].hours, 16.0)

    def test_a_company_s_standard_breakdown_stays_in_the_company(self):
        self.template.company_id = self.company
        line = self.template.estimate_line_ids[0]
        self.assertEqual(line.company_id, self.company)
        Line = self.env["engagement.template.estimate.line"].with_user(self.manager_b)
        self.assertFalse(Line.search([("id", "in", self.template.estimate_line_ids.ids)]))
        with self.assertRaises(AccessError):
            line.with_user(self.manager_b).read(["hours"])
        # A template shared by every company (no company) is read by all.
        self.template.company_id = False
        self.assertEqual(Line.search([("id", "=", line.id)]), line)
