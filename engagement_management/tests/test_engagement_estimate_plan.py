from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .estimate_common import EstimateCommon


@tagged("post_install", "-at_install")
class TestEngagementEstimatePlan(EstimateCommon):
    """The delivery project starts from what was sold: sold per phase, a milestone per
    phase that invoices its order line once reached; sold by the hour, each person
    bills at the rate of the role they do."""

    def _sold(self, **values):
        """The estimate approved, quoted, confirmed, its engagement in Planning."""
        estimate = self._new_estimate(**values)
        estimate.with_user(self.ba).action_submit()
        estimate.with_user(self.manager).action_approve()
        action = estimate.with_user(self.sales).action_create_quotation()
        order = self.env["sale.order"].browse(action["res_id"])
        order.with_user(self.sales).action_confirm()
        action = self.lead.with_user(self.sales).action_create_engagement()
        engagement = self.env["engagement.engagement"].browse(action["res_id"])
        engagement.with_user(self.admin).action_override_stage(
            self.stage["planning"], "Signed on paper."
        )
        return estimate, order, engagement

    def _consultant(self, login, hourly_cost):
        user = new_test_user(
            self.env, login, groups="engagement_management.group_engagement_user", name=login
        )
        employee = self.env["hr.employee"].create(
            {"name": login, "user_id": user.id, "hourly_cost": hourly_cost}
        )
        return user, employee

    def test_sold_per_phase_each_phase_is_a_milestone_that_invoices_its_line(self):
        estimate, order, engagement = self._sold()
        engagement.with_user(self.pm).action_create_project()
        project = engagement.project_id
        self.assertTrue(project.allow_milestones)
        by_line = {milestone.sale_line_id: milestone for milestone in project.milestone_ids}
        self.assertEqual(set(by_line), set(order.order_line))
        self.assertEqual(
            [
                (line.engagement_estimate_phase, by_line[line].name, line.price_unit)
                for line in order.order_line
            ],
            [
                ("Discovery", "Discovery", 3000.0),
                ("Build", "Build", 16000.0),
                (False, "Contingency (10.0 %)", 1900.0),
            ],
        )
        # Each phase's tasks (and the tasks of its lines) are under its milestone.
        build = project.task_ids.filtered(lambda task: task.name == "Build")
        self.assertEqual((build | build.child_ids).milestone_id, by_line[order.order_line[1]])
        # The Build milestone reached: its order line is delivered, ready to invoice.
        self.assertEqual(order.order_line.mapped("qty_delivered"), [0.0, 0.0, 0.0])
        by_line[order.order_line[1]].with_user(self.pm).is_reached = True
        self.assertEqual(order.order_line.mapped("qty_delivered"), [0.0, 1.0, 0.0])
        self.assertEqual(order.order_line[1].qty_to_invoice, 1.0)
        # The plan is made once: made again, nothing doubles.
        estimate._plan_project(project)
        self.assertEqual(len(project.milestone_ids), 3)

    def test_an_order_confirmed_after_the_project_gets_its_milestones_then(self):
        estimate = self._new_estimate(billing_type="milestone")
        estimate.with_user(self.ba).action_submit()
        estimate.with_user(self.manager).action_approve()
        action = self.lead.with_user(self.sales).action_create_engagement()
        engagement = self.env["engagement.engagement"].browse(action["res_id"])
        engagement.with_user(self.admin).action_override_stage(
            self.stage["planning"], "Signed on paper."
        )
        engagement.with_user(self.pm).action_create_project()
        project = engagement.project_id
        self.assertFalse(project.milestone_ids)
        action = estimate.with_user(self.sales).action_create_quotation()
        order = self.env["sale.order"].browse(action["res_id"])
        order.with_user(self.sales).action_confirm()
        self.assertEqual(project.milestone_ids.sale_line_id, order.order_line)
        self.assertEqual(
            project.milestone_ids.mapped("name"), ["Discovery", "Build", "Contingency (10.0 %)"]
        )

    def test_sold_by_the_hour_each_person_bills_at_their_role_s_rate(self):
        estimate, order, engagement = self._sold(billing_type="time_materials")
        self.assertEqual(
            [(line.engagement_estimate_role_id, line.price_unit) for line in order.order_line],
            [(self.role_pm, 150.0), (self.role_dev, 100.0), (self.role_int, 120.0)],
        )
        pm_user, pm_employee = self._consultant("em_plan_pm", 80.0)
        dev_user, dev_employee = self._consultant("em_plan_dev", 60.0)
        engagement.with_user(self.pm).action_create_project()
        project = engagement.project_id
        self.assertFalse(project.milestone_ids)
        self.assertFalse(project.sale_line_employee_ids, "nobody is known to do a role yet")
        # The PM staffs the plan: the developer on the configuration, the PM on the
        # workshops. Their timesheets bill at their role's line.
        tasks = project.task_ids
        configuration = tasks.filtered(lambda task: task.name == "Configuration")
        workshops = tasks.filtered(lambda task: task.name == "Workshops")
        configuration.with_user(self.pm).user_ids = [Command.link(dev_user.id)]
        workshops.with_user(self.pm).user_ids = [Command.link(pm_user.id)]
        self.assertEqual(
            {entry.employee_id: entry.sale_line_id for entry in project.sale_line_employee_ids},
            {dev_employee: order.order_line[1], pm_employee: order.order_line[0]},
        )
        self.assertEqual(project.pricing_type, "employee_rate")
        timesheet = self.env["account.analytic.line"].create(
            {
                "name": "Configuration",
                "project_id": project.id,
                "task_id": configuration.id,
                "employee_id": dev_employee.id,
                "unit_amount": 8.0,
            }
        )
        self.assertEqual(timesheet.so_line, order.order_line[1])
        self.assertEqual(order.order_line[1].qty_delivered, 8.0)
        # Given a second role later, the developer keeps the first mapping.
        interfaces = tasks.filtered(lambda task: task.name == "Interfaces")
        interfaces.with_user(self.pm).user_ids = [Command.link(dev_user.id)]
        self.assertEqual(len(project.sale_line_employee_ids), 2)

    def test_what_a_line_sells_of_the_plan_is_the_estimate_s(self):
        estimate, order, __ = self._sold()
        line = order.order_line[0]
        for vals in (
            {"engagement_estimate_phase": "Build"},
            {"engagement_estimate_role_id": self.role_dev.id},
        ):
            with self.subTest(vals=vals), self.assertRefused(UserError, "Create Quotation only"):
                line.with_user(self.sales).write(vals)
        with self.assertRefused(UserError, "Create Quotation only"):
            self.env["sale.order.line"].with_user(self.sales).create(
                {
                    "order_id": order.id,
                    "product_id": line.product_id.id,
                    "engagement_estimate_phase": "Discovery",
                }
            )
        self.assertEqual(line.engagement_estimate_phase, "Discovery")
        self.assertEqual(len(order.order_line), 3)
