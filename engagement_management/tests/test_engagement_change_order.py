import base64
import hashlib
from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import EngagementCommon

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)


@tagged("post_install", "-at_install")
class TestChangeOrderCommon(EngagementCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.engagement_co_finance_threshold = 25000.0
        cls.service = cls.env["product.product"].create(
            {"name": "Implementation", "type": "service", "list_price": 100.0, "taxes_id": False}
        )
        cls.engagement = cls._create_engagement(
            billing_type="fixed_price",
            budget_cost=30000.0,
            budget_hours=400.0,
            date_start=date(2025, 1, 6),
            date_end=date(2025, 6, 30),
        )
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "engagement_id": cls.engagement.id,
                "order_line": [
                    Command.create(
                        {"product_id": cls.service.id, "product_uom_qty": 500, "price_unit": 100.0}
                    )
                ],
            }
        )
        cls.order.action_confirm()
        cls.ChangeOrder = cls.env["engagement.change.order"]

    @classmethod
    def _new_co(cls, engagement=None, user=None, **values):
        vals = {
            "engagement_id": (engagement or cls.engagement).id,
            "title": "Add the tariff simulator",
            "category": "scope",
            "revenue_delta": 10000.0,
        }
        vals.update(values)
        return cls.ChangeOrder.with_user(user or cls.pm).create(vals)

    def _through(self, co, until="applied"):
        """Walk ``co`` through the workflow as the right people, up to ``until``."""
        steps = [
            ("submitted", lambda: co.with_user(self.pm).action_submit()),
            ("approved", lambda: co.with_user(self.manager).action_approve()),
            # The customer signs on the portal, which calls it as superuser.
            ("signed", lambda: co.sudo().action_sign("Ann Acme")),
            ("applied", lambda: co.with_user(self.manager).action_apply()),
        ]
        for state, step in steps:
            step()
            self.assertEqual(co.state, state)
            if state == until:
                break
        return co


@tagged("post_install", "-at_install")
class TestChangeOrderWorkflow(TestChangeOrderCommon):
    def test_pm_raises_manager_approves_customer_signs_manager_applies(self):
        co = self._new_co()
        self.assertRegex(co.name, r"^CO/\d{4}/\d{4}$")
        self.assertEqual(co.state, "draft")

        co.with_user(self.pm).action_submit()
        self.assertEqual((co.state, co.submitted_by_id), ("submitted", self.pm))

        with self.assertRefused(AccessError, "Only engagement managers"):
            co.with_user(self.pm).action_approve()
        with self.assertRefused(AccessError, "engagement manager"):
            co.with_user(self.finance).action_approve()
        self.assertEqual(co.state, "submitted")
        self.assertFalse(co.manager_approved_by_id)

        co.with_user(self.manager).action_approve()
        self.assertEqual((co.state, co.manager_approved_by_id), ("approved", self.manager))
        self.assertFalse(co.needs_finance_approval)

        with self.assertRefused(UserError, "it cannot be applied"):
            co.with_user(self.manager).action_apply()
        # Nobody inside signs for the customer, not even a manager: the portal does.
        for user in (self.pm, self.manager, self.admin):
            with self.assertRefused(AccessError, "Only the customer answers"):
                co.with_user(user).action_sign("Paula")
        co.sudo().action_sign("Ann Acme")
        self.assertEqual(
            (co.state, co.signed_by, co.signature_method), ("signed", "Ann Acme", "customer")
        )
        self.assertTrue(co.signed_on)
        self.assertEqual(len(co.signed_document_hash), 64)

        with self.assertRefused(AccessError, "Only engagement managers apply"):
            co.with_user(self.pm).action_apply()
        self.assertEqual(co.state, "signed")
        co.with_user(self.manager).action_apply()
        self.assertEqual((co.state, co.applied_by_id), ("applied", self.manager))

        bodies = " ".join(co.message_ids.mapped("body"))
        for text in (
            "Submitted for approval by Paula PM",
            "Approved by Mona Manager (engagement manager)",
            "Signed by Ann Acme",
            "Applied by Mona Manager",
        ):
            self.assertIn(text, bodies)
        engagement_bodies = " ".join(self.engagement.message_ids.mapped("body"))
        self.assertIn(f"{co.display_name}: Applied by Mona Manager", engagement_bodies)

    def test_wrong_state_changes_nothing(self):
        co = self._new_co()
        with self.assertRefused(UserError, "is Draft: it cannot be approved"):
            co.with_user(self.manager).action_approve()
        with self.assertRefused(UserError, "is Draft: it cannot be signed"):
            co.sudo().action_sign("Ann")
        with self.assertRefused(UserError, "is Draft: it cannot be rejected"):
            co.with_user(self.manager).action_reject("no")
        self.assertEqual(co.state, "draft")
        self.assertFalse(co.signed_by)
        co.with_user(self.pm).action_cancel()
        with self.assertRefused(UserError, "is Cancelled: it cannot be submitted"):
            co.with_user(self.pm).action_submit()

    def test_state_only_moves_through_the_workflow(self):
        co = self._new_co()
        for user in (self.pm, self.manager, self.admin):
            with self.assertRefused(UserError, "through its workflow buttons only"):
                co.with_user(user).write({"state": "approved"})
            with self.assertRefused(UserError, "through its workflow buttons only"):
                co.with_user(user).write({"manager_approved_by_id": user.id})
        self.assertEqual(co.state, "draft")
        with self.assertRefused(UserError, "through its workflow buttons only"):
            self._new_co(user=self.manager, state="applied")
        # An RPC client cannot forge the workflow's key: a string is not the sentinel.
        with self.assertRefused(UserError, "through its workflow buttons only"):
            co.with_context(engagement_change_order_workflow="1").write({"state": "applied"})

    def test_terms_freeze_once_submitted(self):
        co = self._new_co()
        co.with_user(self.pm).write({"revenue_delta": 12000.0})
        co.with_user(self.pm).action_submit()
        with self.assertRefused(UserError, "its terms are frozen"):
            co.with_user(self.manager).write({"revenue_delta": 1.0})
        self.assertEqual(co.revenue_delta, 12000.0)

    def test_rejection_and_cancellation_end_it(self):
        co = self._new_co()
        co.with_user(self.pm).action_submit()
        with self.assertRefused(AccessError, "Only engagement managers can reject"):
            co.with_user(self.pm).action_reject("too expensive")
        co.with_user(self.manager).action_reject("Covered by the SOW, section 4")
        self.assertEqual(co.state, "rejected")
        self.assertEqual(co.rejection_reason, "Covered by the SOW, section 4")
        self.assertIn("Covered by the SOW, section 4", co.message_ids[0].body)
        # The PM who submitted it gets a to-do saying why.
        self.assertEqual(co.activity_ids.user_id, self.pm)
        self.assertIn("Change order rejected", co.activity_ids.summary)
        self.assertIn("Covered by the SOW, section 4", co.activity_ids.note)
        with self.assertRefused(UserError, "is Rejected: it cannot be cancelled"):
            co.with_user(self.manager).action_cancel()

        approved = self._through(self._new_co(), until="approved")
        with self.assertRefused(AccessError, "Only engagement managers cancel"):
            approved.with_user(self.pm).action_cancel()
        # A to-do given to the manager about it (the customer's answer) goes with it.
        approved._notify_manager("Apply the change order", "Signed")
        self.assertTrue(approved.activity_ids)
        approved.with_user(self.manager).action_cancel()
        self.assertEqual(approved.state, "cancelled")
        self.assertFalse(approved.activity_ids)

    def test_zero_impact_change_is_refused(self):
        with self.assertRefused(ValidationError, "changes nothing"):
            self._new_co(revenue_delta=0.0)
        co = self._new_co(revenue_delta=0.0, schedule_delta_days=5)
        with self.assertRefused(ValidationError, "changes nothing"):
            co.write({"schedule_delta_days": 0})
        self.assertEqual(co.schedule_delta_days, 5)

    def test_applied_change_order_is_immutable_and_undone_by_a_compensating_one(self):
        co = self._through(self._new_co(cost_delta=4000.0, hours_delta=40.0))
        with self.assertRefused(UserError, "is applied and cannot be changed"):
            co.with_user(self.manager).write({"title": "Quietly renamed"})
        with self.assertRefused(UserError, "is applied and cannot be changed"):
            co.write({"reason": "superuser too"})
        with self.assertRefused(UserError, "only drafts can be"):
            co.with_user(self.manager).unlink()
        with self.assertRefused(UserError, "is Applied: it cannot be cancelled"):
            co.with_user(self.manager).action_cancel()
        self.assertEqual(self.engagement.revised_revenue, 60000.0)

        action = co.with_user(self.manager).action_create_compensating()
        undo = self.ChangeOrder.browse(action["res_id"])
        self.assertEqual(undo.compensated_change_order_id, co)
        self.assertEqual(
            (undo.revenue_delta, undo.cost_delta, undo.hours_delta, undo.state),
            (-10000.0, -4000.0, -40.0, "draft"),
        )
        self._through(undo)
        self.assertEqual(self.engagement.revised_revenue, 50000.0)
        self.assertEqual(self.engagement.revised_cost, 30000.0)
        self.assertEqual(self.engagement.revised_hours, 400.0)
        self.assertEqual(co.state, "applied", "the original stays as it was")

    def test_a_draft_can_be_deleted_nothing_later(self):
        draft = self._new_co()
        submitted = self._new_co()
        submitted.with_user(self.pm).action_submit()
        with self.assertRefused(UserError, "only drafts can be"):
            submitted.with_user(self.manager).unlink()
        draft.with_user(self.pm).unlink()
        self.assertFalse(draft.exists())


@tagged("post_install", "-at_install")
class TestChangeOrderFinanceApproval(TestChangeOrderCommon):
    def test_above_threshold_manager_and_finance_both_approve(self):
        self.env.company.engagement_co_finance_threshold = 5000.0
        co = self._new_co(revenue_delta=2000.0, cost_delta=-8000.0)
        self.assertTrue(co.needs_finance_approval, "the cost impact counts, negative or not")
        co.with_user(self.pm).action_submit()
        co.with_user(self.manager).action_approve()
        self.assertEqual(co.state, "submitted", "one approval of two")
        self.assertIn("Still waiting for the second approval", co.message_ids[0].body)
        with self.assertRefused(AccessError, "it still needs the approval of Finance"):
            co.with_user(self.manager).action_approve()
        co.with_user(self.finance).action_approve()
        self.assertEqual(co.state, "approved")
        self.assertEqual(
            (co.manager_approved_by_id, co.finance_approved_by_id), (self.manager, self.finance)
        )

    def test_finance_can_approve_first_and_the_two_approvals_need_two_people(self):
        self.env.company.engagement_co_finance_threshold = 5000.0
        co = self._new_co(revenue_delta=9000.0)
        co.with_user(self.pm).action_submit()
        co.with_user(self.finance).action_approve()
        self.assertEqual((co.state, co.finance_approved_by_id), ("submitted", self.finance))
        with self.assertRefused(AccessError, "approval of an engagement manager"):
            co.with_user(self.finance).action_approve()
        co.with_user(self.manager).action_approve()
        self.assertEqual(co.state, "approved")

        other = self._new_co(revenue_delta=9000.0)
        other.with_user(self.pm).action_submit()
        other.with_user(self.admin).action_approve()
        with self.assertRefused(UserError, "two different people"):
            other.with_user(self.admin).action_approve()
        self.assertEqual(other.state, "submitted")
        self.assertFalse(other.finance_approved_by_id)

    def test_who_submitted_it_approves_none_of_it(self):
        # The manager raises a change on their own engagement and presses Approve: under
        # the threshold one approval would do, and it is not theirs to give.
        co = self._new_co(user=self.manager, revenue_delta=2000.0)
        self.assertFalse(co.needs_finance_approval)
        co.with_user(self.manager).action_submit()
        with self.assertRefused(UserError, "another person approves it"):
            co.with_user(self.manager).action_approve()
        self.assertEqual(co.state, "submitted")
        self.assertFalse(co.manager_approved_by_id)
        # Above it, who holds both groups and submitted gives neither approval.
        self.env.company.engagement_co_finance_threshold = 5000.0
        large = self._new_co(user=self.admin, revenue_delta=9000.0)
        large.with_user(self.admin).action_submit()
        with self.assertRefused(UserError, "another person approves it"):
            large.with_user(self.admin).action_approve()
        self.assertFalse(large.finance_approved_by_id)
        self.assertEqual(large.state, "submitted")

    def test_threshold_is_a_company_setting(self):
        settings = self.env["res.config.settings"].create({})
        settings.engagement_co_finance_threshold = 1000.0
        settings.execute()
        self.assertEqual(self.env.company.engagement_co_finance_threshold, 1000.0)
        self.assertTrue(self._new_co(revenue_delta=1000.01).needs_finance_approval)
        self.assertFalse(self._new_co(revenue_delta=1000.0).needs_finance_approval)


@tagged("post_install", "-at_install")
class TestChangeOrderMoney(TestChangeOrderCommon):
    def test_two_applied_and_one_rejected_change_order(self):
        self.assertEqual(self.engagement.revenue_contracted, 50000.0)
        extra = self._through(
            self._new_co(
                title="Tariff simulator",
                revenue_delta=12000.0,
                cost_delta=7000.0,
                hours_delta=90.0,
                schedule_delta_days=21,
            )
        )
        descope = self._through(
            self._new_co(
                title="Drop the print file",
                revenue_delta=-3500.0,
                cost_delta=-2000.0,
                hours_delta=-25.0,
                schedule_delta_days=-4,
            )
        )
        rejected = self._new_co(title="Weekend surcharge", revenue_delta=4800.0, cost_delta=3600.0)
        rejected.with_user(self.pm).action_submit()
        rejected.with_user(self.manager).action_reject("In the SOW")

        engagement = self.engagement.with_user(self.finance)
        self.assertDictEqual(
            {
                "revised_revenue": engagement.revised_revenue,
                "revised_cost": engagement.revised_cost,
                "revised_hours": engagement.revised_hours,
                "revised_date_end": engagement.revised_date_end,
                "revenue_contracted": engagement.revenue_contracted,
                "change_order_count": engagement.change_order_count,
                "change_order_revenue": engagement.change_order_revenue,
            },
            {
                "revised_revenue": 58500.0,  # 50,000 + 12,000 - 3,500
                "revised_cost": 35000.0,  # 30,000 + 7,000 - 2,000
                "revised_hours": 465.0,  # 400 + 90 - 25
                "revised_date_end": date(2025, 7, 17),  # 30 June + 21 - 4 days
                "revenue_contracted": 58500.0,  # the order, which now carries both lines
                "change_order_count": 3,
                "change_order_revenue": 8500.0,
            },
        )
        # Both lines on the confirmed order, linked both ways; the rejected one adds none.
        lines = self.order.order_line.filtered("engagement_change_order_id")
        self.assertEqual(lines.engagement_change_order_id, extra | descope)
        self.assertEqual(extra.sudo().sale_order_line_id.price_subtotal, 12000.0)
        self.assertEqual(descope.sudo().sale_order_line_id.price_subtotal, -3500.0)
        self.assertEqual(
            extra.sudo().sale_order_line_id.product_id,
            self.env.ref("engagement_management.product_product_change_order"),
        )
        self.assertFalse(rejected.sudo().sale_order_line_id)
        self.assertEqual(self.order.amount_untaxed, 58500.0)
        # Baseline untouched: only the revised figures move.
        self.assertEqual(engagement.budget_revenue, 50000.0)

    def test_locked_order_gets_a_new_quotation_counted_once(self):
        self.order.action_lock()
        co = self._through(self._new_co(revenue_delta=7000.0))
        quotation = co.sudo().sale_order_line_id.order_id
        self.assertNotEqual(quotation, self.order)
        self.assertEqual(
            (quotation.state, quotation.engagement_id, quotation.amount_untaxed),
            ("draft", self.engagement, 7000.0),
        )
        self.assertEqual(self.order.amount_untaxed, 50000.0, "the locked order is untouched")
        # Not on a confirmed order yet: the change order itself counts.
        self.assertEqual(self.engagement.revenue_contracted, 57000.0)
        quotation.action_confirm()
        self.engagement.invalidate_recordset(["revenue_contracted"])
        # Now through the order, not twice.
        self.assertEqual(self.engagement.revenue_contracted, 57000.0)

    def test_time_and_materials_changes_the_budget_only(self):
        engagement = self._create_engagement(name="Support hours", billing_type="time_materials")
        co = self._through(
            self._new_co(engagement=engagement, revenue_delta=6000.0, hours_delta=50)
        )
        self.assertFalse(co.sudo().sale_order_line_id)
        self.assertFalse(engagement.sale_order_ids)
        self.assertEqual(engagement.revised_revenue, 56000.0)
        self.assertEqual(engagement.revised_hours, 50.0)
        self.assertEqual(
            engagement.revenue_contracted, 6000.0, "agreed, though no order carries it"
        )

    def test_register_groups_by_customer_category_and_month(self):
        self._through(self._new_co(revenue_delta=1000.0, category="scope"))
        self._through(self._new_co(revenue_delta=2500.0, category="rate"))
        self._new_co(revenue_delta=400.0, category="rate")
        groups = self.ChangeOrder.with_user(self.finance)._read_group(
            [("engagement_id", "=", self.engagement.id), ("state", "=", "applied")],
            ["partner_id", "category", "date_requested:month"],
            ["revenue_delta:sum"],
        )
        self.assertEqual(
            sorted((partner, category, total) for partner, category, __, total in groups),
            [(self.customer, "rate", 2500.0), (self.customer, "scope", 1000.0)],
        )

    def test_change_order_document_renders(self):
        co = self._through(self._new_co(title="Tariff simulator"), until="signed")
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("engagement_management.engagement_change_order_report", co.ids)[0]
            .decode()
        )
        for text in (co.name, "Tariff simulator", "Ann Acme", "10,000.00"):
            self.assertIn(text, html)


@tagged("post_install", "-at_install")
class TestChangeOrderSignature(TestChangeOrderCommon):
    def test_customer_signs_through_the_shared_signature(self):
        portal = new_test_user(
            self.env,
            "em_acme_portal",
            groups="base.group_portal",
            name="Ann Acme",
            partner_id=self.env["res.partner"]
            .create({"name": "Ann Acme", "parent_id": self.customer.id})
            .id,
        )
        co = self._through(self._new_co(), until="approved")
        with self.assertRefused(AccessError, ""):
            co.with_user(portal).action_sign("Ann Acme", signature=PNG)
        # The portal route calls it as superuser once it checked the customer's access.
        with self.assertRefused(UserError, "must be a PNG"):
            co.with_user(portal).sudo().action_sign("Ann Acme", signature=base64.b64encode(b"GIF"))
        self.assertEqual(co.state, "approved")
        co.with_user(portal).sudo().action_sign("Ann Acme", signature=PNG)
        self.assertEqual(co.state, "signed")
        self.assertEqual(co.signed_partner_id, portal.partner_id)
        self.assertEqual(co.signature, PNG)
        with self.assertRefused(UserError, "is Signed: it cannot be signed"):
            co.with_user(portal).sudo().action_sign("Ann Acme", signature=PNG)

    def test_manager_files_the_countersigned_copy(self):
        co = self._through(self._new_co(), until="approved")
        with self.assertRefused(UserError, "Upload the countersigned copy"):
            co.with_user(self.manager).action_upload_countersigned()
        pdf = b"%PDF-1.4 signed by Acme"
        co.with_user(self.manager).write(
            {"countersigned_file": base64.b64encode(pdf), "countersigned_filename": "co.pdf"}
        )
        with self.assertRefused(AccessError, "Only engagement managers file"):
            co.with_user(self.pm).action_upload_countersigned()
        co.with_user(self.manager).action_upload_countersigned(signed_by="Carl Acme")
        self.assertEqual(
            (co.state, co.signature_method, co.signed_by), ("signed", "countersigned", "Carl Acme")
        )
        self.assertEqual(co.signed_document_hash, hashlib.sha256(pdf).hexdigest())
        self.assertIn("Countersigned copy co.pdf filed by Mona Manager", co.message_ids[0].body)
        with self.assertRefused(UserError, "no longer waiting for a countersigned copy"):
            co.with_user(self.manager).write({"countersigned_file": base64.b64encode(b"other")})


@tagged("post_install", "-at_install")
class TestChangeOrderAccess(TestChangeOrderCommon):
    def test_members_raise_outsiders_and_other_companies_see_nothing(self):
        co = self._new_co(user=self.ba)
        with self.assertRaises(AccessError):
            co.with_user(self.outsider).read(["title"])
        with self.assertRaises(AccessError):
            self._new_co(user=self.outsider)
        with self.assertRaises(AccessError):
            co.with_user(self.manager_b).read(["title"])
        self.assertFalse(self.ChangeOrder.with_user(self.manager_b).search([]) & co)
        self.assertEqual(self.ChangeOrder.with_user(self.finance).search([("id", "=", co.id)]), co)
        with self.assertRaises(AccessError):
            co.with_user(self.finance).write({"title": "Finance edits"})
        with self.assertRaises(AccessError):
            co.with_user(self.finance).action_submit()
        self.assertEqual(co.state, "draft")

    def test_engagement_form_shows_the_register_and_money_to_the_right_people(self):
        self._through(self._new_co(revenue_delta=4000.0))
        Engagement = self.env["engagement.engagement"]
        arch = Engagement.with_user(self.pm).get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="change_order_ids"', arch)
        self.assertIn('name="change_order_count"', arch)
        self.assertNotIn('name="change_order_revenue"', arch)
        self.assertEqual(self.engagement.with_user(self.pm).change_order_count, 1)
        with self.assertRaises(AccessError):
            self.engagement.with_user(self.pm).read(["change_order_revenue"])
        arch = Engagement.with_user(self.finance).get_views([(False, "form")])["views"]["form"][
            "arch"
        ]
        self.assertIn('name="change_order_revenue"', arch)
        self.assertEqual(self.engagement.with_user(self.finance).change_order_revenue, 4000.0)


@tagged("post_install", "-at_install")
class TestChangeOrderGate(TestChangeOrderCommon):
    def test_acceptance_waits_for_open_change_orders(self):
        gate = self.env.ref(
            "engagement_management.engagement_stage_gate_acceptance_no_open_change_orders"
        )
        self.assertEqual(
            (gate.stage_id, gate.gate_type), (self.stage["acceptance"], "no_open_change_orders")
        )
        self.engagement.with_user(self.admin).action_override_stage(
            self.stage["execution"], "Test: skip to execution"
        )
        self._confirm_gates(self.engagement, self.stage["acceptance"])
        applied = self._through(self._new_co(title="Done"))
        rejected = self._new_co(title="No")
        rejected.with_user(self.pm).action_submit()
        rejected.with_user(self.manager).action_reject()
        waiting = self._through(self._new_co(title="Waiting"), until="signed")
        missing = gate._evaluate(self.engagement.sudo())
        self.assertIn(waiting.name, missing)
        self.assertNotIn(applied.name, missing)
        self.assertNotIn(rejected.name, missing)
        with self.assertRefused(UserError, f"change orders still open: {waiting.name}"):
            self.engagement.with_user(self.manager).action_move_to_stage(self.stage["acceptance"])
        self.assertEqual(self.engagement.stage_id, self.stage["execution"])
        waiting.with_user(self.manager).action_apply()
        self.engagement.with_user(self.manager).action_move_to_stage(self.stage["acceptance"])
        self.assertEqual(self.engagement.stage_id, self.stage["acceptance"])
