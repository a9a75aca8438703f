from datetime import date, datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..models.engagement_engagement import _GATE_OVERRIDE
from .common import EngagementCommon

# The day these scenarios run on, whatever the day of the run: a Wednesday in mid-June,
# so that the month, the last seven days and the month before are told apart.
NOW = datetime(2026, 6, 17, 9, 0)
TODAY = NOW.date()


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestEngagementAttentionList(EngagementCommon):
    """The head of the practice sees which engagements need someone now, and why."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The database's transaction time too (create_date, the chatter's tracking dates).
        cls.startClassPatcher(patch.object(cls.env.cr, "now", lambda: NOW))
        cls.company.write(
            {
                "engagement_attention_blocked_days": 30,
                "engagement_attention_signature_days": 10,
            }
        )
        now = fields.Datetime.now()
        today = fields.Date.today()
        cls.calm = cls._create_engagement(name="Calm", budget_cost=10000.0)
        cls.blocked = cls._create_engagement(name="Blocked", budget_cost=10000.0)
        cls.blocked._set_stage_date(now - timedelta(days=40))
        # Stage unchanged for 20 days: under the 30 days, not blocked.
        cls.calm._set_stage_date(now - timedelta(days=20))
        cls.red = cls._create_engagement(name="Red", budget_cost=10000.0)
        # Revenue 50,000 against a 40,000 cost: 20 % forecast margin under a 30 % target.
        cls.thin = cls._create_engagement(name="Thin margin", budget_cost=40000.0)
        cls.waiting_co = cls._create_engagement(name="Change waiting", budget_cost=10000.0)
        cls.change_order = cls.env["engagement.change.order"].create(
            {
                "engagement_id": cls.waiting_co.id,
                "title": "Add the tariff simulator",
                "category": "scope",
                "revenue_delta": 1000.0,
            }
        )
        cls.change_order.with_user(cls.pm).action_submit()
        cls.waiting_signature = cls._create_engagement(name="Signature waiting", budget_cost=1.0)
        cls.deliverable = cls._make_deliverable(
            cls.waiting_signature, "engagement_management.engagement_deliverable_type_brd"
        )
        # Submitted 15 days ago: the workflow stamps the date, so the clock is moved.
        with freeze_time(now - timedelta(days=15)):
            cls.deliverable.action_submit()
        # Submitted 3 days ago: not yet waiting too long.
        recent = cls._make_deliverable(
            cls.calm, "engagement_management.engagement_deliverable_type_brd"
        )
        with freeze_time(now - timedelta(days=3)):
            recent.action_submit()
        cls.overdue = cls._create_engagement(
            name="Overdue",
            budget_cost=10000.0,
            date_start=today - timedelta(days=90),
            date_end=today - timedelta(days=5),
        )
        cls.env["engagement.engagement"]._cron_update_health()
        cls.red._workflow().health = "red"
        cls.engagements = (
            cls.calm
            | cls.blocked
            | cls.red
            | cls.thin
            | cls.waiting_co
            | cls.waiting_signature
            | cls.overdue
        )

    def _items(self, user=None):
        items = self.env["engagement.attention.item"].with_user(user or self.manager)
        return items.search([("engagement_id", "in", self.engagements.ids)])

    def test_each_reason_is_listed_once_and_the_calm_engagement_not_at_all(self):
        items = self._items()
        self.assertEqual(
            sorted((item.engagement_id.name, item.reason) for item in items),
            sorted(
                [
                    ("Blocked", "blocked"),
                    ("Red", "health_red"),
                    ("Thin margin", "margin"),
                    ("Change waiting", "change_order"),
                    ("Signature waiting", "deliverable"),
                    ("Overdue", "overdue"),
                ]
            ),
        )
        self.assertNotIn(self.calm, items.engagement_id)

    def test_members_do_not_read_the_margin_reason(self):
        """The forecast margin is Finance's and managers': the attention list does not
        tell a PM or a BA which of their engagements is under target."""
        for user in (self.pm, self.ba):
            with self.subTest(user=user.login):
                items = self._items(user)
                self.assertTrue(items, "members read their engagements' other items")
                self.assertNotIn("margin", items.mapped("reason"))
                Item = self.env["engagement.attention.item"].with_user(user)
                self.assertFalse(Item.search_count([("reason", "=", "margin")]))
                grouped = dict(Item._read_group([], ["reason"], ["__count"]))
                self.assertNotIn("margin", grouped)
        self.assertIn("margin", self._items(self.finance).mapped("reason"))

    def test_each_item_says_why_and_since_when(self):
        by_reason = {item.reason: item for item in self._items()}
        self.assertEqual(by_reason["blocked"].detail, "In Presales for 40 days")
        self.assertEqual(
            by_reason["deliverable"].detail,
            f"{self.deliverable.display_name} waits for the customer's signature for 15 days",
        )
        self.assertEqual(by_reason["overdue"].date_since, self.overdue.date_end)
        # Off track since the day it happened (today, in this setup).
        self.assertEqual(by_reason["health_red"].date_since, TODAY)
        self.assertEqual(by_reason["health_red"].detail, "Health off track for 0 days")
        # Under target as of the figures read now: no "since" to tell.
        self.assertFalse(by_reason["margin"].date_since)
        self.assertEqual(by_reason["margin"].detail, "Forecast margin under the target margin")
        self.assertIn(self.change_order.display_name, by_reason["change_order"].detail)
        self.assertEqual(by_reason["change_order"].user_id, self.manager)

    def test_off_track_counts_from_the_day_the_health_changed(self):
        self.red._workflow().date_health_change = TODAY - timedelta(days=12)
        self.red._workflow().health = "red"  # no change: the date stays
        item = self._items().filtered(lambda item: item.reason == "health_red")
        self.assertEqual(item.detail, "Health off track for 12 days")
        self.red._workflow().health = "amber"
        self.red._workflow().health = "red"
        self.assertEqual(self.red.date_health_change, TODAY)

    def test_the_button_opens_the_record_where_the_action_is(self):
        by_reason = {item.reason: item for item in self._items()}
        action = by_reason["change_order"].action_open_record()
        self.assertEqual(
            (action["res_model"], action["res_id"]),
            ("engagement.change.order", self.change_order.id),
        )
        action = by_reason["deliverable"].action_open_record()
        self.assertEqual(
            (action["res_model"], action["res_id"]),
            ("engagement.deliverable", self.deliverable.id),
        )
        action = by_reason["health_red"].action_open_record()
        self.assertEqual(
            (action["res_model"], action["res_id"]), ("engagement.engagement", self.red.id)
        )

    def test_reaching_the_acceptance_stage_or_closing_clears_the_items(self):
        override = {"engagement_gate_override": _GATE_OVERRIDE}
        self.overdue.with_context(**override).write({"stage_id": self.stage["acceptance"].id})
        self.red.with_context(**override).write({"stage_id": self.stage["closed"].id})
        reasons = self._items().mapped("reason")
        self.assertNotIn("overdue", reasons)
        self.assertNotIn("health_red", reasons)

    def test_the_thresholds_are_the_company_settings(self):
        self.company.engagement_attention_blocked_days = 50
        self.company.engagement_attention_signature_days = 2
        reasons = {(item.engagement_id.name, item.reason) for item in self._items()}
        self.assertNotIn(("Blocked", "blocked"), reasons)
        self.assertIn(("Calm", "deliverable"), reasons)

    def test_a_user_sees_the_items_of_their_engagements_only(self):
        # All six of their engagements' items but the margin one, which is Finance's.
        self.assertEqual(
            sorted(self._items(self.pm).mapped("reason")),
            ["blocked", "change_order", "deliverable", "health_red", "overdue"],
        )
        self.assertFalse(self._items(self.outsider))
        self.assertFalse(self._items(self.manager_b))


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestEngagementWorkload(EngagementCommon):
    """Each PM and BA sees their hours; the head of the practice sees everyone's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.engagement_weekly_capacity_hours = 40.0
        cls.engagement = cls._create_engagement(budget_hours=100.0)
        # In Planning: the Kick-off approval is the next gate due.
        cls.engagement.with_context(engagement_gate_override=_GATE_OVERRIDE).write(
            {"stage_id": cls.stage["planning"].id}
        )
        cls.project = cls.env["project.project"].create(
            {"name": "Warehouse system", "partner_id": cls.customer.id, "allow_timesheets": True}
        )
        if not cls.project.account_id:
            cls.project._create_analytic_account()
        cls.engagement.project_id = cls.project
        cls.pm_employee = cls.env["hr.employee"].create({"name": "Paula", "user_id": cls.pm.id})
        cls.ba_employee = cls.env["hr.employee"].create({"name": "Bruno", "user_id": cls.ba.id})
        for employee, day, hours in (
            (cls.pm_employee, TODAY, 30.0),
            (cls.pm_employee, date(2026, 6, 15), 15.0),
            (cls.pm_employee, date(2026, 5, 1), 8.0),
            (cls.ba_employee, TODAY, 6.0),
        ):
            cls.env["account.analytic.line"].create(
                {
                    "name": "Work",
                    "project_id": cls.project.id,
                    "employee_id": employee.id,
                    "unit_amount": hours,
                    "date": day,
                }
            )

    def _hours(self, user):
        rows = (
            self.env["engagement.workload.report"]
            .with_user(user)
            ._read_group(
                [("engagement_id", "=", self.engagement.id)],
                ["user_id"],
                ["hours_logged:sum", "hours_planned:sum"],
            )
        )
        return {person.name: (logged, planned) for person, logged, planned in rows}

    def test_a_pm_sees_their_own_workload(self):
        self.assertEqual(self._hours(self.pm), {"Paula PM": (53.0, 100.0)})

    def test_a_manager_sees_everyones_workload(self):
        self.assertEqual(
            self._hours(self.manager), {"Paula PM": (53.0, 100.0), "Bruno BA": (6.0, 100.0)}
        )

    def test_someone_both_pm_and_ba_is_counted_once(self):
        self.engagement.business_analyst_id = self.pm
        self.assertEqual(self._hours(self.manager), {"Paula PM": (53.0, 100.0)})

    def test_hours_are_by_month(self):
        rows = self.env["engagement.workload.report"]._read_group(
            [("engagement_id", "=", self.engagement.id), ("user_id", "=", self.pm.id)],
            ["date:month"],
            ["hours_logged:sum"],
            order="date:month",
        )
        self.assertEqual(rows, [(date(2026, 5, 1), 8.0), (date(2026, 6, 1), 45.0)])

    def test_the_summary_flags_who_is_over_capacity_and_counts_presales(self):
        summary = self.env["engagement.workload.summary"].with_user(self.manager)
        pm_row = summary.search([("user_id", "=", self.pm.id)])
        ba_row = summary.search([("user_id", "=", self.ba.id)])
        self.assertEqual(pm_row.engagement_count, 1)
        # The common scenario's open opportunity has Paula as PM and Bruno as BA.
        self.assertEqual(pm_row.opportunity_count, 1)
        self.assertEqual(pm_row.hours_total, 53.0)
        next_gates = self.engagement.gate_line_ids.filtered(
            lambda line: line.stage_id == self.stage["execution"] and line.state == "pending"
        )
        self.assertTrue(next_gates, "the scenario needs approvals to enter Execution")
        self.assertEqual(pm_row.next_gate_count, len(next_gates))
        self.assertEqual(pm_row.hours_week, 45.0)
        self.assertTrue(pm_row.over_allocated)
        self.assertFalse(ba_row.over_allocated)
        self.assertEqual(ba_row.hours_month, 6.0)
        self.assertEqual(
            summary.with_user(self.pm).search([]).user_id, self.pm, "a PM sees only their row"
        )

    def test_the_month_and_the_last_seven_days_follow_the_calendar(self):
        def pm_hours(day):
            with freeze_time(day):
                self.env.invalidate_all()
                row = self.env["engagement.workload.summary"].search([("user_id", "=", self.pm.id)])
                return row.hours_month, row.hours_week, row.hours_total, row.over_allocated

        # 22 June: 15 June is seven days back, out of the last seven days.
        self.assertEqual(pm_hours("2026-06-22 08:00:00"), (45.0, 30.0, 53.0, False))
        # 1 July: June is last month, and none of its hours is in the last seven days.
        self.assertEqual(pm_hours("2026-07-01 08:00:00"), (0.0, 0.0, 53.0, False))

    def test_a_won_opportunity_is_no_more_presales(self):
        self.lead.action_set_won()
        row = self.env["engagement.workload.summary"].search([("user_id", "=", self.pm.id)])
        self.assertEqual(row.opportunity_count, 0)


@tagged("post_install", "-at_install")
class TestEngagementDigest(TestEngagementAttentionList):
    """Each engagement manager gets their attention list and the week's changes."""

    def test_the_digest_lists_exactly_the_attention_items(self):
        data = self.manager._engagement_digest_data()[self.manager]
        items = self._items()
        self.assertEqual(
            sorted(item.id for item in data["items"] if item.engagement_id in self.engagements),
            sorted(items.ids),
        )
        body = str(self.manager._engagement_digest_render(data))
        self.assertEqual(body.count('class="o_engagement_digest_item"'), len(data["items"]))
        for item in items:
            self.assertIn(item.engagement_id.name, body)
        self.assertNotIn("Calm", body)

    def test_the_digest_tells_the_weeks_moves_approvals_and_signatures(self):
        self.change_order.with_user(self.manager).action_approve()
        self.env.cr.flush()  # close the creation, so the move below is tracked as a change
        self.calm.with_context(engagement_gate_override=_GATE_OVERRIDE).write(
            {"stage_id": self.stage["contracting"].id}
        )
        self.env.flush_all()
        self.env.cr.flush()  # the chatter tracks the stage move when the changes are flushed
        data = self.manager._engagement_digest_data()[self.manager]
        changes = [(engagement, text) for __, engagement, text in data["changes"]]
        self.assertIn((self.waiting_co, f"{self.change_order.display_name} approved"), changes)
        self.assertIn((self.calm, "Moved from Presales to Contracting"), changes)
        body = str(self.manager._engagement_digest_render(data))
        self.assertIn("Moved from Presales to Contracting", body)

    def test_the_cron_mails_managers_who_did_not_opt_out(self):
        mails = self.env["res.users"]._cron_engagement_digest()
        self.assertIn(self.manager.partner_id, mails.recipient_ids)
        self.manager.with_user(self.manager).engagement_digest_opt_out = True
        mails = self.env["res.users"]._cron_engagement_digest()
        self.assertNotIn(self.manager.partner_id, mails.recipient_ids)


@tagged("post_install", "-at_install")
class TestEngagementPortfolioQueries(EngagementCommon):
    """Every screen reads in the same number of queries for 10 or 100 engagements."""

    def _make(self, count):
        today = date.today()
        engagements = self.env["engagement.engagement"]
        for index in range(count):
            engagements |= self._create_engagement(
                name=f"Engagement {index}",
                date_start=today - timedelta(days=60),
                date_end=today - timedelta(days=1),
            )
        # As the health job would find them.
        engagements._workflow().write({"health": "red"})
        return engagements

    def _count(self, function):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        function()
        return self.env.cr.sql_log_count - before

    def _count_screens(self, screens):
        # Counted once the caches are warm (creating records clears the record rules'
        # caches, which the first reads fill again): only the data may change the count.
        # The least of three warm runs: a cache another test left cold adds queries to one
        # run only, while a count that grows with the rows grows in every run.
        self.env.registry.clear_cache()
        for screen in screens.values():
            screen()
        return {
            name: min(self._count(screen) for __ in range(3)) for name, screen in screens.items()
        }

    def test_screens_read_in_constant_queries(self):
        # Each screen runs in one environment per user, kept for every run: an
        # environment reads its user's time zone once, and one the garbage collector took
        # between two runs would count that read again in one of them only.
        as_manager, as_finance = self.env(user=self.manager), self.env(user=self.finance)
        screens = {
            "attention": lambda: (
                self.env["engagement.attention.item"]
                .with_env(as_manager)
                .search_read([], ["engagement_id", "reason", "detail", "user_id", "date_since"])
            ),
            "workload": lambda: (
                self.env["engagement.workload.report"]
                .with_env(as_manager)
                .formatted_read_group([], ["user_id", "date:month"], ["hours_logged:sum"])
            ),
            "people": lambda: (
                self.env["engagement.workload.summary"]
                .with_env(as_manager)
                .search_read([], ["user_id", "engagement_count", "hours_week", "over_allocated"])
            ),
            "portfolio": lambda: (
                self.env["engagement.portfolio.report"]
                .with_env(as_finance)
                .formatted_read_group(
                    [("is_closed", "=", False)],
                    ["stage_id", "currency_id"],
                    ["revised_revenue:sum", "forecast_margin:sum", "wip_amount:sum"],
                )
            ),
            "digest": lambda: self.manager._engagement_digest_data(),
        }
        self._make(10)
        small = self._count_screens(screens)
        self._make(90)
        large = self._count_screens(screens)
        self.assertEqual(small, large)

    def test_the_portfolio_totals_the_engagements_figures(self):
        Portfolio = self.env["engagement.portfolio.report"].with_user(self.finance)

        def totals():
            [group] = Portfolio.formatted_read_group(
                [("is_closed", "=", False)],
                [],
                ["__count", "revised_revenue:sum", "forecast_margin:sum"],
            ) or [{"__count": 0, "revised_revenue:sum": 0.0, "forecast_margin:sum": 0.0}]
            return group["__count"], group["revised_revenue:sum"], group["forecast_margin:sum"]

        # What the database already holds (demo data, or nothing) is the baseline.
        count_before, revenue_before, margin_before = totals()
        first = self._create_engagement(name="A", budget_revenue=1000.0, budget_cost=600.0)
        second = self._create_engagement(name="B", budget_revenue=3000.0, budget_cost=900.0)
        count, revenue, margin = totals()
        self.assertEqual((count - count_before, revenue - revenue_before), (2, 4000.0))
        # Forecast margin with nothing spent: revenue minus the revised cost.
        self.assertAlmostEqual(margin - margin_before, 4000.0 - 1500.0)
        # Each row is its engagement's own figures, field for field.
        for engagement in first | second:
            [row] = Portfolio.search_read(
                [("engagement_id", "=", engagement.id)], ["eac_cost", "forecast_margin_pct"]
            )
            engagement = engagement.with_user(self.finance)
            self.assertEqual(row["eac_cost"], engagement.eac_cost)
            self.assertEqual(row["forecast_margin_pct"], engagement.forecast_margin_pct)

    def test_a_portfolio_row_opens_its_engagement(self):
        engagement = self._create_engagement(name="A", budget_revenue=1000.0)
        row = (
            self.env["engagement.portfolio.report"]
            .with_user(self.finance)
            .search([("engagement_id", "=", engagement.id)])
        )
        action = row.action_open_engagement()
        self.assertEqual((action["res_model"], action["res_id"]), (engagement._name, engagement.id))


@tagged("post_install", "-at_install")
class TestEngagementPortfolioAccess(EngagementCommon):
    """The portfolio is for managers and Finance; its screens open for them."""

    def test_the_screens_open_for_a_manager(self):
        for xmlid in (
            "engagement_management.engagement_attention_item_action",
            "engagement_management.engagement_workload_report_action",
            "engagement_management.engagement_workload_summary_action",
            "engagement_management.engagement_portfolio_report_action",
            "engagement_management.engagement_engagement_action_pipeline",
        ):
            action = self.env.ref(xmlid)
            model = self.env[action.res_model].with_user(self.manager)
            self.assertTrue(model.get_views(action.views)["views"], xmlid)

    def test_a_user_cannot_read_the_portfolio(self):
        with self.assertRaises(AccessError):
            self.env["engagement.portfolio.report"].with_user(self.pm).search_read(
                [], ["revised_revenue"]
            )

    def test_a_user_cannot_read_someone_elses_workload(self):
        engagement = self._create_engagement()
        rows = (
            self.env["engagement.workload.report"]
            .with_user(self.outsider)
            .search([("engagement_id", "=", engagement.id)])
        )
        self.assertFalse(rows)
        rows = (
            self.env["engagement.workload.report"]
            .with_user(self.ba)
            .search([("engagement_id", "=", engagement.id)])
        )
        self.assertEqual(rows.mapped("role"), ["ba"])
