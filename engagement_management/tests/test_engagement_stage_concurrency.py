import base64

from odoo.tests import tagged

from ..models.engagement_engagement import _GATE_OVERRIDE
from .common import SIGNATURE_PNG, customer_mails
from .concurrency import CommittedDataCase, committed_env, race


@tagged("post_install", "-at_install")
class TestEngagementStageConcurrency(CommittedDataCase):
    """Two managers press *Next Stage* on the same engagement at the same time, each in
    their own transaction: one moves it, the other is told to reload, and the move is
    logged once and asks the customer for one rating (entering Post-implementation does).

    The data is committed, in a cursor of its own, and removed at the end (see
    ``concurrency``).
    """

    LOGINS = ("em_stage_concurrent_1", "em_stage_concurrent_2")

    @classmethod
    def _create_committed_data(cls, env):
        group = env.ref("engagement_management.group_engagement_manager")
        users = env["res.users"].create(
            [
                {
                    "name": f"Stage Manager {login[-1]}",
                    "login": login,
                    "group_ids": [(4, group.id)],
                }
                for login in cls.LOGINS
            ]
        )
        customer = env["res.partner"].create(
            {
                "name": "Concurrent Stage Customer",
                "email": "stage.customer@example.com",
                "is_company": True,
            }
        )
        engagement = env["engagement.engagement"].create(
            {
                "name": "Concurrent stage engagement",
                "partner_id": customer.id,
                "user_id": users[0].id,
                "billing_type": "time_materials",
                "budget_revenue": 1000.0,
            }
        )
        # Straight to Acceptance (what led there is not the point), then meet the
        # gates of Post-implementation: the acceptance approval and certificate.
        acceptance = env.ref("engagement_management.engagement_stage_acceptance")
        target = env.ref("engagement_management.engagement_stage_post_implementation")
        engagement.with_context(engagement_gate_override=_GATE_OVERRIDE).write(
            {"stage_id": acceptance.id}
        )
        engagement.gate_line_ids.filtered(lambda line: line.stage_id == target).action_confirm()
        certificate = env["engagement.deliverable"].create(
            {
                "engagement_id": engagement.id,
                "type_id": env.ref(
                    "engagement_management.engagement_deliverable_type_acceptance"
                ).id,
                "name": "Acceptance Certificate",
                "attachment": base64.b64encode(b"%PDF-1.4 acceptance certificate"),
                "attachment_name": "acceptance.pdf",
            }
        )
        certificate.action_submit()
        certificate.action_sign("Carla Customer", signature=SIGNATURE_PNG)
        assert engagement.next_stage_id == target, engagement.next_stage_id.name
        assert engagement.next_stage_ready, engagement.next_stage_missing
        cls.user_ids = users.ids
        cls.partner_ids = users.partner_id.ids
        cls.engagement_id = engagement.id
        cls.target_id = target.id

    def _stage_moves(self, engagement):
        """The chatter's stage-change messages of this test's managers."""
        subtype = engagement.env.ref("engagement_management.mt_engagement_stage")
        return engagement.message_ids.filtered(
            lambda message: (
                message.subtype_id == subtype and message.author_id.id in self.partner_ids
            )
        )

    def test_two_managers_move_to_the_next_stage_at_once(self):
        def read(env):
            engagement = env["engagement.engagement"].browse(self.engagement_id)
            # Both see the engagement in Acceptance, ready for Post-implementation.
            assert engagement.next_stage_id.id == self.target_id
            return engagement

        outcomes = race(
            self.registry, self.user_ids, read, lambda engagement: engagement.action_next_stage()
        )
        self.assertEqual(outcomes[0], "won")
        self.assertIn("Someone else is changing", outcomes[1])

        with committed_env(self.registry) as env:
            engagement = env["engagement.engagement"].browse(self.engagement_id)
            self.assertEqual(engagement.stage_id.id, self.target_id)
            moves = self._stage_moves(engagement)
            self.assertEqual(len(moves), 1, "the move is logged once")
            self.assertEqual(moves.author_id.id, self.partner_ids[0])
            self.assertEqual(len(engagement.rating_ids), 1, "the customer is asked once")
            token = engagement.rating_ids.access_token
            request = customer_mails(env, f"/rate/{token}/")
            self.assertEqual(len(request), 1, "one rating request is sent")
            # A late second move to the same stage, after the first committed, is no move.
            engagement.with_user(self.user_ids[1]).action_move_to_stage(self.target_id)
            env.flush_all()
            env.invalidate_all()
            self.assertEqual(len(self._stage_moves(engagement)), 1)
            self.assertEqual(len(engagement.rating_ids), 1)
            env.cr.rollback()
