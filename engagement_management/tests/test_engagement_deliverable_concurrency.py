import base64

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SIGNATURE_PNG
from .concurrency import CommittedDataCase, committed_env, race


@tagged("post_install", "-at_install")
class TestDeliverableSigningConcurrency(CommittedDataCase):
    """Two people of the customer sign the same deliverable on the portal at the same
    time, each in their own transaction: one signature is stored, the other signer is
    told to reload, the signing link is spent once and the manager hears of it once.

    Each signer goes the portal's way: their access checked as themselves, then
    ``action_sign`` as superuser with ``engagement_portal_answer`` (see
    ``EngagementPortal._portal_sign_document``). The data is committed, in a cursor of
    its own, and removed at the end (see ``concurrency``).
    """

    SIGNER_LOGINS = ("em_sign_concurrent_1", "em_sign_concurrent_2")
    MANAGER_LOGIN = "em_sign_concurrent_manager"
    LOGINS = (*SIGNER_LOGINS, MANAGER_LOGIN)

    @classmethod
    def _create_committed_data(cls, env):
        manager = env["res.users"].create(
            {
                "name": "Signing Manager",
                "login": cls.MANAGER_LOGIN,
                "group_ids": [(4, env.ref("engagement_management.group_engagement_manager").id)],
            }
        )
        customer = env["res.partner"].create(
            {"name": "Concurrent Signing Customer", "is_company": True}
        )
        signers = env["res.users"].create(
            [
                {
                    "name": f"Signer {login[-1]}",
                    "login": login,
                    "group_ids": [(6, 0, [env.ref("base.group_portal").id])],
                }
                for login in cls.SIGNER_LOGINS
            ]
        )
        signers.partner_id.parent_id = customer
        engagement = env["engagement.engagement"].create(
            {
                "name": "Concurrent signing engagement",
                "partner_id": customer.id,
                "user_id": manager.id,
                "billing_type": "time_materials",
                "budget_revenue": 1000.0,
            }
        )
        deliverable = env["engagement.deliverable"].create(
            {
                "engagement_id": engagement.id,
                "type_id": env.ref("engagement_management.engagement_deliverable_type_brd").id,
                "name": "Business Requirements",
                "attachment": base64.b64encode(b"%PDF-1.4 requirements"),
                "attachment_name": "brd.pdf",
            }
        )
        deliverable.action_submit()
        cls.signer_ids = signers.ids
        cls.signer_partner_ids = signers.partner_id.ids
        cls.manager_id = manager.id
        cls.engagement_id = engagement.id
        cls.deliverable_id = deliverable.id
        assert deliverable.access_token

    def _portal_record(self, env):
        """The deliverable as the portal hands it to ``action_sign``: the signer may read
        it and it waits for a signature, checked as the signer; then as superuser."""
        deliverable = env["engagement.deliverable"].browse(self.deliverable_id)
        deliverable.check_access("read")
        deliverable_sudo = deliverable.sudo()
        assert deliverable_sudo._portal_can_sign()
        return deliverable_sudo

    @staticmethod
    def _portal_sign(deliverable_sudo):
        signer = deliverable_sudo.env.user
        deliverable_sudo.with_context(engagement_portal_answer=True).action_sign(
            signer.name, signature=SIGNATURE_PNG, partner=signer.partner_id
        )

    def test_two_signers_sign_the_same_deliverable_at_once(self):
        outcomes = race(self.registry, self.signer_ids, self._portal_record, self._portal_sign)
        self.assertEqual(outcomes[0], "won")
        self.assertIn("Someone else is changing", outcomes[1])

        with committed_env(self.registry) as env:
            deliverable = env["engagement.deliverable"].browse(self.deliverable_id)
            self.assertRecordValues(
                deliverable,
                [
                    {
                        "state": "signed",
                        "signed_by": "Signer 1",
                        "signed_partner_id": self.signer_partner_ids[0],
                        "access_token": False,
                    }
                ],
            )
            signatures = env["ir.attachment"].search(
                [
                    ("res_model", "=", "engagement.deliverable"),
                    ("res_field", "=", "signature"),
                    ("res_id", "=", deliverable.id),
                ]
            )
            self.assertEqual(len(signatures), 1, "one signature stored")
            signed = deliverable.message_ids.filtered(
                lambda message: "signed on the portal" in (message.body or "")
            )
            self.assertEqual(len(signed), 1, "signed once")
            self.assertEqual(signed.author_id.id, self.signer_partner_ids[0])
            activities = deliverable.engagement_id.activity_ids.filtered(
                lambda activity: activity.user_id.id == self.manager_id
            )
            self.assertEqual(len(activities), 1, "the manager is told once")
            # A late second signer, after the first committed, is refused by the state.
            with self.assertRaisesRegex(UserError, "cannot be signed"):
                self._portal_sign(deliverable.with_user(self.signer_ids[1]).sudo())
            env.cr.rollback()
