"""The demo as a new user meets it (it runs on the database ``scripts/test`` installs with
the demo): every persona logs in with its login as password, the README's five-minute
tour works as written, each persona through its own session, and the demo's figures
tell the story its engagements' stages and billing types promise.

None of it depends on the day: the demo's dates are relative to the day it was
installed, its figures are sums of its lines, and the margin review closes a month
given here."""

from odoo import Command
from odoo.tests import HttpCase, TransactionCase, tagged
from odoo.tests.common import JsonRpcException

from .common import SIGNATURE_PNG

DEMO = "engagement_management."
# Persona (the README's table): its XML id and its login, which is also its password.
PERSONAS = {
    "res_users_demo_sales_rachel": "rachel",
    "res_users_demo_em_daniel": "daniel",
    "res_users_demo_em_olivia": "olivia",
    "res_users_demo_pm_sara": "sara",
    "res_users_demo_pm_marco": "marco",
    "res_users_demo_pm_priya": "priya",
    "res_users_demo_ba_tomas": "tomas",
    "res_users_demo_ba_amelia": "amelia",
    "res_users_demo_fin_henrik": "henrik",
    "res_users_demo_legal_leah": "leah",
    "res_users_demo_portal_grace": "grace",
}


def _demo(env, name):
    record = env.ref(DEMO + name, raise_if_not_found=False)
    # Not a skip: this suite is the demo's, and a missing demo is what it must report.
    assert record, f"{DEMO}{name} is missing: these tests run on the database with the demo"
    return record


@tagged("post_install", "-at_install")
class TestDemoPersonas(HttpCase):
    """Each persona logs in Odoo's way, as Odoo's own ``demo`` and ``portal`` users."""

    def _authenticate(self, login, password):
        return self.make_jsonrpc_request(
            "/web/session/authenticate",
            {"db": self.env.cr.dbname, "login": login, "password": password},
        )

    def test_every_persona_logs_in_with_its_login_as_password(self):
        for xmlid, login in PERSONAS.items():
            user = _demo(self.env, xmlid)
            with self.subTest(login=login):
                self.assertEqual(user.login, login)
                self.assertEqual(self._authenticate(login, login)["uid"], user.id)

    def test_a_wrong_password_is_refused(self):
        # What makes the test above mean something: the server does check the password.
        with self.assertRaises(JsonRpcException) as refused:
            self._authenticate("sara", "not-sara")
        self.assertEqual(str(refused.exception), "odoo.exceptions.AccessDenied")


@tagged("post_install", "-at_install")
class TestDemoFiveMinuteTour(HttpCase):
    """The README's "Try it in five minutes", step by step, each persona in its own
    session over JSON-RPC, as the web client calls the server."""

    def _login(self, login):
        self.authenticate(login, login)

    def _call(self, model, method, *args, **kwargs):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def test_sales_converts_the_qualified_opportunity(self):
        lead = _demo(self.env, "crm_lead_demo_brightwater_analytics")
        self.assertEqual(lead.stage_id, self.env.ref("crm.stage_lead2"))  # Qualified
        self.assertFalse(lead.engagement_ids)
        self._login("rachel")
        action = self._call("crm.lead", "action_create_engagement", [lead.id])
        engagement = self.env["engagement.engagement"].browse(action["res_id"])
        self.assertRecordValues(
            engagement,
            [
                {
                    "lead_id": lead.id,
                    "partner_id": lead.partner_id.id,
                    "stage_id": self.env.ref(DEMO + "engagement_stage_presales").id,
                    "project_manager_id": _demo(self.env, "res_users_demo_pm_sara").id,
                    "business_analyst_id": _demo(self.env, "res_users_demo_ba_tomas").id,
                }
            ],
        )

    def test_the_ba_estimates_the_opportunity(self):
        lead = _demo(self.env, "crm_lead_demo_brightwater_analytics")
        self._login("tomas")
        estimate_id = self._call(
            "engagement.estimate",
            "create",
            {
                "lead_id": lead.id,
                "rate_card_id": _demo(self.env, "engagement_rate_card_demo_standard").id,
                "line_ids": [
                    Command.create(
                        {
                            "phase": "Discovery",
                            "name": "Pressure-zone data profiling",
                            "role_id": _demo(self.env, "project_role_demo_ba").id,
                            "hours": 80.0,
                        }
                    ),
                    Command.create(
                        {
                            "phase": "Build",
                            "name": "Leak detection models",
                            "role_id": _demo(self.env, "project_role_demo_developer").id,
                            "hours": 240.0,
                        }
                    ),
                ],
            },
        )
        self._call("engagement.estimate", "action_submit", [estimate_id])
        estimate = self.env["engagement.estimate"].browse(estimate_id)
        self.assertEqual(estimate.state, "submitted")
        self.assertEqual(estimate.hours_total, 320.0)
        self.assertGreater(estimate.revenue_total, estimate.cost_total)

    def _refusal(self, model, method, *args):
        """The error the web client shows for this call (``make_jsonrpc_request`` keeps
        only its class)."""
        response = self.opener.post(
            f"{self.base_url()}/web/dataset/call_kw/{model}/{method}",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "params": {"model": model, "method": method, "args": list(args), "kwargs": {}},
            },
        )
        error = response.json().get("error")
        self.assertTrue(error, f"{model}.{method} was not refused")
        return error["data"]

    def test_the_manager_moves_a_stage_and_is_refused_by_its_gate(self):
        kestrel = _demo(self.env, "engagement_demo_kestrel_mes")
        stage = kestrel.stage_id
        self._login("daniel")
        refused = self._refusal("engagement.engagement", "action_next_stage", kestrel.id)
        self.assertEqual(refused["name"], "odoo.exceptions.UserError")
        # The refusal names what is missing: the BRD's signature.
        self.assertIn("Business Requirements Document", refused["message"])
        self.env.invalidate_all()
        self.assertEqual(kestrel.stage_id, stage)

    def test_the_customer_signs_on_the_portal(self):
        grace = _demo(self.env, "res_users_demo_portal_grace")
        deliverable = self.env["engagement.deliverable"].search(
            [
                ("state", "=", "submitted"),
                ("is_current", "=", True),
                ("partner_id", "=", grace.commercial_partner_id.id),
            ],
            limit=1,
        )
        self.assertTrue(deliverable, "the demo has a deliverable waiting for Grace")
        self._login("grace")
        page = self.url_open(f"/my/deliverables/{deliverable.id}")
        self.assertEqual(page.status_code, 200)
        self.make_jsonrpc_request(
            f"/my/deliverables/{deliverable.id}/sign",
            {"name": "Grace Holloway", "signature": SIGNATURE_PNG.decode()},
        )
        self.env.invalidate_all()
        self.assertRecordValues(
            deliverable,
            [
                {
                    "state": "signed",
                    "signed_by": "Grace Holloway",
                    "signed_partner_id": grace.partner_id.id,
                }
            ],
        )

    def test_legal_reviews_the_sow(self):
        sow = _demo(self.env, "engagement_deliverable_demo_meridian_pos_sow")
        self.assertEqual(sow.review_state, "pending")
        self._login("leah")
        self._call("engagement.deliverable", "action_review_approve", [sow.id])
        self.env.invalidate_all()
        self.assertRecordValues(
            sow,
            [
                {
                    "review_state": "approved",
                    "reviewed_by_id": self.env.ref(DEMO + "res_users_demo_legal_leah").id,
                }
            ],
        )

    def test_finance_closes_the_month(self):
        self._login("henrik")
        review_id = self._call(
            "engagement.margin.review",
            "create",
            {
                "name": "Margin review, a closed month",
                "date_from": "2026-11-01",
                "date_to": "2026-11-30",
            },
        )
        self._call("engagement.margin.review", "action_start", [review_id])
        review = self.env["engagement.margin.review"].browse(review_id)
        self.assertTrue(review.line_ids, "every open demo engagement is on the review")
        self._call("engagement.margin.review.line", "action_approve", review.line_ids.ids)
        self._call("engagement.margin.review", "action_close", [review_id])
        self.env.invalidate_all()
        self.assertEqual(review.state, "closed")


@tagged("post_install", "-at_install")
class TestDemoFigures(TransactionCase):
    """Each demo engagement's hours, costs, invoices and change orders fit its stage and
    billing type: progress follows the stage, WIP is positive where the work runs ahead
    of billing and negative only on the retainer, billed in advance; one engagement is
    at risk and one is red, each with its reason on the attention list."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.engagements = {
            name: _demo(cls.env, f"engagement_demo_{name}")
            for name in (
                "oakridge_portal",
                "meridian_pos",
                "kestrel_mes",
                "halcyon_erp",
                "brightwater_billing",
                "tidewater_support",
                "solstice_fsm",
                "tidewater_claims",
                "copperleaf_bi",
                "copperleaf_supplier",
            )
        }

    def _reasons(self, engagement):
        items = self.env["engagement.attention.item"].search(
            [("engagement_id", "=", engagement.id)]
        )
        return set(items.mapped("reason"))

    def test_before_the_contract_nothing_is_booked(self):
        for name in ("oakridge_portal", "meridian_pos", "kestrel_mes", "copperleaf_supplier"):
            engagement = self.engagements[name]
            with self.subTest(engagement=name):
                self.assertFalse(engagement.project_id)
                self.assertEqual(
                    (engagement.hours_actual, engagement.cost_actual, engagement.revenue_invoiced),
                    (0.0, 0.0, 0.0),
                )
                self.assertEqual(engagement.wip_amount, 0.0)

    def test_the_planning_milestone_engagement_has_started_ahead_of_its_first_invoice(self):
        halcyon = self.engagements["halcyon_erp"]
        self.assertEqual(halcyon.stage_id, self.env.ref(DEMO + "engagement_stage_planning"))
        self.assertEqual(halcyon.billing_type, "milestone")
        self.assertTrue(5 <= halcyon.percent_complete <= 20, halcyon.percent_complete)
        self.assertEqual(halcyon.revenue_invoiced, 0.0)
        self.assertGreater(halcyon.wip_amount, 0.0)
        self.assertEqual(halcyon.health, "green")

    def test_the_execution_fixed_price_engagement_is_half_done_a_little_ahead_of_billing(self):
        brightwater = self.engagements["brightwater_billing"]
        self.assertEqual(brightwater.stage_id, self.env.ref(DEMO + "engagement_stage_execution"))
        self.assertEqual(brightwater.billing_type, "fixed_price")
        self.assertTrue(30 <= brightwater.percent_complete <= 70, brightwater.percent_complete)
        # Its cost is spent at the pace of its hours: the budget is not running away.
        spent = brightwater.cost_actual / brightwater.revised_cost * 100
        self.assertLess(abs(spent - brightwater.percent_complete), 10, spent)
        self.assertGreater(brightwater.wip_amount, 0.0)
        self.assertLess(brightwater.wip_amount, 0.15 * brightwater.revised_revenue)
        self.assertGreaterEqual(brightwater.forecast_margin_pct, brightwater.target_margin_pct)
        self.assertNotEqual(brightwater.health, "red")

    def test_the_retainer_is_billed_in_advance_and_at_risk_for_its_margin(self):
        support = self.engagements["tidewater_support"]
        self.assertEqual(support.billing_type, "retainer")
        self.assertTrue(40 <= support.percent_complete <= 70, support.percent_complete)
        # Billed monthly in advance: the one engagement whose WIP is negative.
        self.assertLess(support.wip_amount, 0.0)
        self.assertGreater(support.revenue_invoiced, 0.0)
        # At risk, not lost: the forecast margin is under the target, above zero, and the
        # cost is within its budget.
        self.assertTrue(
            0 < support.forecast_margin_pct < support.target_margin_pct,
            support.forecast_margin_pct,
        )
        self.assertLess(support.cost_actual, support.revised_cost)
        self.assertEqual(support.health, "amber")
        self.assertIn("margin", self._reasons(support))

    def test_the_time_and_materials_engagement_in_acceptance_is_red_over_its_cost_budget(self):
        solstice = self.engagements["solstice_fsm"]
        self.assertEqual(solstice.stage_id, self.env.ref(DEMO + "engagement_stage_acceptance"))
        self.assertEqual(solstice.billing_type, "time_materials")
        # Hours past the baseline, and the cost past its budget: red.
        self.assertGreater(solstice.hours_actual, solstice.revised_hours)
        self.assertGreater(solstice.cost_actual, solstice.revised_cost)
        self.assertEqual(solstice.health, "red")
        self.assertIn("health_red", self._reasons(solstice))
        # Invoiced monthly in arrears: the last month's hours are not billed yet.
        self.assertGreater(solstice.wip_amount, 0.0)
        self.assertGreater(solstice.margin_pct, 0.0)
        # The change order that would pay for the overrun is still being approved.
        self.assertIn("submitted", solstice.change_order_ids.mapped("state"))

    def test_the_post_implementation_milestone_engagement_waits_for_its_last_invoice(self):
        claims = self.engagements["tidewater_claims"]
        self.assertEqual(claims.billing_type, "milestone")
        self.assertEqual(claims.percent_complete, 100.0)
        self.assertTrue(0 < claims.wip_amount <= 0.15 * claims.revised_revenue, claims.wip_amount)
        self.assertLess(claims.cost_actual, claims.revised_cost)
        self.assertEqual(claims.health, "green")

    def test_the_closed_engagement_is_fully_invoiced_under_budget(self):
        copperleaf = self.engagements["copperleaf_bi"]
        self.assertTrue(copperleaf.is_closed)
        self.assertEqual(copperleaf.percent_complete, 100.0)
        self.assertEqual(copperleaf.revenue_invoiced, copperleaf.revised_revenue)
        self.assertEqual(copperleaf.wip_amount, 0.0)
        self.assertLess(copperleaf.cost_actual, copperleaf.revised_cost)
        self.assertGreater(copperleaf.margin_pct, copperleaf.target_margin_pct)

    def test_only_the_retainer_bills_ahead_and_one_engagement_is_red(self):
        open_engagements = [e for e in self.engagements.values() if not e.is_closed]
        for engagement in open_engagements:
            with self.subTest(engagement=engagement.name):
                if engagement.billing_type == "retainer":
                    self.assertLess(engagement.wip_amount, 0.0)
                else:
                    self.assertGreaterEqual(engagement.wip_amount, 0.0)
        red = [e.name for e in open_engagements if e.health == "red"]
        self.assertEqual(red, [self.engagements["solstice_fsm"].name])
