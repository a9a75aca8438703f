from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .estimate_common import EstimateCommon


@tagged("post_install", "-at_install")
class TestEngagementEstimate(EstimateCommon):
    """The BA estimates, the manager approves, sales quotes from it, the customer
    confirms, the engagement starts from the baseline, the project has the phases, and
    at the close the accuracy report shows the overrun."""

    def _approve(self, estimate):
        estimate.with_user(self.ba).action_submit()
        estimate.with_user(self.manager).action_approve()
        return estimate

    def test_from_the_estimate_to_the_close(self):
        # The BA prices the opportunity at the company's rate card.
        estimate = self._new_estimate()
        self.assertEqual(estimate.rate_card_id, self.card)
        self.assertEqual(estimate.partner_id, self.customer)
        self.assertEqual(estimate.lead_id.engagement_id, self.env["engagement.engagement"])
        self.assertEqual(estimate.line_ids.mapped("bill_rate"), [150.0, 100.0, 120.0])
        # 170 h, 19 000 of revenue and 11 100 of cost, plus 10 % contingency.
        self.assertEqual(estimate.hours_total, 187.0)
        self.assertEqual(estimate.revenue_total, 20900.0)
        self.assertEqual(estimate.cost_total, 12210.0)
        self.assertAlmostEqual(estimate.margin_pct, 8690.0 / 20900.0 * 100.0)
        self.assertFalse(estimate.needs_finance_approval)
        # The BA estimates phases, work, roles and hours; the money is Finance's and the
        # managers', as the engagement's baseline it becomes.
        as_ba = estimate.with_user(self.ba)
        self.assertEqual(as_ba.hours_total, 187.0)
        for name in (
            "revenue_total",
            "cost_total",
            "margin_pct",
            "target_margin_pct",
            "needs_finance_approval",
        ):
            with self.subTest(field=name), self.assertRaises(AccessError):
                as_ba.read([name])
        for name in ("bill_rate", "card_bill_rate", "revenue", "cost_rate", "cost"):
            with self.subTest(field=name), self.assertRaises(AccessError):
                as_ba.line_ids.read([name])

        # The BA submits; the manager gets an activity and approves.
        as_ba.action_submit()
        self.assertEqual(estimate.state, "submitted")
        activity = estimate.activity_ids
        self.assertEqual(activity.activity_type_id.name, "Approve the Estimate")
        estimate.with_user(self.manager).action_approve()
        self.assertEqual(estimate.state, "approved")
        self.assertEqual(estimate.manager_approved_by_id, self.manager)
        self.assertFalse(estimate.activity_ids)
        # Approved, it is frozen, its lines too.
        with self.assertRefused(UserError, "no longer changes"):
            as_ba.write({"contingency_pct": 0.0})
        with self.assertRefused(UserError, "its work breakdown cannot be"):
            as_ba.line_ids[0].write({"hours": 1.0})
        with self.assertRefused(UserError, "its work breakdown cannot be"):
            as_ba.line_ids[0].unlink()
        self.assertEqual(estimate.hours_total, 187.0)

        # Sales quotes from it: a fixed price per phase, the contingency its own line.
        action = estimate.with_user(self.sales).action_create_quotation()
        order = self.env["sale.order"].browse(action["res_id"])
        self.assertEqual(order.engagement_estimate_id, estimate)
        self.assertEqual(order.opportunity_id, self.lead)
        self.assertEqual(
            [(line.name, line.product_uom_qty, line.price_unit) for line in order.order_line],
            [
                ("Discovery: Workshops", 1.0, 3000.0),
                ("Build: Configuration, Interfaces", 1.0, 16000.0),
                ("Contingency (10.0 %)", 1.0, 1900.0),
            ],
        )
        self.assertEqual(
            order.order_line.product_id,
            self.env.ref("engagement_management.product_product_estimate_phase"),
        )
        self.assertEqual(order.order_line.product_id.service_policy, "delivered_milestones")
        self.assertEqual(order.amount_untaxed, 20900.0)
        # The customer confirms.
        order.with_user(self.sales).action_confirm()
        self.assertFalse(order.engagement_estimate_mismatch)

        # The engagement starts from the approved estimate's totals.
        action = self.lead.with_user(self.sales).action_create_engagement()
        engagement = self.env["engagement.engagement"].browse(action["res_id"])
        self.assertEqual(
            {
                "budget_revenue": engagement.budget_revenue,
                "budget_cost": engagement.budget_cost,
                "budget_hours": engagement.budget_hours,
                "billing_type": engagement.billing_type,
            },
            {
                "budget_revenue": 20900.0,
                "budget_cost": 12210.0,
                "budget_hours": 187.0,
                "billing_type": "fixed_price",
            },
        )
        self.assertEqual(estimate.engagement_id, engagement)
        self.assertEqual(engagement.estimate_id, estimate)
        # What the PM and BA assumed opens the RAID log, owned by the PM.
        assumptions = engagement.raid_item_ids.filtered(lambda item: item.kind == "assumption")
        self.assertEqual(assumptions.mapped("name"), ["Key users attend the workshops."])
        self.assertEqual(assumptions.owner_id, engagement.project_manager_id)
        self.assertEqual(order.engagement_id, engagement)
        self.assertFalse(engagement.estimate_mismatch)
        self.assertFalse(self.lead.estimate_mismatch)
        # The estimate is the gate of Contracting, and it holds.
        engagement.user_id = self.manager
        engagement.with_user(self.manager).action_move_to_stage(self.stage["contracting"])
        self.assertEqual(engagement.stage_id, self.stage["contracting"])

        # The plan: a task per phase with its hours and roles, a sub-task per line.
        engagement.with_user(self.admin).action_override_stage(
            self.stage["planning"], "The SOW was signed on paper."
        )
        engagement.with_user(self.pm).action_create_project()
        project = engagement.project_id
        phases = project.task_ids.filtered(lambda task: not task.parent_id)
        self.assertEqual(
            [(task.name, task.allocated_hours, task.role_ids) for task in phases],
            [
                ("Discovery", 20.0, self.role_pm),
                ("Build", 150.0, self.role_dev | self.role_int),
            ],
        )
        line_tasks = phases.child_ids
        self.assertEqual(line_tasks.engagement_estimate_line_id, estimate.line_ids)
        task_of = {task.engagement_estimate_line_id.role_id: task for task in line_tasks}

        # The work happens: integration takes 65 h instead of 50.
        def log(role, hours, hourly_cost):
            employee = self.env["hr.employee"].create(
                {"name": f"{role.name} consultant", "hourly_cost": hourly_cost}
            )
            self.env["account.analytic.line"].create(
                {
                    "name": "Work",
                    "project_id": project.id,
                    "task_id": task_of[role].id,
                    "employee_id": employee.id,
                    "unit_amount": hours,
                }
            )

        log(self.role_int, 65.0, 70.0)
        log(self.role_dev, 100.0, 60.0)
        log(self.role_pm, 18.0, 80.0)
        self.env.flush_all()

        # At the close the accuracy report shows the overrun, by role.
        Report = self.env["engagement.estimate.accuracy.report"]
        rows = Report.with_user(self.pm)._read_group(
            [("engagement_id", "=", engagement.id)],
            ["role_id"],
            ["hours_estimated:sum", "hours_actual:sum", "hours_error_pct:sum"],
        )
        self.assertEqual(
            {
                role.name: (estimated, actual, round(error, 2))
                for role, estimated, actual, error in rows
            },
            {
                "Integration Consultant": (50.0, 65.0, 30.0),
                "Developer": (100.0, 100.0, 0.0),
                "Project Manager": (20.0, 18.0, -10.0),
            },
        )
        cost_rows = Report.with_user(self.manager)._read_group(
            [("engagement_id", "=", engagement.id)],
            ["phase"],
            ["cost_estimated:sum", "cost_actual:sum", "cost_error_pct:sum"],
        )
        self.assertEqual(
            {
                phase: (estimated, actual, round(error, 2))
                for phase, estimated, actual, error in cost_rows
            },
            # Build: 6 000 + 3 500 estimated, 6 000 + 4 550 actual; Discovery 1 600, 1 440.
            {"Build": (9500.0, 10550.0, 11.05), "Discovery": (1600.0, 1440.0, -10.0)},
        )
        # The engagement's own accuracy, beside its lessons learned: 183 h for 170.
        self.assertAlmostEqual(
            engagement.with_user(self.pm).estimate_hours_error_pct, 13.0 / 170.0 * 100.0
        )
        self.assertAlmostEqual(
            engagement.with_user(self.manager).estimate_cost_error_pct, 890.0 / 11100.0 * 100.0
        )
        with self.assertRaises(AccessError):
            engagement.with_user(self.pm).read(["estimate_cost_error_pct"])
        with self.assertRaises(AccessError):
            Report.with_user(self.pm).search([]).read(["cost_actual"])
        # Who is not part of the engagement reads none of it.
        self.assertFalse(
            Report.with_user(self.outsider).search([("engagement_id", "=", engagement.id)])
        )
        # The SOW is printed from the approved estimate: scope, price, no cost.
        html = (
            self.env["ir.actions.report"]
            .with_user(self.manager)
            ._render_qweb_html(
                "engagement_management.engagement_estimate_sow_report", estimate.ids
            )[0]
            .decode()
        )
        self.assertIn("Statement of Work", html)
        self.assertIn("Build", html)
        self.assertIn("Key users attend the workshops.", html)
        self.assertNotIn("12,210", html)

    def test_time_and_materials_sells_each_role_on_timesheets(self):
        estimate = self._approve(self._new_estimate(billing_type="time_materials"))
        action = estimate.with_user(self.sales).action_create_quotation()
        order = self.env["sale.order"].browse(action["res_id"])
        product = self.env.ref("engagement_management.product_product_estimate_time")
        self.assertEqual(
            [(line.product_id, line.product_uom_qty, line.price_unit) for line in order.order_line],
            # The contingency is in the hours: 20, 100 and 50 h plus 10 %.
            [(product, 22.0, 150.0), (product, 110.0, 100.0), (product, 55.0, 120.0)],
        )
        self.assertEqual(product.service_policy, "delivered_timesheet")
        self.assertEqual(order.amount_untaxed, 20900.0)

    def test_an_order_confirmed_for_another_amount_is_flagged(self):
        estimate = self._approve(self._new_estimate())
        action = estimate.with_user(self.sales).action_create_quotation()
        order = self.env["sale.order"].browse(action["res_id"])
        # Sales gives the contingency away before the customer signs.
        order.order_line[-1].with_user(self.sales).price_unit = 1000.0
        order.with_user(self.sales).action_confirm()
        self.assertEqual(order.amount_untaxed, 20000.0)
        self.assertTrue(order.engagement_estimate_mismatch)
        self.assertTrue(self.lead.estimate_mismatch)
        engagement = self.lead.engagement_id or self.env["engagement.engagement"].browse(
            self.lead.with_user(self.sales).action_create_engagement()["res_id"]
        )
        self.assertTrue(engagement.estimate_mismatch)

    def test_under_the_target_margin_two_other_people_approve(self):
        # Development sold at 65 an hour: 15 500 of revenue for 11 100 of cost, 28.4 %.
        estimate = self._new_estimate()
        estimate.line_ids[1].with_user(self.manager).write(
            {"bill_rate": 65.0, "rate_override_reason": "Strategic account"}
        )
        self.assertAlmostEqual(estimate.margin_pct, 4400.0 / 15500.0 * 100.0)
        self.assertTrue(estimate.needs_finance_approval)
        estimate.with_user(self.ba).action_submit()
        # An engagement manager approves; that is not enough.
        estimate.with_user(self.manager).action_approve()
        self.assertEqual(estimate.state, "submitted")
        with self.assertRefused(AccessError, "still needs the approval of Finance"):
            estimate.with_user(self.manager).action_approve()
        # Whoever holds both groups gives one approval, never the second.
        both = new_test_user(
            self.env,
            "em_both",
            groups="engagement_management.group_engagement_manager,"
            "engagement_management.group_engagement_finance",
        )
        lead = self.env["crm.lead"].create(
            {"name": "Second", "partner_id": self.customer.id, "business_analyst_id": self.ba.id}
        )
        second = self._new_estimate(lead=lead)
        second.line_ids[1].with_user(self.manager).write(
            {"bill_rate": 65.0, "rate_override_reason": "Strategic account"}
        )
        second.with_user(self.ba).action_submit()
        second.with_user(both).action_approve()
        with self.assertRefused(UserError, "two different people"):
            second.with_user(both).action_approve()
        self.assertEqual(second.state, "submitted")
        # Finance approves the first one: approved.
        estimate.with_user(self.finance).action_approve()
        self.assertEqual(estimate.state, "approved")
        self.assertEqual(estimate.finance_approved_by_id, self.finance)

    def test_who_submitted_it_does_not_approve_it_under_the_target(self):
        estimate = self._new_estimate(user=self.manager)
        estimate.line_ids[1].with_user(self.manager).write(
            {"bill_rate": 65.0, "rate_override_reason": "Strategic account"}
        )
        estimate.with_user(self.manager).action_submit()
        with self.assertRefused(UserError, "another person approves it"):
            estimate.with_user(self.manager).action_approve()
        self.assertFalse(estimate.manager_approved_by_id)

    def test_who_submitted_it_does_not_approve_it_on_target_either(self):
        # At the target one approval is enough, and it is still another person's: the
        # rule of change orders (engagement.approval.mixin).
        other_manager = new_test_user(
            self.env,
            "em_other_manager",
            groups="engagement_management.group_engagement_manager",
            name="Omar Other Manager",
        )
        estimate = self._new_estimate(user=self.manager)
        self.assertFalse(estimate.needs_finance_approval)
        estimate.with_user(self.manager).action_submit()
        with self.assertRefused(UserError, "another person approves it"):
            estimate.with_user(self.manager).action_approve()
        self.assertEqual(estimate.state, "submitted")
        self.assertFalse(estimate.manager_approved_by_id)
        estimate.with_user(other_manager).action_approve()
        self.assertEqual(
            (estimate.state, estimate.manager_approved_by_id), ("approved", other_manager)
        )

    def test_a_new_version_supersedes_the_approved_one_once_approved(self):
        first = self._new_estimate()
        # The manager raised the target for this customer and sold development cheaper,
        # saying why.
        first.with_user(self.manager).target_margin_pct = 45.0
        first.line_ids[1].with_user(self.manager).write(
            {"bill_rate": 95.0, "cost_rate": 55.0, "rate_override_reason": "Volume"}
        )
        first.with_user(self.ba).action_submit()
        first.with_user(self.manager).action_approve()
        first.with_user(self.finance).action_approve()
        self.assertEqual(first.state, "approved")
        action = first.with_user(self.ba).action_new_version()
        second = self.Estimate.browse(action["res_id"])
        self.assertEqual((second.version, second.state, second.previous_id), (2, "draft", first))
        # The revision starts from what was approved: its settings and its breakdown.
        fields_ = ["target_margin_pct", "contingency_pct", "rate_card_id", "billing_type"]
        fields_ += ["assumptions", "exclusions", "currency_id", "revenue_total", "cost_total"]
        self.assertEqual(
            {name: second[name] for name in fields_}, {name: first[name] for name in fields_}
        )
        self.assertEqual(second.target_margin_pct, 45.0)
        self.assertTrue(second.needs_finance_approval)
        line_fields = ["phase", "name", "role_id", "hours", "bill_rate", "cost_rate"]
        line_fields += ["rate_override_reason", "revenue", "cost"]
        self.assertEqual(
            [[line[name] for name in line_fields] for line in second.line_ids],
            [[line[name] for name in line_fields] for line in first.line_ids],
        )
        self.assertEqual(second.line_ids[1].bill_rate, 95.0)
        self.assertEqual(first.state, "approved")
        with self.assertRefused(UserError, "already being revised"):
            first.with_user(self.ba).action_new_version()
        second.line_ids[2].with_user(self.ba).hours = 80.0
        self._approve(second)
        self.assertEqual(first.state, "approved", "the second still waits for Finance")
        second.with_user(self.finance).action_approve()
        self.assertEqual(first.state, "superseded")
        self.assertEqual(self.lead._get_approved_estimate(), second)
        self.assertEqual(second.hours_total, 220.0)
        with self.assertRefused(UserError, "cannot be deleted"):
            first.with_user(self.manager).unlink()

    def test_the_approver_sends_it_back_to_draft(self):
        estimate = self._new_estimate()
        estimate.with_user(self.ba).action_submit()
        with self.assertRefused(AccessError, "send"):
            estimate.with_user(self.pm).action_reset_to_draft()
        estimate.with_user(self.manager).action_reset_to_draft()
        self.assertEqual(estimate.state, "draft")
        estimate.with_user(self.ba).write({"contingency_pct": 5.0})
        self.assertEqual(estimate.revenue_total, 19950.0)

    def test_approving_an_engagement_s_estimate_sets_its_baseline(self):
        engagement = self._create_engagement(lead_id=self.lead.id, budget_revenue=1.0)
        estimate = self._new_estimate()
        self.assertEqual(estimate.engagement_id, engagement)
        self._approve(estimate)
        self.assertEqual(
            (engagement.budget_revenue, engagement.budget_cost, engagement.budget_hours),
            (20900.0, 12210.0, 187.0),
        )
        self.assertFalse(engagement._get_unmet_gates(self.stage["contracting"]))
        # Without an approved estimate, the Contracting gate says so.
        other = self._create_engagement(name="Other")
        self.assertIn(
            "the estimate of the PM and BA is not approved",
            [message for __, message in other._get_unmet_gates(self.stage["contracting"])],
        )

    def test_the_customer_s_own_rate_card_comes_first(self):
        vip = self.card.copy({"name": "Acme rates"})
        vip.line_ids.filtered(lambda line: line.role_id == self.role_dev).bill_rate = 90.0
        self.customer.engagement_rate_card_id = vip
        estimate = self._new_estimate()
        self.assertEqual(estimate.rate_card_id, vip)
        self.assertEqual(estimate.line_ids[1].bill_rate, 90.0)
        line = (
            estimate.line_ids[0]
            .with_user(self.ba)
            .create(
                {
                    "estimate_id": estimate.id,
                    "phase": "Run",
                    "name": "Hypercare",
                    "role_id": self.role_dev.id,
                    "hours": 10.0,
                }
            )
        )
        self.assertEqual(line.with_env(self.env).revenue, 900.0)
        self.assertEqual(estimate.line_ids.mapped("phase"), ["Discovery", "Build", "Build", "Run"])
