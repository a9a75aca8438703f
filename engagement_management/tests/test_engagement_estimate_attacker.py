from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .estimate_common import EstimateCommon


@tagged("post_install", "-at_install")
class TestEngagementEstimateAttacker(EstimateCommon):
    """The estimate's controls, tried by the people they control by every path they
    have; each refusal changes nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal = new_test_user(
            cls.env, "em_estimate_portal", groups="base.group_portal", name="Carla Customer"
        )
        cls.portal.partner_id.parent_id = cls.customer
        cls.draft = cls._new_estimate()
        cls.approved = cls._new_estimate(name="Approved")
        cls.approved.with_user(cls.ba).action_submit()
        cls.approved.with_user(cls.manager).action_approve()

    def test_the_pm_and_ba_never_set_the_cost_side(self):
        line = self.draft.line_ids[0].with_user(self.ba)
        for vals in ({"cost_rate": 1.0}, {"cost": 1.0}):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                line.write(vals)
        with self.assertRaises(AccessError):
            line.create(
                {
                    "estimate_id": self.draft.id,
                    "phase": "Run",
                    "name": "Cheap",
                    "role_id": self.role_dev.id,
                    "cost_rate": 1.0,
                }
            )
        with self.assertRaises(AccessError):
            self.draft.with_user(self.pm).write({"target_margin_pct": 0.0})
        with self.assertRaises(AccessError):
            self.card.line_ids.with_user(self.ba).read(["cost_rate"])
        with self.assertRaises(AccessError):
            self.card.line_ids[0].with_user(self.ba).write({"bill_rate": 1.0})
        self.assertEqual(self.draft.cost_total, 12210.0)
        self.assertEqual(self.card.line_ids[0].bill_rate, 150.0)

    def test_a_rate_said_for_one_role_does_not_carry_to_another(self):
        """A BA who may not write rates gives a line a reason, then moves it to a dearer
        role (or the estimate to another card): the line takes the new role's card
        rates, not the cheap cost it had, so the margin rule sees the real cost."""
        Role = self.env["project.role"]
        junior, architect = Role.create({"name": "Junior"}), Role.create({"name": "Architect"})
        self.card.write(
            {
                "line_ids": [
                    Command.create({"role_id": junior.id, "bill_rate": 50.0, "cost_rate": 10.0}),
                    Command.create(
                        {"role_id": architect.id, "bill_rate": 100.0, "cost_rate": 90.0}
                    ),
                ]
            }
        )
        estimate = self._new_estimate(user=self.ba)
        line = estimate.line_ids[0].with_user(self.ba)
        line.write({"role_id": junior.id, "rate_override_reason": "negotiated"})
        line.write({"role_id": architect.id})
        line_su = line.sudo()
        self.assertEqual((line_su.bill_rate, line_su.cost_rate), (100.0, 90.0))
        # The same through the card: a card of the same company and currency.
        cheap_card = self.card.copy({"name": "Cheap"})
        cheap_card.line_ids.filtered(lambda card_line: card_line.role_id == architect).write(
            {"cost_rate": 5.0, "bill_rate": 100.0}
        )
        estimate.with_user(self.ba).write({"rate_card_id": cheap_card.id})
        estimate.with_user(self.ba).write({"rate_card_id": self.card.id})
        self.assertEqual(line_su.cost_rate, 90.0)

    def test_no_default_company_or_copy_lowers_the_target_margin(self):
        """Under its target the estimate needs Finance: a manager's default_ key,
        another company's setting or a copy does not lower it."""
        manager = self.Estimate.with_user(self.manager)
        with self.assertRaises(AccessError):
            manager.create(
                {"lead_id": self.lead.id, "line_ids": self._breakdown(), "target_margin_pct": 0}
            )
        from_default = manager.with_context(default_target_margin_pct=0.0).create(
            {"lead_id": self.lead.id, "line_ids": self._breakdown(), "name": "Default key"}
        )
        self.company_b.engagement_estimate_target_margin_pct = 0.0
        self.manager.write({"company_ids": [Command.link(self.company_b.id)]})
        from_company_b = manager.with_context(
            allowed_company_ids=[self.company_b.id, self.company.id]
        ).create({"lead_id": self.lead.id, "line_ids": self._breakdown(), "name": "B first"})
        self.assertEqual(from_company_b.company_id, self.company)
        raised = self._new_estimate(name="Raised")
        raised.sudo().write({"target_margin_pct": 50.0})
        copied = raised.with_user(self.ba).copy()
        self.assertEqual(
            (from_default | from_company_b | copied).sudo().mapped("target_margin_pct"),
            [30.0, 30.0, 50.0],
            "its own company's target; a copy the highest of the opportunity's estimates",
        )

    def test_the_plan_links_take_no_default_key(self):
        """An order's estimate, a line's phase and role, a task's estimate line are the
        code's to set: a default_ key sets none of them."""
        order = (
            self.env["sale.order"]
            .with_user(self.sales)
            .with_context(default_engagement_estimate_id=self.approved.id)
            .create({"partner_id": self.customer.id})
        )
        line = (
            self.env["sale.order.line"]
            .with_user(self.sales)
            .with_context(
                default_engagement_estimate_role_id=self.role_dev.id,
                default_engagement_estimate_phase="Build",
            )
            .create(
                {
                    "order_id": order.id,
                    "product_id": self.env.ref(
                        "engagement_management.product_product_estimate_time"
                    ).id,
                    "price_unit": 1.0,
                }
            )
        )
        project = self.env["project.project"].create({"name": "Delivery"})
        task = (
            self.env["project.task"]
            .with_user(self.pm)
            .with_context(
                default_engagement_estimate_id=self.approved.id,
                default_engagement_estimate_line_id=self.approved.line_ids[0].id,
            )
            .create({"name": "Task", "project_id": project.id})
        )
        self.assertFalse(order.sudo().engagement_estimate_id)
        self.assertFalse(line.sudo().engagement_estimate_role_id)
        self.assertFalse(line.sudo().engagement_estimate_phase)
        self.assertFalse(task.sudo().engagement_estimate_id)
        self.assertFalse(task.sudo().engagement_estimate_line_id)

    def test_an_approved_estimate_is_frozen_on_every_path(self):
        as_ba = self.approved.with_user(self.ba)
        line = as_ba.line_ids[0]
        paths = {
            "write": lambda: as_ba.write({"contingency_pct": 50.0}),
            "write its lines": lambda: as_ba.write(
                {"line_ids": [Command.update(line.id, {"hours": 1.0})]}
            ),
            "add a line": lambda: line.create(
                {
                    "estimate_id": self.approved.id,
                    "phase": "Run",
                    "name": "More",
                    "role_id": self.role_dev.id,
                    "hours": 10.0,
                }
            ),
            "delete a line": lambda: line.unlink(),
            "delete it": lambda: self.approved.with_user(self.manager).unlink(),
            "superuser write": lambda: self.approved.sudo().write({"assumptions": "<p>x</p>"}),
            "superuser line write": lambda: line.sudo().write({"hours": 1.0}),
        }
        for name, path in paths.items():
            with self.subTest(path=name), self.assertRaises(UserError):
                path()
        result = line.load([".id", "hours"], [[str(line.id), "1"]])
        self.assertFalse(result["ids"])
        self.approved.invalidate_recordset()
        self.assertEqual(
            (self.approved.state, self.approved.hours_total, len(self.approved.line_ids)),
            ("approved", 187.0, 3),
        )

    def test_no_context_key_or_import_approves_an_estimate(self):
        forged = (
            self.Estimate.with_user(self.ba)
            .with_context(
                default_state="approved",
                default_version=7,
                default_manager_approved_by_id=self.manager.id,
            )
            .create({"lead_id": self.lead.id, "line_ids": self._breakdown()})
        )
        self.assertEqual((forged.state, forged.version), ("draft", 1))
        self.assertFalse(forged.manager_approved_by_id)
        for key in ("engagement_workflow", "engagement_estimate_workflow"):
            with self.assertRefused(UserError, "(state)"):
                self.draft.with_user(self.manager).with_context(**{key: "1"}).write(
                    {"state": "approved"}
                )
        result = self.draft.with_user(self.manager).load(
            [".id", "state"], [[str(self.draft.id), "approved"]]
        )
        self.assertFalse(result["ids"])
        self.assertEqual(self.draft.state, "draft")
        # The BA may not approve, nor send for approval what is not a draft.
        with self.assertRefused(AccessError, "approve estimates"):
            self.draft.with_user(self.ba).action_approve()
        with self.assertRefused(UserError, "cannot be submitted"):
            self.approved.with_user(self.ba).action_submit()

    def test_who_is_not_part_of_the_opportunity_neither_reads_nor_follows(self):
        as_outsider = self.draft.with_user(self.outsider)
        with self.assertRaises(AccessError):
            as_outsider.read(["name"])
        # Following needs reading: Odoo answers False and adds no follower.
        self.assertFalse(as_outsider.message_subscribe(partner_ids=self.outsider.partner_id.ids))
        with self.assertRaises(AccessError):
            self.Estimate.with_user(self.outsider).create(
                {"lead_id": self.lead.id, "line_ids": self._breakdown()}
            )
        self.assertFalse(self.Estimate.with_user(self.outsider).search([]))
        self.assertNotIn(self.outsider.partner_id, self.draft.message_partner_ids)

    def test_a_portal_user_reads_no_estimate_over_rpc(self):
        for model, record in (
            ("engagement.estimate", self.draft),
            ("engagement.estimate.line", self.draft.line_ids[:1]),
            ("engagement.rate.card", self.card),
            ("engagement.rate.card.line", self.card.line_ids[:1]),
            ("engagement.estimate.accuracy.report", None),
        ):
            Model = self.env[model].with_user(self.portal)
            with self.subTest(model=model):
                with self.assertRaises(AccessError):
                    Model.search_read([], ["id"])
                if record is not None:
                    with self.assertRaises(AccessError):
                        record.with_user(self.portal).read(["id"])

    def test_which_estimate_an_order_or_task_comes_from_is_not_forged(self):
        other = (
            self.env["sale.order"].with_user(self.sales).create({"partner_id": self.customer.id})
        )
        with self.assertRefused(UserError, "Create Quotation only"):
            other.write({"engagement_estimate_id": self.approved.id})
        with self.assertRefused(UserError, "Create Quotation only"):
            self.env["sale.order"].with_user(self.sales).create(
                {"partner_id": self.customer.id, "engagement_estimate_id": self.approved.id}
            )
        self.assertFalse(other.engagement_estimate_id)
        project = self.env["project.project"].create({"name": "Delivery"})
        task = self.env["project.task"].create({"name": "Task", "project_id": project.id})
        with self.assertRefused(UserError, "when the plan is made"):
            task.with_user(self.pm).write(
                {"engagement_estimate_line_id": self.approved.line_ids[0].id}
            )
        self.assertFalse(task.engagement_estimate_line_id)

    def test_sales_without_the_engagement_group_quote_nothing(self):
        salesman = new_test_user(
            self.env, "em_plain_sales", groups="sales_team.group_sale_salesman_all_leads"
        )
        with self.assertRaises(AccessError):
            self.approved.with_user(salesman).action_create_quotation()
        with self.assertRaises(AccessError):
            self.approved.with_user(self.pm).action_create_quotation()
        self.assertFalse(self.approved.sudo().sale_order_ids)

    def test_an_estimate_of_ones_opportunity_cannot_price_another_engagement(self):
        # Another team's engagement, made without an opportunity: the BA's own lead must
        # not carry an estimate onto it (approved, it would set its baseline and gate).
        other = self._create_engagement(name="Another team's engagement")
        before = self.Estimate.search_count([])
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self._new_estimate(engagement_id=other.id)
        # nor by moving a draft of the lead onto it (the workflow's field)
        with self.assertRaises(UserError), self.env.cr.savepoint():
            self.draft.with_user(self.ba).write({"engagement_id": other.id})
        self.assertEqual(self.Estimate.search_count([]), before)
        self.assertFalse(self.Estimate.search([("engagement_id", "=", other.id)]))
        self.assertFalse(self.draft.engagement_id)

    def test_the_pm_and_ba_learn_nothing_of_the_margin_by_varying_the_estimate(self):
        # The target for this customer is above the estimate's margin (41.6 %): the flag
        # is up, and a BA who could read it could find the cost by bisection.
        self.env.cr.precommit.run()  # the draft's creation is behind us: changes are tracked
        self.draft.with_user(self.manager).target_margin_pct = 45.0
        self.env.flush_all()
        self.env.cr.precommit.run()  # the chatter's tracking, as at the commit
        self.draft.invalidate_recordset(["message_ids"])
        self.assertTrue(self.draft.needs_finance_approval)
        flags = ["needs_finance_approval", "margin_pct", "revenue_total", "cost_total"]
        for user in (self.ba, self.pm):
            as_user = self.draft.with_user(user)
            Estimate = self.Estimate.with_user(user)
            for name in flags:
                with self.subTest(user=user.name, field=name):
                    with self.assertRaises(AccessError):
                        as_user.read([name])
                    with self.assertRaises(AccessError):
                        Estimate.search_read([(name, "!=", False)], ["id"])
                    with self.assertRaises(AccessError):
                        Estimate.search_count([(name, "=", True)])
                    with self.assertRaises(AccessError):
                        Estimate.formatted_read_group([], [name], ["__count"])
                    # The form's onchange, asked for the field while the BA edits.
                    with self.assertRaises(AccessError):
                        as_user.onchange(
                            {"contingency_pct": 12.0},
                            ["contingency_pct"],
                            {name: {}, "contingency_pct": {}},
                        )
                    self.assertNotIn(name, Estimate.fields_get())
            # Nor from the lines, nor the form's and list's own columns and filters.
            for name in ("bill_rate", "card_bill_rate", "revenue", "cost_rate", "cost"):
                with self.subTest(user=user.name, line_field=name):
                    with self.assertRaises(AccessError):
                        self.draft.line_ids.with_user(user).read([name])
                    with self.assertRaises(AccessError):
                        self.env["engagement.estimate.line"].with_user(user).search(
                            [(name, ">", 0)]
                        )
            views = Estimate.get_views(
                [(False, kind) for kind in ("form", "list", "search", "pivot", "graph")]
            )
            for view_type, view in views["views"].items():
                hidden = (
                    "needs_finance_approval",
                    "revenue_total",
                    "cost_total",
                    "bill_rate",
                    "under_target",
                )
                for name in hidden:
                    with self.subTest(user=user.name, view=view_type, name=name):
                        self.assertNotIn(f'"{name}"', view["arch"])
        # The target Finance set is tracked for Finance's eyes only.
        tracking = self.draft.message_ids.sudo().tracking_value_ids.filtered(
            lambda value: value.field_id.name == "target_margin_pct"
        )
        self.assertTrue(tracking)
        self.assertFalse(tracking._filter_has_field_access(self.env(user=self.ba)))
        self.assertTrue(tracking._filter_has_field_access(self.env(user=self.manager)))
        self.assertEqual(self.draft.target_margin_pct, 45.0)

    def test_the_estimate_s_price_is_read_by_who_reads_the_baseline(self):
        # Approved, the revenue is the engagement's baseline revenue, which the PM and
        # the BA may not read there: they read it nowhere else.
        engagement = self._create_engagement(lead_id=self.lead.id)
        self.approved.with_context(tracking_disable=True)._workflow_write(
            {"engagement_id": engagement.id}
        )
        self.approved._apply_to_engagement()
        self.assertEqual(engagement.budget_revenue, self.approved.revenue_total)
        for user in (self.pm, self.ba):
            with self.subTest(user=user.name):
                with self.assertRaises(AccessError):
                    engagement.with_user(user).read(["budget_revenue"])
                with self.assertRaises(AccessError):
                    self.approved.with_user(user).read(["revenue_total"])
                with self.assertRaises(AccessError):
                    self.card.line_ids.with_user(user).read(["bill_rate"])
                # Nor from the SOW, which prints the price.
                with self.assertRefused(AccessError, "read the price"):
                    self.approved.with_user(user).action_print_sow()
                with self.assertRaises(AccessError):
                    self.env["ir.actions.report"].with_user(user)._render_qweb_html(
                        "engagement_management.engagement_estimate_sow_report", self.approved.ids
                    )
        self.assertEqual(engagement.estimate_id, self.approved)
        self.assertTrue(self.approved.with_user(self.manager).action_print_sow())
        self.assertEqual(self.approved.with_user(self.finance).revenue_total, 20900.0)

    def test_only_finance_lowers_the_target_margin(self):
        # A manager who lowered the target would approve alone what Finance must approve.
        self.draft.line_ids[1].with_user(self.manager).write(
            {"bill_rate": 65.0, "rate_override_reason": "Strategic account"}
        )
        self.assertTrue(self.draft.needs_finance_approval)
        with self.assertRefused(AccessError, "Only Finance lowers the target margin"):
            self.draft.with_user(self.manager).write({"target_margin_pct": 10.0})
        with self.assertRefused(AccessError, "Only Finance lowers the target margin"):
            self.Estimate.with_user(self.manager).create(
                {"lead_id": self.lead.id, "target_margin_pct": 0.0, "line_ids": self._breakdown()}
            )
        # The form sends the default back: that is no change; raising it is the manager's.
        same = self.Estimate.with_user(self.manager).create(
            {"lead_id": self.lead.id, "target_margin_pct": 30.0, "name": "Same target"}
        )
        self.assertEqual(same.target_margin_pct, 30.0)
        same.with_user(self.manager).target_margin_pct = 35.0
        self.assertEqual(same.target_margin_pct, 35.0)
        self.assertEqual(self.draft.target_margin_pct, 30.0)
        self.assertTrue(self.draft.needs_finance_approval)
        # Finance (here the administrator, who may write the estimate) lowers it.
        self.draft.with_user(self.admin).write({"target_margin_pct": 10.0})
        self.assertFalse(self.draft.needs_finance_approval)

    def test_a_manager_does_not_approve_what_they_submitted(self):
        own = self._new_estimate(user=self.manager, name="Own")
        own.with_user(self.manager).action_submit()
        with self.assertRefused(UserError, "another person approves it"):
            own.with_user(self.manager).action_approve()
        # nor an administrator (both groups) their own under-target estimate, by any role
        own_admin = self._new_estimate(user=self.admin, name="Admin's own")
        own_admin.line_ids[1].with_user(self.admin).write(
            {"bill_rate": 65.0, "rate_override_reason": "Strategic account"}
        )
        own_admin.with_user(self.admin).action_submit()
        with self.assertRefused(UserError, "another person approves it"):
            own_admin.with_user(self.admin).action_approve()
        own_admin.with_user(self.manager).action_approve()
        with self.assertRefused(UserError, "another person approves it"):
            own_admin.with_user(self.admin).action_approve()
        self.assertEqual(
            (own.state, own.manager_approved_by_id, own_admin.state),
            ("submitted", self.env["res.users"], "submitted"),
        )
        self.assertFalse(own_admin.finance_approved_by_id)
