from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .profitability_common import ProfitabilityCommon


@tagged("post_install", "-at_install")
class TestEngagementMarginReview(ProfitabilityCommon):
    """Finance reviews the month's margins, engagement by engagement, and prints it."""

    def _start_review(self, date_from="2025-02-01", date_to="2025-02-28"):
        review = (
            self.env["engagement.margin.review"]
            .with_user(self.finance)
            .create({"name": "February 2025", "date_from": date_from, "date_to": date_to})
        )
        review.action_start()
        return review

    def _line(self, review):
        return review.line_ids.filtered(lambda line: line.engagement_id == self.engagement)

    def test_a_review_snapshots_every_open_engagement(self):
        review = self._start_review()
        self.assertEqual(review.state, "in_progress")
        open_engagements = self.env["engagement.engagement"].search([("is_closed", "=", False)])
        self.assertEqual(review.line_ids.engagement_id, open_engagements)
        line = self._line(review)
        self.assertEqual(line.currency_id, self.usd)
        self.assertAlmostEqual(line.revenue_invoiced, 14000.0)
        self.assertAlmostEqual(line.cost_actual, 4100.0)
        self.assertAlmostEqual(line.margin, 9900.0)
        self.assertAlmostEqual(line.margin_pct, 9900.0 / 14000.0 * 100.0)
        # February alone: the EUR invoice (5,000), the bill (2,000), the expense (300).
        self.assertAlmostEqual(line.period_revenue, 5000.0)
        self.assertAlmostEqual(line.period_cost, 2300.0)
        self.assertAlmostEqual(line.period_margin, 2700.0)
        # A snapshot: later costs do not change it.
        self.env["account.analytic.line"].create(
            {"name": "Late", "account_id": self.account.id, "amount": -100.0, "date": "2025-02-21"}
        )
        self.env.invalidate_all()
        self.assertAlmostEqual(line.cost_actual, 4100.0)

    def test_a_flag_needs_a_comment_and_tells_the_manager(self):
        review = self._start_review()
        line = self._line(review).with_user(self.finance)
        with self.assertRefused(UserError, "a comment is needed"):
            line.action_flag()
        self.assertEqual(line.state, "pending")
        line.action_flag("Bills booked ahead of progress: check with the PM.")
        self.assertEqual(line.state, "flagged")
        self.assertEqual(line.decided_by_id, self.finance)
        activity = self.engagement.activity_ids.filtered(
            lambda a: a.summary.startswith("Margin review")
        )
        self.assertEqual(activity.user_id, self.manager)
        self.assertIn("Bills booked ahead", str(activity.note))

    def test_a_closed_review_is_read_only_and_printable(self):
        review = self._start_review()
        lines = review.line_ids.with_user(self.finance)
        with self.assertRefused(UserError, "neither approved nor flagged"):
            review.action_close()
        lines.action_approve()
        review.action_close()
        self.assertEqual(review.state, "closed")
        with self.assertRefused(UserError, "is closed"):
            review.name = "Renamed"
        with self.assertRefused(UserError, "is closed"):
            lines[:1].comment = "Too late"
        with self.assertRefused(UserError, "is closed"):
            lines[:1].action_flag("Too late")
        with self.assertRefused(UserError, "is closed"):
            review.unlink()
        html, __ = self.env["ir.actions.report"]._render_qweb_html(
            "engagement_management.engagement_margin_review_report", review.ids
        )
        html = html.decode()
        self.assertIn("February 2025", html)
        self.assertIn(self.engagement.name, html)
        self.assertIn("Approved", html)

    def test_only_finance_runs_reviews(self):
        review = self._start_review()
        with self.assertRaises(AccessError):
            self.env["engagement.margin.review"].with_user(self.pm).search([])
        with self.assertRaises(AccessError):
            self.env["engagement.margin.review.line"].with_user(self.pm).search([])
        # Managers read the review but decide nothing.
        self.assertEqual(review.with_user(self.manager).line_ids, review.line_ids)
        with self.assertRaises(AccessError):
            self._line(review).with_user(self.manager).action_approve()
        with self.assertRaises(AccessError):
            review.with_user(self.manager).action_close()
        self.assertEqual(self._line(review).state, "pending")

    def test_another_company_does_not_see_the_review(self):
        review = self._start_review()
        reviews = self.env["engagement.margin.review"].with_user(self.manager_b)
        self.assertFalse(reviews.search([("id", "=", review.id)]))
