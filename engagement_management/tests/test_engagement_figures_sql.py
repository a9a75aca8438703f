import random
from datetime import date

from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

INPUTS = (
    "engagement_id",
    "billing_type",
    "etc_method",
    "recognition_method",
    "milestone_share",
    "rounding",
    "revised_revenue",
    "revised_cost",
    "revised_hours",
    "revised_date_end",
    "revenue_contracted",
    "revenue_invoiced",
    "cost_labour",
    "cost_bills",
    "cost_expenses",
    "hours_actual",
)
BASE = {
    "engagement_id": 1,
    "billing_type": "fixed_price",
    "etc_method": "remaining_budget",
    # By hours, the progress itself: the definitions below are written on it.
    "recognition_method": "hours",
    "milestone_share": 0.0,
    "rounding": 0.01,
    "revised_revenue": 20000.0,
    "revised_cost": 12000.0,
    "revised_hours": 100.0,
    "revised_date_end": None,
    "revenue_contracted": 20000.0,
    "revenue_invoiced": 8000.0,
    "cost_labour": 3000.0,
    "cost_bills": 1000.0,
    "cost_expenses": 500.0,
    "hours_actual": 40.0,
}


@tagged("post_install", "-at_install")
class TestEngagementFiguresDefinitions(TransactionCase):
    """The money definitions of the README, case by case, through the one SQL that
    defines them (``engagement.portfolio.report._derived_sql``): what every screen reads."""

    def _figures(self, **values):
        row = BASE | values
        inputs = SQL(
            "SELECT * FROM (VALUES (%s)) AS i(%s)",
            SQL(", ").join(
                SQL("%s::%s", row[name], SQL(sql_type))
                for name, sql_type in zip(
                    INPUTS,
                    (
                        "int",
                        "varchar",
                        "varchar",
                        "varchar",
                        "float8",
                        "numeric",
                        "numeric",
                        "numeric",
                        "float8",
                        "date",
                        "numeric",
                        "numeric",
                        "numeric",
                        "numeric",
                        "numeric",
                        "float8",
                    ),
                    strict=True,
                )
            ),
            SQL(", ").join(SQL.identifier(name) for name in INPUTS),
        )
        [result] = self.env.execute_query_dict(
            self.env["engagement.portfolio.report"]._derived_sql(inputs)
        )
        return {name: float(value) for name, value in result.items() if name in FIGURES}

    def test_the_figures_hand_computed(self):
        self.assertEqual(
            self._figures(),
            {
                "revenue_contracted": 20000.0,
                "revenue_invoiced": 8000.0,
                "cost_labour": 3000.0,
                "cost_bills": 1000.0,
                "cost_expenses": 500.0,
                "cost_actual": 4500.0,
                "hours_actual": 40.0,
                "margin": 3500.0,
                "margin_pct": 43.75,
                "percent_complete": 40.0,
                "etc_cost": 7500.0,
                "eac_cost": 12000.0,
                "forecast_margin": 8000.0,
                "forecast_margin_pct": 40.0,
                "wip_amount": 0.0,  # 40 % of 20,000 earned, 8,000 invoiced
            },
        )

    def test_margin_is_over_revenue_not_cost(self):
        figures = self._figures(
            revenue_invoiced=1000.0, cost_labour=750.0, cost_bills=0.0, cost_expenses=0.0
        )
        self.assertEqual((figures["margin"], figures["margin_pct"]), (250.0, 25.0))

    def test_nothing_invoiced_or_no_revenue_gives_zero_percentages(self):
        self.assertEqual(self._figures(revenue_invoiced=0.0)["margin_pct"], 0.0)
        self.assertEqual(self._figures(revised_revenue=0.0)["forecast_margin_pct"], 0.0)

    def test_progress_is_hours_based_then_cost_based_and_capped(self):
        self.assertEqual(self._figures(hours_actual=25.0)["percent_complete"], 25.0)
        # no hours budget: 4,500 of 18,000 spent
        self.assertEqual(
            self._figures(revised_hours=0.0, revised_cost=18000.0)["percent_complete"], 25.0
        )
        self.assertEqual(self._figures(hours_actual=200.0)["percent_complete"], 100.0)
        self.assertEqual(
            self._figures(revised_hours=0.0, revised_cost=0.0)["percent_complete"], 0.0
        )

    def test_etc_by_remaining_budget_and_by_burn_rate(self):
        self.assertEqual(self._figures()["etc_cost"], 7500.0)
        # Overspent: nothing remains of the budget.
        self.assertEqual(self._figures(revised_cost=4000.0)["etc_cost"], 0.0)
        # 4,500 spent for 40 % done: 6,750 more for the remaining 60 %.
        burn = self._figures(etc_method="burn_rate")
        self.assertEqual((burn["etc_cost"], burn["eac_cost"]), (6750.0, 11250.0))
        # No progress yet: no rate, the remaining budget stands in.
        self.assertEqual(
            self._figures(etc_method="burn_rate", hours_actual=0.0)["etc_cost"], 7500.0
        )

    def test_forecast_margin(self):
        self.assertEqual(self._figures()["forecast_margin_pct"], 40.0)
        self.assertEqual(self._figures(revised_cost=25000.0)["forecast_margin_pct"], -25.0)

    def test_earned_revenue_and_wip_by_billing_type(self):
        cases = {
            "fixed_price": 8000.0,  # 40 % of 20,000
            "milestone": 8000.0,
            "time_materials": 8000.0,  # 40 h × (20,000 / 100 h)
            "retainer": 12000.0,  # contracted to date
        }
        for billing_type, earned in cases.items():
            figures = self._figures(billing_type=billing_type, revenue_contracted=12000.0)
            self.assertEqual(figures["wip_amount"], earned - 8000.0, billing_type)
        # time and materials without an hours budget: no contract rate, nothing earned
        figures = self._figures(billing_type="time_materials", revised_hours=0.0)
        self.assertEqual(figures["wip_amount"], -8000.0)

    def test_earned_revenue_by_recognition_method(self):
        # Cost-to-cost: 4,500 of 12,000 spent is 37.5 % of 20,000: 7,500 earned.
        self.assertEqual(self._figures(recognition_method="cost")["wip_amount"], -500.0)
        # Over budget: capped at the revised revenue.
        figures = self._figures(recognition_method="cost", revised_cost=4000.0)
        self.assertEqual(figures["wip_amount"], 12000.0)
        # Signed milestones: 25 % + 30 % signed of 20,000: 11,000 earned.
        figures = self._figures(recognition_method="milestone", milestone_share=55.0)
        self.assertEqual(figures["wip_amount"], 3000.0)
        self.assertEqual(
            self._figures(recognition_method="milestone", milestone_share=140.0)["wip_amount"],
            12000.0,
        )
        # The method is about fixed price and milestones; the others keep their rule.
        for method in ("cost", "milestone"):
            figures = self._figures(billing_type="time_materials", recognition_method=method)
            self.assertEqual(figures["wip_amount"], 0.0, method)  # 40 h × 200 − 8,000
        # The progress shown stays the hours' whatever the method.
        self.assertEqual(self._figures(recognition_method="cost")["percent_complete"], 40.0)

    def test_money_is_rounded_to_the_currency_and_percentages_are_not(self):
        figures = self._figures(cost_labour=1000.004, revenue_invoiced=3000.0, rounding=0.01)
        self.assertEqual(figures["cost_labour"], 1000.0)
        self.assertAlmostEqual(figures["margin_pct"], (3000.0 - 2500.004) / 3000.0 * 100)
        self.assertEqual(self._figures(cost_labour=1234.5, rounding=1.0)["cost_labour"], 1235.0)

    def test_the_figures_add_up_whatever_the_inputs(self):
        draw = random.Random(19)
        for __ in range(40):
            values = {
                "billing_type": draw.choice(
                    ["fixed_price", "milestone", "time_materials", "retainer"]
                ),
                "etc_method": draw.choice(["remaining_budget", "burn_rate"]),
                **{
                    name: round(draw.uniform(0, 1e6), 2) * draw.choice([0, 1])
                    for name in (
                        "revised_revenue",
                        "revised_cost",
                        "revenue_invoiced",
                        "cost_labour",
                        "cost_bills",
                        "cost_expenses",
                    )
                },
                "revised_hours": draw.choice([0.0, draw.uniform(1, 1e4)]),
                "hours_actual": draw.uniform(0, 1e4),
            }
            f = self._figures(**values)
            cost = values["cost_labour"] + values["cost_bills"] + values["cost_expenses"]
            self.assertAlmostEqual(f["cost_actual"], cost, places=2)
            self.assertAlmostEqual(f["margin"], f["revenue_invoiced"] - f["cost_actual"], 2)
            self.assertAlmostEqual(f["eac_cost"], f["cost_actual"] + f["etc_cost"], delta=0.02)
            self.assertGreaterEqual(f["etc_cost"], 0.0)
            self.assertTrue(0.0 <= f["percent_complete"] <= 100.0)
            if not values["revenue_invoiced"]:
                self.assertEqual(f["margin_pct"], 0.0)


FIGURES = {
    "revenue_contracted",
    "revenue_invoiced",
    "cost_labour",
    "cost_bills",
    "cost_expenses",
    "cost_actual",
    "hours_actual",
    "margin",
    "margin_pct",
    "percent_complete",
    "etc_cost",
    "eac_cost",
    "forecast_margin",
    "forecast_margin_pct",
    "wip_amount",
}


@tagged("post_install", "-at_install")
class TestEngagementRatesAreOdoos(TransactionCase):
    """The figures convert with the rate Odoo's own ``res.currency._convert`` uses on each
    day: the company's newest rate on or before the day, else the newest shared one,
    before any rate the oldest."""

    def test_the_sql_rate_is_odoos_on_every_day(self):
        company = self.env.company
        eur = self.env.ref("base.EUR")
        eur.active = True
        rates = self.env["res.currency.rate"]
        eur.rate_ids.unlink()
        rates.create(
            [
                {"name": "2025-01-01", "rate": 0.9, "currency_id": eur.id, "company_id": False},
                {"name": "2025-02-01", "rate": 0.8, "currency_id": eur.id, "company_id": False},
                {
                    "name": "2025-03-01",
                    "rate": 0.75,
                    "currency_id": eur.id,
                    "company_id": company.id,
                },
                {"name": "2025-04-01", "rate": 0.7, "currency_id": eur.id, "company_id": False},
            ]
        )
        report = self.env["engagement.profitability.report"]
        for day in (
            date(2024, 12, 31),  # before any rate: the oldest
            date(2025, 1, 15),
            date(2025, 2, 1),
            date(2025, 3, 15),  # the company's rate
            date(2025, 4, 15),  # a newer shared rate does not beat the company's
        ):
            [[factor]] = self.env.execute_query(
                report._with_rates(
                    SQL(
                        "SELECT %s",
                        report._conversion_sql(
                            SQL("%s", company.currency_id.id),
                            SQL("%s", eur.id),
                            SQL("%s", company.root_id.id),
                            SQL("%s::date", day),
                        ),
                    )
                )
            )
            expected = company.currency_id._convert(1000.0, eur, company, day, round=False)
            self.assertAlmostEqual(float(factor) * 1000.0, expected, places=6, msg=str(day))
