import threading

from odoo import api
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestChangeOrderConcurrency(TransactionCase):
    """Two managers press *Approve*, then *Apply*, on the same change order at the same
    time, each in their own transaction: one wins, the other is refused, and the budget
    moves once.

    The data must be committed for two real cursors to see it, so it is created in a
    cursor of its own and removed again at the end; nothing is created in the test's
    own (never committed) transaction, so the cursors never wait on it.
    """

    LOGINS = ("em_co_concurrent_1", "em_co_concurrent_2")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.addClassCleanup(cls._remove_committed_data)
        cls._remove_committed_data()  # what an interrupted earlier run may have left
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
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
            co.with_user(users[0]).action_submit()
            cls.user_ids = users.ids
            cls.engagement_id = engagement.id
            cls.co_id = co.id

    @classmethod
    def _remove_committed_data(cls):
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {"active_test": False})
            users = env["res.users"].search([("login", "in", cls.LOGINS)])
            engagements = env["engagement.engagement"].search([("user_id", "in", users.ids)])
            orders = engagements.change_order_ids
            # An applied change order refuses unlink(), by design: remove it under the ORM.
            for model, ids in (
                ("engagement.change.order", orders.ids),
                ("engagement.engagement", engagements.ids),
            ):
                if not ids:
                    continue
                cr.execute(
                    "DELETE FROM mail_message WHERE model = %s AND res_id IN %s",
                    [model, tuple(ids)],
                )
                cr.execute(
                    "DELETE FROM mail_followers WHERE res_model = %s AND res_id IN %s",
                    [model, tuple(ids)],
                )
            if orders:
                cr.execute(
                    "DELETE FROM engagement_change_order WHERE id IN %s", [tuple(orders.ids)]
                )
            env.invalidate_all()
            engagements.unlink()
            partners = users.partner_id
            users.unlink()
            partners.unlink()

    def _race(self, method):
        """Both users call ``method`` at once; return the list of outcomes."""
        barrier = threading.Barrier(2, timeout=10)
        holding = threading.Event()
        outcomes = {}

        def run(index, user_id):
            with self.registry.cursor() as cr:
                env = api.Environment(cr, user_id, {})
                co = env["engagement.change.order"].browse(self.co_id)
                co.state  # noqa: B018 - both read the change order before either acts
                barrier.wait()
                if index == 1:
                    holding.wait(10)  # the first locks the row, the second comes in then
                try:
                    getattr(co, method)()
                    if index == 0:
                        holding.set()
                        barrier.wait()  # keep the lock until the second has tried
                    outcomes[index] = "won"
                except UserError as error:
                    outcomes[index] = str(error)
                    cr.rollback()
                finally:
                    if index == 1:
                        barrier.wait()

        threads = [
            threading.Thread(target=run, args=(index, user_id))
            for index, user_id in enumerate(self.user_ids)
        ]
        with mute_logger("odoo.sql_db"):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(30)
        return outcomes

    def test_two_managers_approve_and_apply_at_once(self):
        outcomes = self._race("action_approve")
        self.assertEqual(outcomes[0], "won")
        self.assertIn("Someone else is changing", outcomes[1])

        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            co = env["engagement.change.order"].browse(self.co_id)
            self.assertEqual(co.state, "approved")
            self.assertEqual(co.manager_approved_by_id.id, self.user_ids[0])
            approvals = co.message_ids.filtered(lambda m: "Approved by" in (m.body or ""))
            self.assertEqual(len(approvals), 1, "approved once")
            # A late second press, after the first committed, is refused by the state.
            with self.assertRaises(UserError):
                co.with_user(self.user_ids[1]).action_approve()
            cr.rollback()
            co.with_user(self.user_ids[0]).action_sign("Concurrent Customer")

        outcomes = self._race("action_apply")
        self.assertEqual(outcomes[0], "won")
        self.assertIn("Someone else is changing", outcomes[1])
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            engagement = env["engagement.engagement"].browse(self.engagement_id)
            self.assertEqual(engagement.change_order_ids.state, "applied")
            self.assertEqual(engagement.revised_revenue, 1500.0, "the budget moved once")
