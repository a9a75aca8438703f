from odoo.tests import tagged

from .concurrency import CommittedDataCase, committed_env, purge, race


@tagged("post_install", "-at_install")
class TestMarginReviewConcurrency(CommittedDataCase):
    """Two accountants press *Close* on the same review at the same time, each in their
    own transaction: one closes it, the other is told to reload, and the review is
    closed once (its entries, with revenue recognition on, posted once)."""

    LOGINS = ("em_review_concurrent_1", "em_review_concurrent_2")
    REVIEW = "Concurrent review"

    @classmethod
    def _create_committed_data(cls, env):
        group = env.ref("engagement_management.group_engagement_finance")
        users = env["res.users"].create(
            [
                {
                    "name": f"Concurrent Accountant {login[-1]}",
                    "login": login,
                    "group_ids": [(4, group.id)],
                }
                for login in cls.LOGINS
            ]
        )
        review = env["engagement.margin.review"].create(
            {"name": cls.REVIEW, "date_from": "2026-01-01", "date_to": "2026-01-31"}
        )
        review.action_start()
        review.line_ids.action_approve()
        cls.user_ids = users.ids
        cls.review_id = review.id

    @classmethod
    def _remove_committed_data(cls):
        with committed_env(cls.registry) as env:
            reviews = env["engagement.margin.review"].search([("name", "=", cls.REVIEW)])
            purge(env, "engagement.margin.review", reviews.ids)
        super()._remove_committed_data()

    def test_two_accountants_close_the_same_review_at_once(self):
        def read(env):
            review = env["engagement.margin.review"].browse(self.review_id)
            review.state  # noqa: B018 - both read the review before either acts
            return review

        outcomes = race(self.registry, self.user_ids, read, lambda review: review.action_close())
        self.assertEqual(outcomes[0], "won")
        self.assertIn("Someone else is changing", outcomes[1])
        with committed_env(self.registry) as env:
            review = env["engagement.margin.review"].browse(self.review_id)
            self.assertEqual(review.state, "closed")
            closings = review.message_ids.filtered(lambda m: "Review closed by" in (m.body or ""))
            self.assertEqual(len(closings), 1, "closed once")
