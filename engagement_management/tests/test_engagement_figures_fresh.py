from odoo.tests import tagged

from .profitability_common import SCENARIO_DAY, ProfitabilityCommon


@tagged("post_install", "-at_install")
class TestEngagementFiguresFresh(ProfitabilityCommon):
    """What Finance reads right after a timesheet, an invoice, a credit note, a bill or an
    applied change order, in the same transaction, already counts it: on the engagement,
    in the portfolio and in the profitability report alike.

    Each test reads the figures first (so that they sit in the transaction's cache), then
    records the document through the ORM as a user would, and reads again, with no flush
    or invalidation of its own in between.
    """

    def setUp(self):
        super().setUp()
        self.as_finance = self.engagement.with_user(self.finance)
        self.before = {name: self.as_finance[name] for name in ("cost_labour", "cost_actual")}

    def _portfolio(self, *names):
        [row] = (
            self.env["engagement.portfolio.report"]
            .with_user(self.finance)
            .search_read([("engagement_id", "=", self.engagement.id)], list(names))
        )
        return row

    def _report_total(self, measure):
        [group] = (
            self.env["engagement.profitability.report"]
            .with_user(self.finance)
            .formatted_read_group(
                [("engagement_id", "=", self.engagement.id)], [], [f"{measure}:sum"]
            )
        )
        return group[f"{measure}:sum"]

    def test_a_timesheet_counts_at_once(self):
        self.assertEqual(self.as_finance.cost_labour, 1800.0)
        self.env["account.analytic.line"].create(
            {
                "name": "Design workshop",
                "project_id": self.project.id,
                "employee_id": self.ann.id,
                "unit_amount": 4.0,
                "date": SCENARIO_DAY,
            }
        )
        # 4 h × 50 an hour more, and 4 h more of 100 h (no change order here)
        self.assertEqual(self.as_finance.cost_labour, 2000.0)
        self.assertEqual(self.as_finance.hours_actual, 34.0)
        self.assertEqual(self.as_finance.percent_complete, 34.0)
        self.assertEqual(self._portfolio("cost_labour")["cost_labour"], 2000.0)
        self.assertEqual(self._report_total("hours"), 34.0)

    def test_an_invoice_counts_at_once(self):
        self.assertEqual(self.as_finance.revenue_invoiced, 14000.0)
        self._post_move("out_invoice", self.customer, SCENARIO_DAY, 2500.0)
        self.assertEqual(self.as_finance.revenue_invoiced, 16500.0)
        self.assertEqual(self._portfolio("revenue_invoiced")["revenue_invoiced"], 16500.0)
        self.assertEqual(self._report_total("revenue"), 16500.0)

    def test_a_credit_note_counts_at_once(self):
        self.assertEqual(self.as_finance.revenue_invoiced, 14000.0)
        self._post_move("out_refund", self.customer, SCENARIO_DAY, 500.0)
        self.assertEqual(self.as_finance.revenue_invoiced, 13500.0)
        self.assertEqual(self._portfolio("revenue_invoiced")["revenue_invoiced"], 13500.0)

    def test_a_bill_counts_at_once(self):
        self.assertEqual(self.as_finance.cost_bills, 2000.0)
        self._post_move("in_invoice", self.vendor, SCENARIO_DAY, 1200.0)
        self.assertEqual(self.as_finance.cost_bills, 3200.0)
        self.assertEqual(self.as_finance.cost_actual, self.before["cost_actual"] + 1200.0)
        self.assertEqual(self._portfolio("cost_bills")["cost_bills"], 3200.0)
        self.assertEqual(self._report_total("cost"), self.before["cost_actual"] + 1200.0)

    def test_a_posted_invoice_reset_to_draft_leaves_at_once(self):
        move = self._post_move("out_invoice", self.customer, SCENARIO_DAY, 2500.0)
        self.assertEqual(self.as_finance.revenue_invoiced, 16500.0)
        move.button_draft()
        self.assertEqual(self.as_finance.revenue_invoiced, 14000.0)

    def test_an_applied_change_order_moves_the_forecast_at_once(self):
        self.engagement.write({"user_id": self.manager.id, "project_manager_id": self.pm.id})
        self.assertEqual(
            (self.as_finance.revised_cost, self.as_finance.eac_cost), (20000.0, 20000.0)
        )
        order = (
            self.env["engagement.change.order"]
            .with_user(self.pm)
            .create(
                {
                    "engagement_id": self.engagement.id,
                    "title": "Second warehouse",
                    "category": "scope",
                    "revenue_delta": 10000.0,
                    "cost_delta": 5000.0,
                    "hours_delta": 20.0,
                    "reason": "Asked in the steering committee.",
                }
            )
        )
        order.with_user(self.pm).action_submit()
        order.with_user(self.manager).action_approve()
        order.sudo().action_sign("Carla Customer")
        order.with_user(self.manager).action_apply()
        cost = 1800.0 + 2000.0 + 300.0
        # Revised 60,000 / 25,000 / 120 h: 30 h is 25 % done, 15,000 earned.
        self.assertEqual(self.as_finance.revised_cost, 25000.0)
        self.assertEqual(self.as_finance.etc_cost, 25000.0 - cost)
        self.assertEqual(self.as_finance.eac_cost, 25000.0)
        self.assertAlmostEqual(
            self.as_finance.forecast_margin_pct, (60000.0 - 25000.0) / 60000.0 * 100
        )
        self.assertEqual(self.as_finance.wip_amount, 15000.0 - 14000.0)
        row = self._portfolio("eac_cost", "wip_amount")
        self.assertEqual((row["eac_cost"], row["wip_amount"]), (25000.0, 1000.0))

    def test_a_new_rate_converts_at_once(self):
        eur_engagement = self.engagement
        eur_engagement.currency_id = self.eur
        self.assertEqual(self.as_finance.cost_labour, 1800.0 * 0.9)  # 20 Jan: 0.9
        self.env["res.currency.rate"].create(
            {
                "name": "2025-01-15",
                "rate": 0.5,
                "currency_id": self.eur.id,
                "company_id": self.company.id,
            }
        )
        self.assertEqual(self.as_finance.cost_labour, 1800.0 * 0.5)
