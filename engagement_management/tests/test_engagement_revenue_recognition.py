import base64
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import SIGNATURE_PNG
from .profitability_common import ProfitabilityCommon

MARCH = (date(2025, 3, 1), date(2025, 3, 31))
APRIL = (date(2025, 4, 1), date(2025, 4, 30))
# The close happens early in April: the reversal's day (1 April) has come.
CLOSE_DAY = date(2025, 4, 5)


@tagged("post_install", "-at_install")
class RevenueRecognitionCommon(ProfitabilityCommon):
    """Four engagements besides the scenario's, each with a hand-computed WIP in March 2025
    (company in USD; the figures' rules of the README):

    - *Half done* (cost-to-cost, the default): fixed price 10,000, cost budget 5,000,
      50 h at 50 logged (2,500: 50 %), 3,000 invoiced (30 %): earned 5,000, WIP 2,000 →
      debit unbilled 2,000, credit revenue 2,000;
    - *Billed ahead* (by hours): fixed price 20,000, 100 h, 10 h logged, 8,000 invoiced:
      earned 2,000, WIP −6,000 → debit revenue 6,000, credit deferred 6,000;
    - *T&M*: time and materials 12,000 for 120 h (100 an hour), 30 h logged, 1,000
      invoiced: earned 3,000, WIP 2,000;
    - *Foreign* (by hours): in EUR, fixed price 10,000 EUR, 100 h, 50 h logged, nothing
      invoiced:
      WIP 5,000 EUR; the rate moves from 0.75 to 0.8 EUR per USD on 20 March, so the
      entry on 31 March is 5,000 / 0.8 = 6,250.00 USD.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.engagement_revenue_recognition = True
        cls.env["res.currency.rate"].create(
            {
                "name": "2025-03-20",
                "rate": 0.8,
                "currency_id": cls.eur.id,
                "company_id": cls.company.id,
            }
        )
        cls.half_done = cls._recognition_engagement(
            "Half done", "fixed_price", 10000.0, 100.0, 50.0, 3000.0
        )
        cls.billed_ahead = cls._recognition_engagement(
            "Billed ahead", "fixed_price", 20000.0, 100.0, 10.0, 8000.0, method="hours"
        )
        cls.time_materials = cls._recognition_engagement(
            "Time and materials", "time_materials", 12000.0, 120.0, 30.0, 1000.0
        )
        cls.foreign = cls._recognition_engagement(
            "Foreign", "fixed_price", 10000.0, 100.0, 50.0, 0.0, currency=cls.eur, method="hours"
        )
        cls.ours = cls.half_done | cls.billed_ahead | cls.time_materials | cls.foreign
        cls.unbilled = cls.company.engagement_unbilled_account_id
        cls.deferred = cls.company.engagement_deferred_account_id
        cls.revenue = cls.company.engagement_revenue_adjustment_account_id
        cls.journal = cls.company.engagement_wip_journal_id

    @classmethod
    def _recognition_engagement(cls, name, billing_type, revenue, hours, logged, invoiced, **kw):
        values = {"currency_id": kw["currency"].id} if kw.get("currency") else {}
        if kw.get("method"):
            values["recognition_method"] = kw["method"]
        engagement = cls._create_engagement(
            name=name,
            billing_type=billing_type,
            budget_revenue=revenue,
            budget_cost=revenue / 2,
            budget_hours=hours,
            **values,
        )
        project = cls.env["project.project"].create(
            {"name": name, "partner_id": cls.customer.id, "allow_timesheets": True}
        )
        if not project.account_id:
            project._create_analytic_account()
        engagement.project_id = project
        cls.env["account.analytic.line"].create(
            {
                "name": "Work",
                "project_id": project.id,
                "employee_id": cls.ann.id,
                "unit_amount": logged,
                "date": "2025-03-10",
            }
        )
        if invoiced:
            cls.env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": cls.customer.id,
                    "invoice_date": "2025-03-15",
                    "date": "2025-03-15",
                    "currency_id": cls.usd.id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Services",
                                "quantity": 1.0,
                                "price_unit": invoiced,
                                "tax_ids": [],
                                "analytic_distribution": {str(project.account_id.id): 100.0},
                            }
                        )
                    ],
                }
            ).action_post()
        return engagement

    def _review(self, period=MARCH, decide=True):
        review = (
            self.env["engagement.margin.review"]
            .with_user(self.finance)
            .create({"name": "March 2025", "date_from": period[0], "date_to": period[1]})
        )
        review.action_start()
        if decide:
            review.line_ids.action_approve()
        return review

    def _line(self, review, engagement):
        """The review's line of ``engagement``, read as the test's administrator (Finance
        has no accounting rights to read the entries it posts)."""
        return review.with_env(self.env).line_ids.filtered(
            lambda line: line.engagement_id == engagement
        )

    def _balance(self, account, day):
        """The account's balance on ``day`` in Odoo's general ledger data."""
        [(balance,)] = self.env["account.move.line"]._read_group(
            [
                ("account_id", "=", account.id),
                ("company_id", "=", self.company.id),
                ("parent_state", "=", "posted"),
                ("date", "<=", day),
            ],
            aggregates=["balance:sum"],
        )
        return balance

    def _entry(self, move):
        """``{(account, debit, credit, amount_currency, currency name)}`` of ``move``."""
        return {
            (line.account_id, line.debit, line.credit, line.amount_currency, line.currency_id.name)
            for line in move.line_ids
        }


@tagged("post_install", "-at_install")
class TestEngagementRevenueRecognition(RevenueRecognitionCommon):
    """Finance closes March: the WIP reaches the ledger, and April takes it back."""

    def test_the_settings_say_what_another_chart_must_choose(self):
        settings = self.env["res.config.settings"].with_company(self.company_b).create({})
        self.assertEqual(
            settings.engagement_revenue_recognition_missing,
            "Revenue Recognition Journal, Unbilled Revenue Account, Deferred Revenue "
            "Account, Revenue Adjustment Account",
        )
        self.assertFalse(
            self.env["res.config.settings"].create({}).engagement_revenue_recognition_missing
        )

    def test_the_generic_chart_comes_with_the_journal_and_accounts(self):
        self.assertEqual(self.company.chart_template, "generic_coa")
        chart = self.env["account.chart.template"].with_company(self.company)
        self.assertEqual(self.unbilled, chart.ref("engagement_unbilled_revenue"))
        self.assertEqual(self.unbilled.account_type, "asset_current")
        self.assertEqual(self.deferred, chart.ref("deferred_revenue"))
        self.assertEqual(self.revenue, chart.ref("engagement_revenue_adjustment"))
        self.assertEqual(self.revenue.account_type, "income")
        self.assertEqual(self.journal, chart.ref("engagement_revenue_recognition"))
        self.assertEqual(self.journal.type, "general")
        # Installing again (a migration calling the hook) creates nothing twice.
        from ..hooks import _configure_revenue_recognition

        accounts = self.env["account.account"].search_count([])
        _configure_revenue_recognition(self.env)
        self.assertEqual(self.env["account.account"].search_count([]), accounts)

    @freeze_time(CLOSE_DAY)
    def test_the_figures_give_the_hand_computed_wip(self):
        review = self._review()
        wips = {e.name: self._line(review, e).wip_period_amount for e in self.ours}
        self.assertDictEqual(
            wips,
            {
                "Half done": 2000.0,
                "Billed ahead": -6000.0,
                "Time and materials": 2000.0,
                "Foreign": 5000.0,
            },
        )

    @freeze_time(CLOSE_DAY)
    def test_what_happened_after_the_period_is_not_posted_in_it(self):
        # On 2 April, before the review starts: more hours and an invoice for Half done.
        self.env["account.analytic.line"].create(
            {
                "name": "April work",
                "project_id": self.half_done.project_id.id,
                "employee_id": self.ann.id,
                "unit_amount": 20.0,
                "date": "2025-04-02",
            }
        )
        self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_date": "2025-04-02",
                "date": "2025-04-02",
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Services",
                            "price_unit": 4000.0,
                            "tax_ids": [],
                            "analytic_distribution": {
                                str(self.half_done.project_id.account_id.id): 100.0
                            },
                        }
                    )
                ],
            }
        ).action_post()
        review = self._review()
        line = self._line(review, self.half_done)
        # To date: 3,500 of 5,000 spent is 70 %, 7,000 earned, 7,000 invoiced.
        self.assertEqual((line.revenue_invoiced, line.wip_amount), (7000.0, 0.0))
        # On 31 March: 5,000 earned, 3,000 invoiced.
        self.assertEqual(
            (line.wip_earned, line.wip_invoiced, line.wip_period_amount), (5000.0, 3000.0, 2000.0)
        )
        review.action_close()
        self.assertEqual(line.wip_posted_amount, 2000.0)
        self.assertEqual(line.wip_move_id.amount_total, 2000.0)

    @freeze_time(CLOSE_DAY)
    def test_by_signed_milestones_revenue_is_earned_when_the_customer_signs(self):
        self.half_done.recognition_method = "milestone"
        self.assertEqual(self.half_done.wip_amount, -3000.0)  # nothing signed yet
        deliverable = self._make_deliverable(
            self.half_done,
            "engagement_management.engagement_deliverable_type_acceptance",
            recognition_pct=40.0,
        )
        deliverable.action_submit()
        self.assertEqual(self.half_done.wip_amount, -3000.0)  # sent, not signed
        # The share is part of the terms the customer signs: frozen once sent.
        for user in (self.pm, self.manager, self.finance):
            with self.assertRaises(UserError):
                deliverable.with_user(user).write({"recognition_pct": 100.0})
        self.assertEqual(deliverable.recognition_pct, 40.0)
        with freeze_time("2025-03-28"):
            deliverable.sudo().action_sign("Carla Customer", signature=SIGNATURE_PNG)
        self.assertEqual(self.half_done.wip_amount, 1000.0)  # 40 % of 10,000 − 3,000
        review = self._review()
        review.action_close()
        self.assertEqual(
            self._entry(self._line(review, self.half_done).wip_move_id),
            {
                (self.unbilled, 1000.0, 0.0, 1000.0, "USD"),
                (self.revenue, 0.0, 1000.0, -1000.0, "USD"),
            },
        )

    @freeze_time(CLOSE_DAY)
    def test_close_posts_each_wip_on_the_last_day_and_reverses_it_the_next(self):
        review = self._review()
        review.action_close()
        self.assertEqual(review.state, "closed")
        half = self._line(review, self.half_done)
        self.assertEqual(half.wip_move_id.state, "posted")
        self.assertEqual(half.wip_move_id.date, date(2025, 3, 31))
        self.assertEqual(half.wip_move_id.journal_id, self.journal)
        self.assertIn("Half done", half.wip_move_id.ref)
        self.assertEqual(
            self._entry(half.wip_move_id),
            {
                (self.unbilled, 2000.0, 0.0, 2000.0, "USD"),
                (self.revenue, 0.0, 2000.0, -2000.0, "USD"),
            },
        )
        ahead = self._line(review, self.billed_ahead)
        self.assertEqual(
            self._entry(ahead.wip_move_id),
            {
                (self.revenue, 6000.0, 0.0, 6000.0, "USD"),
                (self.deferred, 0.0, 6000.0, -6000.0, "USD"),
            },
        )
        tm = self._line(review, self.time_materials)
        self.assertEqual(
            self._entry(tm.wip_move_id),
            {
                (self.unbilled, 2000.0, 0.0, 2000.0, "USD"),
                (self.revenue, 0.0, 2000.0, -2000.0, "USD"),
            },
        )
        foreign = self._line(review, self.foreign)
        self.assertEqual(
            self._entry(foreign.wip_move_id),
            {
                (self.unbilled, 6250.0, 0.0, 5000.0, "EUR"),
                (self.revenue, 0.0, 6250.0, -5000.0, "EUR"),
            },
        )
        self.assertEqual(foreign.wip_posted_amount, 6250.0)
        # The reversal: Odoo's own, dated 1 April, posted (its day has come).
        for line in review.with_env(self.env).line_ids.filtered("wip_move_id"):
            reversal = line.wip_reversal_move_id
            self.assertEqual(reversal.reversed_entry_id, line.wip_move_id)
            self.assertEqual(reversal.date, date(2025, 4, 1))
            self.assertEqual(reversal.state, "posted")
            self.assertEqual(
                {(ml.account_id, ml.debit, ml.credit) for ml in reversal.line_ids},
                {(ml.account_id, ml.credit, ml.debit) for ml in line.wip_move_id.line_ids},
            )
        # The printed review names the entry, for Finance, who cannot open it.
        html, __ = (
            self.env["ir.actions.report"]
            .with_user(self.finance)
            ._render_qweb_html("engagement_management.engagement_margin_review_report", review.ids)
        )
        self.assertIn(half.wip_move_id.name, html.decode())
        # Nothing is left on either account the next day.
        self.assertEqual(self._balance(self.unbilled, date(2025, 4, 1)), 0.0)
        self.assertEqual(self._balance(self.deferred, date(2025, 4, 1)), 0.0)

    def test_a_reversal_still_to_come_is_posted_by_odoo_on_its_day(self):
        with freeze_time("2025-03-31"):
            review = self._review()
            review.action_close()
            reversal = self._line(review, self.half_done).wip_reversal_move_id
            self.assertEqual(reversal.state, "draft")
            self.assertEqual(reversal.auto_post, "at_date")
            self.assertAlmostEqual(
                self._balance(self.unbilled, date(2025, 4, 1)), 10250.0 + self._others(), places=2
            )
        with freeze_time("2025-04-01"), self.enter_registry_test_mode():
            # Odoo's cron, as the scheduler runs it (its own environment: reread after).
            self.env.ref("account.ir_cron_auto_post_draft_entry").method_direct_trigger()
            self.env.invalidate_all()
            self.assertEqual(reversal.state, "posted")
            self.assertEqual(self._balance(self.unbilled, date(2025, 4, 1)), 0.0)

    def _others(self):
        """What the demo's and the scenario's engagements put on the unbilled account at
        the last close (only ours are hand-computed)."""
        lines = self.env["engagement.margin.review.line"].search(
            [("engagement_id", "not in", self.ours.ids), ("wip_move_id", "!=", False)]
        )
        return sum(lines.mapped("wip_unbilled_amount"))

    @freeze_time(CLOSE_DAY)
    def test_the_schedule_totals_are_the_ledger_balances_on_the_last_day(self):
        review = self._review()
        review.action_close()
        Line = self.env["engagement.margin.review.line"].with_user(self.manager)
        [(unbilled, deferred)] = Line._read_group(
            [("review_id", "=", review.id)],
            aggregates=["wip_unbilled_amount:sum", "wip_deferred_amount:sum"],
        )
        self.assertAlmostEqual(unbilled, self._balance(self.unbilled, MARCH[1]), places=2)
        self.assertAlmostEqual(deferred, -self._balance(self.deferred, MARCH[1]), places=2)
        # Ours, hand-computed: 2,000 + 2,000 + 6,250 unbilled; 6,000 deferred.
        ours = Line.search([("review_id", "=", review.id), ("engagement_id", "in", self.ours.ids)])
        self.assertEqual(sum(ours.mapped("wip_unbilled_amount")), 10250.0)
        self.assertEqual(sum(ours.mapped("wip_deferred_amount")), 6000.0)
        half = ours.filtered(lambda line: line.engagement_id == self.half_done)
        self.assertEqual((half.wip_earned, half.wip_invoiced), (5000.0, 3000.0))

    @freeze_time(CLOSE_DAY)
    def test_the_entries_never_reach_the_engagements_figures(self):
        Report = self.env["engagement.portfolio.report"]
        engagements = self.env["engagement.engagement"].search([])
        profitability = self.env["engagement.profitability.report"]
        lines_before = profitability.search_read([], ["engagement_id", "kind", "margin"])
        before = {
            "to date": Report._figures_rows(engagements.ids),
            "march": Report._period_rows(engagements.ids, *MARCH),
            "april": Report._period_rows(engagements.ids, *APRIL),
        }
        # A distribution model for the customer would put any new line of theirs on an
        # engagement's account: the entries must not take it.
        self.env["account.analytic.distribution.model"].create(
            {
                "partner_id": self.customer.id,
                "analytic_distribution": {str(self.half_done.project_id.account_id.id): 100},
            }
        )
        review = self._review()
        review.action_close()
        lines = review.with_env(self.env).line_ids
        moves = lines.wip_move_id | lines.wip_reversal_move_id
        self.assertEqual(len(moves), 2 * len(lines.filtered("wip_move_id")))
        self.assertFalse(moves.line_ids.analytic_line_ids)
        self.assertFalse(any(moves.line_ids.mapped("analytic_distribution")))
        after = {
            "to date": Report._figures_rows(engagements.ids),
            "march": Report._period_rows(engagements.ids, *MARCH),
            "april": Report._period_rows(engagements.ids, *APRIL),
        }
        self.assertDictEqual(after, before)
        self.assertEqual(
            profitability.search_read([], ["engagement_id", "kind", "margin"]), lines_before
        )

    @freeze_time(CLOSE_DAY)
    def test_a_locked_period_is_refused_naming_the_engagements(self):
        review = self._review()
        self.company.fiscalyear_lock_date = MARCH[1]
        with self.assertRefused(UserError, "the period is locked") as refusal:
            review.action_close()
        self.assertIn("Half done", str(refusal.exception))
        self.assertEqual(review.state, "in_progress")
        self.assertFalse(review.line_ids.wip_move_id)
        self.assertFalse(self.env["account.move"].search([("journal_id", "=", self.journal.id)]))

    @freeze_time(CLOSE_DAY)
    def test_a_missing_account_is_refused_naming_what_to_choose(self):
        review = self._review()
        self.company.engagement_deferred_account_id = False
        with self.assertRefused(UserError, "Deferred Revenue Account") as refusal:
            review.action_close()
        self.assertIn("Billed ahead", str(refusal.exception))
        self.assertIn("generic chart of accounts", str(refusal.exception))
        self.assertEqual(review.state, "in_progress")
        self.assertFalse(self.env["account.move"].search([("journal_id", "=", self.journal.id)]))

    @freeze_time(CLOSE_DAY)
    def test_an_undecided_line_is_refused_naming_the_engagement(self):
        review = self._review(decide=False)
        review.line_ids.filtered(lambda line: line.engagement_id != self.half_done).action_approve()
        with self.assertRefused(UserError, "Half done"):
            review.action_close()
        self.assertEqual(review.state, "in_progress")
        self.assertFalse(review.line_ids.wip_move_id)

    @freeze_time(CLOSE_DAY)
    def test_a_flagged_line_can_be_kept_out_of_the_posting_with_a_reason(self):
        review = self._review(decide=False)
        line = self._line(review, self.billed_ahead).with_user(self.finance)
        with self.assertRefused(UserError, "Only a flagged engagement"):
            line.action_exclude_wip("Disputed")
        (review.line_ids - line).action_approve()
        line.action_flag("The invoice is disputed by the customer.")
        line.action_exclude_wip("Credit note expected in April.")
        self.assertTrue(line.wip_excluded)
        self.assertEqual(line.wip_exclusion_reason, "Credit note expected in April.")
        self.assertIn("Credit note expected in April.", review.message_ids[0].body)
        review.action_close()
        self.assertFalse(line.wip_move_id)
        self.assertTrue(self._line(review, self.half_done).wip_move_id)
        self.assertAlmostEqual(
            self._balance(self.deferred, MARCH[1]), -self._deferred_others(review), places=2
        )

    def _deferred_others(self, review):
        lines = review.line_ids.filtered(lambda line: line.engagement_id not in self.ours)
        return sum(lines.mapped("wip_deferred_amount"))

    @freeze_time(CLOSE_DAY)
    def test_without_revenue_recognition_the_close_posts_nothing(self):
        self.company.engagement_revenue_recognition = False
        review = self._review()
        review.action_close()
        self.assertEqual(review.state, "closed")
        self.assertFalse(review.line_ids.wip_move_id)


@tagged("post_install", "-at_install")
class TestEngagementRevenueRecognitionAttacker(RevenueRecognitionCommon):
    """Only Finance closes and posts; the entries the close made stay the ledger's."""

    @freeze_time(CLOSE_DAY)
    def test_managers_and_pms_cannot_close_or_post(self):
        review = self._review()
        for user in (self.manager, self.pm):
            with self.assertRaises(AccessError):
                review.with_user(user).action_close()
            with self.assertRaises(AccessError):
                review.with_user(user)._post_revenue_recognition()
        self.assertEqual(review.state, "in_progress")
        self.assertFalse(self.env["account.move"].search([("journal_id", "=", self.journal.id)]))

    @freeze_time(CLOSE_DAY)
    def test_nobody_writes_the_entries_onto_a_line(self):
        review = self._review()
        review.action_close()
        line = self._line(review, self.half_done)
        other = self._line(review, self.billed_ahead).wip_move_id
        for user in (self.finance, self.manager, self.pm, self.env.ref("base.user_root")):
            for values in (
                {"wip_move_id": other.id},
                {"wip_reversal_move_id": other.id},
                {"wip_posted_amount": 0.0},
                {"wip_excluded": True},
            ):
                with self.assertRaises(UserError):
                    line.with_user(user).write(values)
        self.assertNotEqual(line.wip_move_id, other)
        self.assertEqual(line.wip_posted_amount, 2000.0)

    @freeze_time(CLOSE_DAY)
    def test_an_open_review_line_is_not_excluded_through_a_write_or_a_context(self):
        self.tax = self.env["account.tax"].create(
            {"name": "Sneaky 10 %", "amount": 10.0, "type_tax_use": "sale"}
        )
        review = self._review(decide=False)
        line = self._line(review, self.half_done)
        with self.assertRaises(UserError):
            line.with_user(self.finance).write(
                {"wip_excluded": True, "wip_exclusion_reason": "Quietly"}
            )
        with self.assertRaises(AccessError):
            line.with_user(self.manager).action_exclude_wip("Not mine to decide")
        Line = (
            self.env["engagement.margin.review.line"]
            .with_user(self.finance)
            .with_context(
                default_wip_excluded=True,
                default_wip_move_id=self.env["account.move"].search([], limit=1).id,
            )
        )
        with self.assertRaises(UserError):
            Line.create({"review_id": review.id, "engagement_id": self.half_done.id})
        self.assertFalse(line.wip_excluded)
        line.with_user(self.finance).action_approve()
        (review.line_ids - line).with_user(self.finance).action_approve()
        # A client's context keys reach neither the lines nor the entries.
        review.with_user(self.finance).with_context(
            default_wip_excluded=True,
            default_auto_post="no",
            default_date="2025-05-01",
            default_analytic_distribution={str(self.account.id): 100.0},
            default_tax_ids=[Command.set(self.tax.ids)],
            default_journal_id=self.env["account.journal"]
            .search([("type", "=", "sale"), ("company_id", "=", self.company.id)], limit=1)
            .id,
        ).action_close()
        self.assertFalse(line.wip_excluded)
        self.assertTrue(line.wip_move_id)
        self.assertEqual(line.wip_move_id.date, MARCH[1])
        self.assertEqual(line.wip_move_id.journal_id, self.journal)
        self.assertFalse(line.wip_move_id.line_ids.analytic_line_ids)
        self.assertFalse(line.wip_move_id.line_ids.tax_ids)
        self.assertEqual(len(line.wip_move_id.line_ids), 2)
        self.assertEqual(line.wip_reversal_move_id.state, "posted")

    def test_the_pm_does_not_choose_the_revenue_finance_posts(self):
        engagement = self.half_done.with_user(self.pm)
        with self.assertRaises(AccessError):
            engagement.write({"recognition_method": "milestone"})
        with self.assertRaises(AccessError):
            engagement.read(["recognition_method"])
        Deliverable = self.env["engagement.deliverable"].with_user(self.pm)
        values = {
            "engagement_id": self.half_done.id,
            "type_id": self.env.ref(
                "engagement_management.engagement_deliverable_type_acceptance"
            ).id,
            "name": "Acceptance",
            "attachment": base64.b64encode(b"%PDF-1.4 Acceptance v1"),
            "attachment_name": "acceptance.pdf",
        }
        with self.assertRaises(AccessError):
            Deliverable.create({**values, "recognition_pct": 100.0})
        draft = Deliverable.create(values)
        with self.assertRaises(AccessError):
            draft.write({"recognition_pct": 100.0})
        self.assertEqual(draft.recognition_pct, 0.0)
        self.assertEqual(self.half_done.recognition_method, "cost")
        # The engagement's manager sets both; the PM's new version keeps the share.
        self.half_done.with_user(self.manager).recognition_method = "milestone"
        draft.with_user(self.manager).recognition_pct = 60.0
        draft.with_user(self.pm).action_submit()
        new_version = self.env["engagement.deliverable"].browse(
            draft.with_user(self.pm).action_new_version()["res_id"]
        )
        self.assertEqual(new_version.recognition_pct, 60.0)

    @freeze_time(CLOSE_DAY)
    def test_managers_read_the_schedule_others_nothing(self):
        review = self._review()
        review.action_close()
        Line = self.env["engagement.margin.review.line"]
        self.assertEqual(
            Line.with_user(self.manager).search([("review_id", "=", review.id)]), review.line_ids
        )
        with self.assertRaises(AccessError):
            Line.with_user(self.pm).search([("review_id", "=", review.id)])
        with self.assertRaises(AccessError):
            self._line(review, self.half_done).with_user(self.pm).read(["wip_move_id"])

    @freeze_time(CLOSE_DAY)
    def test_entries_are_in_the_engagements_company_only(self):
        company_b = self.company_b
        finance_b = new_test_user(
            self.env,
            "em_finance_b",
            groups="engagement_management.group_engagement_finance",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        # A retainer of company B: earned is what is contracted (an applied change order).
        retainer = (
            self.env["engagement.engagement"]
            .with_company(company_b)
            .create(
                {
                    "name": "Retainer B",
                    "company_id": company_b.id,
                    "partner_id": self.customer_b.id,
                    "user_id": self.manager_b.id,
                    "billing_type": "retainer",
                    "budget_revenue": 4000.0,
                }
            )
        )
        self.env["engagement.change.order"]._workflow().create(
            {
                "engagement_id": retainer.id,
                "title": "Monthly support",
                "description": "Monthly support",
                "reason": "Retainer",
                "revenue_delta": 4000.0,
                "state": "applied",
                "applied_on": "2025-03-02 09:00:00",
            }
        )
        company_b.engagement_revenue_recognition = True
        review_b = (
            self.env["engagement.margin.review"]
            .with_user(finance_b)
            .create({"name": "March B", "date_from": MARCH[0], "date_to": MARCH[1]})
        )
        review_b.action_start()
        self.assertEqual(review_b.line_ids.engagement_id, retainer)
        review_b.line_ids.action_approve()
        # Company B has no chart of accounts of its own: nothing to default to.
        with self.assertRefused(UserError, "Retainer B") as refusal:
            review_b.action_close()
        self.assertIn("Unbilled Revenue Account", str(refusal.exception))
        self.assertEqual(review_b.state, "in_progress")

        def account(code, name, account_type):
            return self.env["account.account"].create(
                {
                    "code": code,
                    "name": name,
                    "account_type": account_type,
                    "company_ids": [Command.set(company_b.ids)],
                }
            )

        company_b.write(
            {
                "engagement_wip_journal_id": self.env["account.journal"]
                .create(
                    {"name": "WIP B", "code": "WIPB", "type": "general", "company_id": company_b.id}
                )
                .id,
                "engagement_unbilled_account_id": account("B123", "Unbilled B", "asset_current").id,
                "engagement_deferred_account_id": account(
                    "B212", "Deferred B", "liability_current"
                ).id,
                "engagement_revenue_adjustment_account_id": account(
                    "B401", "Revenue B", "income"
                ).id,
            }
        )
        review = self._review()
        self.assertNotIn(retainer, review.line_ids.engagement_id)
        review.action_close()
        review_b.action_close()
        line_b = review_b.with_env(self.env).line_ids
        self.assertEqual(line_b.wip_amount, 4000.0)
        moves_b = line_b.wip_move_id | line_b.wip_reversal_move_id
        self.assertEqual(moves_b.company_id, company_b)
        self.assertEqual(moves_b.journal_id, company_b.engagement_wip_journal_id)
        self.assertEqual(
            self._entry(line_b.wip_move_id),
            {
                (company_b.engagement_unbilled_account_id, 4000.0, 0.0, 4000.0, "USD"),
                (company_b.engagement_revenue_adjustment_account_id, 0.0, 4000.0, -4000.0, "USD"),
            },
        )
        lines = review.with_env(self.env).line_ids
        moves = lines.wip_move_id | lines.wip_reversal_move_id
        self.assertEqual(moves.company_id, self.company)
        self.assertFalse(moves.line_ids.account_id.company_ids & company_b)
        # Nobody of B reads A's review, nor A of B's.
        reviews = self.env["engagement.margin.review"]
        self.assertFalse(reviews.with_user(finance_b).search([("id", "=", review.id)]))
        self.assertFalse(reviews.with_user(self.finance).search([("id", "=", review_b.id)]))
