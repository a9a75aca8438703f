from odoo.exceptions import UserError
from odoo.tests import tagged

from .concurrency import CommittedDataCase, committed_env, race


@tagged("post_install", "-at_install")
class TestChangeOrderConcurrency(CommittedDataCase):
    """Two managers press *Approve*, then *Apply*, on the same change order at the same
    time, each in their own transaction: one wins, the other is refused, and the budget
    moves once.

    The data is committed, in a cursor of its own, and removed at the end (see
    ``concurrency``).
    """

    LOGINS = ("em_co_concurrent_1", "em_co_concurrent_2")

    @classmethod
    def _create_committed_data(cls, env):
        group = env.ref("engagement_management.group_engagement_manager")
        users = env["res.users"].create(
            [
                {
                    "name": f"Concurrent Manager {login[-1]}",
                    "login": login,
                    "group_ids": [(4, group.id)],
                }
                for login in cls.LOGINS
            ]
        )
        engagement = env["engagement.engagement"].create(
            {
                "name": "Concurrent engagement",
                "partner_id": users[0].partner_id.id,
                "user_id": users[0].id,
                "billing_type": "time_materials",
                "budget_revenue": 1000.0,
            }
        )
        co = env["engagement.change.order"].create(
            {
                "engagement_id": engagement.id,
                "title": "Concurrent change",
                "revenue_delta": 500.0,
            }
        )
        # Submitted by neither of the two managers: who submits approves none of it.
        co.action_submit()
        cls.user_ids = users.ids
        cls.engagement_id = engagement.id
        cls.co_id = co.id

    def _race(self, method):
        """Both users call ``method`` on the change order at once."""

        def read(env):
            co = env["engagement.change.order"].browse(self.co_id)
            co.state  # noqa: B018 - both read the change order before either acts
            return co

        return race(self.registry, self.user_ids, read, lambda co: getattr(co, method)())

    def test_two_managers_approve_and_apply_at_once(self):
        outcomes = self._race("action_approve")
        self.assertEqual(outcomes[0], "won")
        self.assertIn("Someone else is changing", outcomes[1])

        with committed_env(self.registry) as env:
            co = env["engagement.change.order"].browse(self.co_id)
            self.assertEqual(co.state, "approved")
            self.assertEqual(co.manager_approved_by_id.id, self.user_ids[0])
            approvals = co.message_ids.filtered(lambda m: "Approved by" in (m.body or ""))
            self.assertEqual(len(approvals), 1, "approved once")
            # A late second press, after the first committed, is refused by the state.
            with self.assertRaises(UserError):
                co.with_user(self.user_ids[1]).action_approve()
            env.cr.rollback()
            co.sudo().action_sign("Concurrent Customer")

        outcomes = self._race("action_apply")
        self.assertEqual(outcomes[0], "won")
        self.assertIn("Someone else is changing", outcomes[1])
        with committed_env(self.registry) as env:
            engagement = env["engagement.engagement"].browse(self.engagement_id)
            self.assertEqual(engagement.change_order_ids.state, "applied")
            self.assertEqual(engagement.revised_revenue, 1500.0, "the budget moved once")
