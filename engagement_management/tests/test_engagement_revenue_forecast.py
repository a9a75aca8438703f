from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import EngagementCommon

TODAY = date(2025, 4, 5)


@freeze_time(TODAY)
@tagged("post_install", "-at_install")
class TestEngagementRevenueForecast(EngagementCommon):
    """The PMO reads, month by month, the revenue still to recognise: each engagement's
    backlog (contracted − earned) spread over the months left to its end (April 2025 is
    this month)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time(TODAY):
            # Nothing done yet: the backlog is all that is contracted.
            cls.even = cls._contracted("Even", 9000.0, "2025-06-20")
            cls.rounded = cls._contracted("Rounded", 1000.0, "2025-06-30")
            cls.late = cls._contracted("Late", 5000.0, "2025-02-01")
            # 25 h of 100 h by hours: 2,000 of 8,000 earned, 6,000 left over April and May.
            cls.started = cls._contracted("Started", 8000.0, "2025-05-31", hours_done=25.0)
            cls.ours = cls.even | cls.rounded | cls.late | cls.started

    @classmethod
    def _contracted(cls, name, revenue, date_end, hours_done=0.0):
        engagement = cls._create_engagement(
            name=name,
            budget_revenue=0.0,
            budget_cost=revenue / 2,
            budget_hours=100.0,
            date_start="2025-01-01",
            date_end=date_end,
            recognition_method="hours",
        )
        # Contracted by an applied change order (no order carries it), as the workflow
        # writes it: the change-order tests cover the way there.
        cls.env["engagement.change.order"]._workflow().create(
            {
                "engagement_id": engagement.id,
                "title": "Scope",
                "description": "Scope",
                "reason": "Contracted",
                "revenue_delta": revenue,
                "state": "applied",
                "applied_on": "2025-01-10 09:00:00",
            }
        )
        if hours_done:
            project = cls.env["project.project"].create(
                {"name": name, "partner_id": cls.customer.id, "allow_timesheets": True}
            )
            if not project.account_id:
                project._create_analytic_account()
            engagement.project_id = project
            employee = cls.env["hr.employee"].create({"name": f"{name} consultant"})
            cls.env["account.analytic.line"].create(
                {
                    "name": "Work",
                    "project_id": project.id,
                    "employee_id": employee.id,
                    "unit_amount": hours_done,
                    "date": "2025-03-10",
                }
            )
        return engagement

    def _forecast(self, user=None, engagements=None):
        Forecast = self.env["engagement.revenue.forecast"].with_user(user or self.manager)
        engagements = engagements or self.ours
        return {
            (row.engagement_id.name, row.date.isoformat()): row.amount
            for row in Forecast.search([("engagement_id", "in", engagements.ids)])
        }

    def test_the_backlog_is_spread_over_the_months_left(self):
        self.assertDictEqual(
            self._forecast(),
            {
                ("Even", "2025-04-01"): 3000.0,
                ("Even", "2025-05-01"): 3000.0,
                ("Even", "2025-06-01"): 3000.0,
                # Each month rounded, the last one takes the rest.
                ("Rounded", "2025-04-01"): 333.33,
                ("Rounded", "2025-05-01"): 333.33,
                ("Rounded", "2025-06-01"): 333.34,
                # Past its end date: all of it this month.
                ("Late", "2025-04-01"): 5000.0,
                ("Started", "2025-04-01"): 3000.0,
                ("Started", "2025-05-01"): 3000.0,
            },
        )

    def test_a_project_plan_spreads_the_backlog_by_its_allocated_hours(self):
        planned = self._contracted("Planned", 6000.0, "2025-12-31")
        project = self.env["project.project"].create(
            {"name": "Planned", "partner_id": self.customer.id}
        )
        planned.project_id = project

        def task(hours, deadline, **values):
            return self.env["project.task"].create(
                {
                    "name": f"{hours} h",
                    "project_id": project.id,
                    "allocated_hours": hours,
                    "date_deadline": deadline,
                    **values,
                }
            )

        task(10.0, "2025-03-20 12:00:00")  # late: this month
        design = task(20.0, "2025-05-15 12:00:00")
        task(30.0, "2025-07-02 12:00:00")
        task(100.0, "2025-06-10 12:00:00", state="1_done")  # done: no revenue to come
        task(50.0, "2025-06-10 12:00:00", parent_id=design.id)  # in its parent's hours
        forecast = {
            month: amount for (__, month), amount in self._forecast(engagements=planned).items()
        }
        self.assertDictEqual(
            forecast, {"2025-04-01": 1000.0, "2025-05-01": 2000.0, "2025-07-01": 3000.0}
        )

    def test_the_portfolio_shows_the_backlog_the_forecast_spreads(self):
        rows = (
            self.env["engagement.portfolio.report"]
            .with_user(self.manager)
            .search([("engagement_id", "in", self.ours.ids)])
        )
        self.assertDictEqual(
            {row.engagement_id.name: row.backlog for row in rows},
            {"Even": 9000.0, "Rounded": 1000.0, "Late": 5000.0, "Started": 6000.0},
        )

    def test_the_pivot_groups_by_month_manager_and_customer(self):
        Forecast = self.env["engagement.revenue.forecast"].with_user(self.finance)
        groups = Forecast._read_group(
            [("engagement_id", "in", self.ours.ids)],
            ["date:month", "user_id", "partner_id"],
            ["amount:sum"],
        )
        self.assertEqual(
            {(month.isoformat(), user, partner): amount for month, user, partner, amount in groups},
            {
                ("2025-04-01", self.manager, self.customer): 11333.33,
                ("2025-05-01", self.manager, self.customer): 6333.33,
                ("2025-06-01", self.manager, self.customer): 3333.34,
            },
        )

    def test_a_closed_or_fully_earned_engagement_has_no_forecast(self):
        self.even.sudo().action_override_stage(self.stage["closed"], "Done early")
        self.assertNotIn(("Even", "2025-04-01"), self._forecast())

    def test_only_managers_and_finance_read_it_and_only_their_company(self):
        self.assertTrue(self._forecast(self.finance))
        for user in (self.pm, self.sales):
            with self.assertRaises(AccessError):
                self.env["engagement.revenue.forecast"].with_user(user).search([])
        self.assertFalse(
            self.env["engagement.revenue.forecast"]
            .with_user(self.manager_b)
            .search([("engagement_id", "in", self.ours.ids)])
        )
