from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .profitability_common import SCENARIO_DAY, ProfitabilityCommon


@tagged("post_install", "-at_install")
@freeze_time(SCENARIO_DAY)
class TestEngagementBurnup(ProfitabilityCommon):
    """The manager opens the burn-up chart of the warehouse engagement at the end of March:
    cost against the revised budget and the EAC, invoiced against contracted, month by
    month since the engagement started in January."""

    def setUp(self):
        super().setUp()
        self.engagement.date_start = "2025-01-01"

    def _chart(self, user=None):
        action = self.engagement.with_user(user or self.manager).action_view_burnup()
        rows = (
            self.env[action["res_model"]]
            .with_user(user or self.manager)
            .search_read(action["domain"], ["date", "series", "amount"])
        )
        chart = {}
        for row in rows:
            chart.setdefault(row["series"], {})[row["date"].strftime("%Y-%m")] = row["amount"]
        return chart

    def test_the_chart_is_cumulative_month_by_month(self):
        self._patch_change_deltas()  # +5,000 cost, +10,000 revenue, applied on 1 March
        chart = self._chart()
        months = ["2025-01", "2025-02", "2025-03"]
        # January: 1,800 of timesheets; February: the bill (2,000) and the expense (300)
        self.assertEqual([chart["cost_actual"][m] for m in months], [1800.0, 4100.0, 4100.0])
        # The budget moves in the month the change order was applied.
        self.assertEqual([chart["revised_cost"][m] for m in months], [20000.0, 20000.0, 25000.0])
        # Remaining budget: EAC is the revised budget while nothing is overspent.
        self.assertEqual([chart["eac_cost"][m] for m in months], [20000.0, 20000.0, 25000.0])
        # 10,000 in January, 4,000 EUR at 0.8 in February, a 1,000 credit note in March
        self.assertEqual(
            [chart["revenue_invoiced"][m] for m in months], [10000.0, 15000.0, 14000.0]
        )
        # The change order's revenue, until an order carries it
        self.assertEqual([chart["revenue_contracted"][m] for m in months], [0.0, 0.0, 10000.0])

    def test_this_months_points_are_the_engagements_figures(self):
        chart = self._chart()
        engagement = self.engagement.with_user(self.finance)
        for series in ("cost_actual", "revised_cost", "eac_cost", "revenue_invoiced"):
            self.assertEqual(chart[series]["2025-03"], engagement[series], series)

    def test_burn_rate_bends_the_eac(self):
        self.engagement.etc_method = "burn_rate"
        chart = self._chart()
        # January: 30 h of 100 h done for 1,800: 1,800 / 30 % × 100 % = 6,000
        self.assertEqual(chart["eac_cost"]["2025-01"], 6000.0)
        # February: 4,100 for the same 30 %: 13,666.67
        self.assertEqual(chart["eac_cost"]["2025-02"], 13666.67)

    def test_the_chart_is_for_managers_and_finance(self):
        self.assertTrue(self._chart(user=self.finance)["cost_actual"])
        for user in (self.pm, self.ba):
            with self.assertRaises(AccessError):
                self._chart(user=user)
