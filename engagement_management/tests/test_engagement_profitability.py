from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .profitability_common import ProfitabilityCommon


@tagged("post_install", "-at_install")
class TestEngagementProfitability(ProfitabilityCommon):
    """Finance reads an engagement's real figures from its invoices, bills and timesheets."""

    def test_finance_sees_the_figures_of_the_engagement(self):
        self._patch_change_deltas()
        cost = 1800.0 + 2000.0 + 300.0
        self.assertDictEqual(
            self._figures(self.engagement.with_user(self.finance)),
            {
                "revised_revenue": 60000.0,
                "revised_cost": 25000.0,
                "revised_hours": 120.0,
                # no order confirmed: the applied change order's revenue, until an
                # order carries it
                "revenue_contracted": 10000.0,
                "revenue_invoiced": 14000.0,  # 10,000 + 4,000 EUR / 0.8 − 1,000
                "cost_labour": 1800.0,  # 20 h × 50 + 10 h × 80
                "cost_bills": 2000.0,  # half of a 4,000 bill
                "cost_expenses": 300.0,
                "cost_actual": cost,
                "hours_actual": 30.0,
                "margin": 14000.0 - cost,
                "margin_pct": (14000.0 - cost) / 14000.0 * 100.0,
                "percent_complete": 25.0,  # 30 h of 120 h
                "etc_cost": 25000.0 - cost,  # remaining budget
                "eac_cost": 25000.0,
                "forecast_margin_pct": (60000.0 - 25000.0) / 60000.0 * 100.0,
                "wip_amount": 15000.0 - 14000.0,  # 25 % of 60,000 earned
            },
        )

    def test_burn_rate_extrapolates_the_cost_so_far(self):
        self._patch_change_deltas()
        self.engagement.etc_method = "burn_rate"
        figures = self._figures()
        # 4,100 spent for 25 % done: 12,300 more for the remaining 75 %.
        self.assertAlmostEqual(figures["etc_cost"], 12300.0)
        self.assertAlmostEqual(figures["eac_cost"], 16400.0)
        self.assertAlmostEqual(figures["forecast_margin_pct"], (60000 - 16400) / 60000 * 100)

    def test_wip_follows_the_billing_type(self):
        self._patch_change_deltas()
        self.engagement.billing_type = "time_materials"
        # 30 h at the contract rate of 60,000 / 120 h = 500 an hour: 15,000 earned.
        self.assertAlmostEqual(self._figures()["wip_amount"], 15000.0 - 14000.0)
        self.engagement.billing_type = "retainer"
        # A retainer earns what is contracted: the change order's 10,000 so far.
        self.assertAlmostEqual(self._figures()["wip_amount"], 10000.0 - 14000.0)

    def test_the_form_recomputes_the_figures_while_it_is_edited(self):
        # The figures are read from the database (engagement.portfolio.report): an edit
        # in the form must still show them for the edited values, before saving.
        self._patch_change_deltas()
        form = Form(self.engagement.with_user(self.manager))
        self.assertEqual(form.revised_revenue, 60000.0)
        self.assertEqual(form.eac_cost, 25000.0)
        form.budget_revenue = 70000.0
        form.budget_cost = 30000.0
        self.assertEqual(form.revised_revenue, 80000.0)
        self.assertEqual(form.eac_cost, 35000.0)  # the remaining budget is spent
        self.assertAlmostEqual(form.forecast_margin_pct, (80000.0 - 35000.0) / 80000.0 * 100)
        form.save()
        self.assertEqual(self._figures()["eac_cost"], 35000.0)

    def test_a_euro_engagement_converts_each_line_at_its_date(self):
        self.engagement.currency_id = self.eur
        figures = self._figures()
        # January lines at 0.9, February at 0.8, March at 0.75 EUR per USD.
        self.assertAlmostEqual(figures["revenue_invoiced"], 9000.0 + 4000.0 - 750.0)
        self.assertAlmostEqual(figures["cost_labour"], 1800.0 * 0.9)
        self.assertAlmostEqual(figures["cost_bills"], 2000.0 * 0.8)
        self.assertAlmostEqual(figures["cost_expenses"], 300.0 * 0.8)
        self.assertAlmostEqual(figures["hours_actual"], 30.0)

    def test_a_line_converts_at_the_rate_in_force_on_its_date(self):
        # Lines are summed by rate period before conversion: check a period's edges
        # and the time before the scenario's first rate, where Odoo takes the oldest
        # rate (the demo data's own, on a database with demo data): asked of Odoo.
        self.engagement.currency_id = self.eur
        for day in ("1990-01-01", "2025-02-28", "2025-03-01"):
            self.env["account.analytic.line"].create(
                {
                    "name": f"Expense {day}",
                    "account_id": self.account.id,
                    "amount": -100.0,
                    "date": day,
                }
            )
        rates = (self.eur | self.usd)._get_rates(self.company, date(1990, 1, 1))
        before_any = rates[self.eur.id] / rates[self.usd.id]
        self.assertAlmostEqual(
            self._figures()["cost_expenses"],
            300.0 * 0.8 + 100.0 * (before_any + 0.8 + 0.75),
        )

    def test_a_list_of_engagements_reads_its_figures_in_constant_queries(self):
        others = self.env["engagement.engagement"]
        for index in range(5):
            project = self.env["project.project"].create(
                {"name": f"Other {index}", "allow_timesheets": True}
            )
            others |= self._create_engagement(name=f"Other {index}", project_id=project.id)
        counts = []
        for engagements in (self.engagement | others, self.engagement | others[:1]):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            engagements.mapped("margin")
            counts.append(self.env.cr.sql_log_count - before)
        self.assertEqual(counts[0], counts[1])
        self.assertLessEqual(counts[0], 20)

    def test_the_report_totals_equal_the_engagement_figures(self):
        report = self.env["engagement.profitability.report"].with_user(self.finance)
        [(revenue, cost, margin, hours)] = report._read_group(
            [("engagement_id", "=", self.engagement.id)],
            [],
            ["revenue:sum", "cost:sum", "margin:sum", "hours:sum"],
        )
        figures = self._figures(self.engagement.with_user(self.finance))
        self.assertAlmostEqual(revenue, figures["revenue_invoiced"])
        self.assertAlmostEqual(cost, figures["cost_actual"])
        self.assertAlmostEqual(margin, figures["margin"])
        self.assertAlmostEqual(hours, figures["hours_actual"])
        by_kind = dict(
            report._read_group([("engagement_id", "=", self.engagement.id)], ["kind"], ["cost:sum"])
        )
        self.assertAlmostEqual(by_kind["cost_labour"], figures["cost_labour"])
        self.assertAlmostEqual(by_kind["cost_bills"], figures["cost_bills"])
        self.assertAlmostEqual(by_kind["cost_expenses"], figures["cost_expenses"])
        months = dict(
            report._read_group(
                [("engagement_id", "=", self.engagement.id)], ["date:month"], ["margin:sum"]
            )
        )
        self.assertEqual(len(months), 3)

    def test_the_figures_agree_with_odoos_project_profitability(self):
        items = self.project.sudo()._get_profitability_items(False)
        native_revenue = items["revenues"]["total"]["invoiced"]
        native_labour = -sum(
            section["billed"]
            for section in items["costs"]["data"]
            if section["id"]
            not in ("other_purchase_costs", "other_costs_aal", "cost_of_goods_sold")
        )
        figures = self._figures()
        self.assertAlmostEqual(figures["revenue_invoiced"], native_revenue)
        self.assertAlmostEqual(figures["cost_labour"], native_labour)

    def test_a_user_without_finance_cannot_read_the_figures(self):
        self.engagement.user_id = self.pm  # the PM may read the engagement itself
        engagement = self.engagement.with_user(self.pm)
        self.assertEqual(engagement.read(["name"])[0]["name"], "Warehouse system")
        for field in ("margin", "revenue_invoiced", "cost_actual", "wip_amount", "eac_cost"):
            with self.assertRaises(AccessError):
                engagement.read([field])
        with self.assertRaises(AccessError):
            self.env["engagement.profitability.report"].with_user(self.pm).search([])
        self.assertTrue(self.engagement.with_user(self.manager).read(["margin"])[0]["margin"])

    def test_another_companys_finance_does_not_see_the_report_lines(self):
        report = self.env["engagement.profitability.report"].with_user(self.manager_b)
        self.assertFalse(report.search([("engagement_id", "=", self.engagement.id)]))
