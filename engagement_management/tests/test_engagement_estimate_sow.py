import base64
import hashlib

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import SIGNATURE_PNG
from .estimate_common import EstimateCommon, patch_pdf_rendering


@tagged("post_install", "-at_install")
class TestEngagementEstimateSow(EstimateCommon):
    """The manager makes the approved estimate the engagement's SOW: Legal reviews it, the
    customer signs on the portal the document that was priced; a revised estimate is a
    new version of the SOW."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.legal = new_test_user(
            cls.env, "em_sow_legal", groups="engagement_management.group_engagement_legal"
        )
        cls.portal = new_test_user(
            cls.env, "em_sow_portal", groups="base.group_portal", name="Carla Customer"
        )
        cls.portal.partner_id.parent_id = cls.customer
        cls.sow_type = cls.env.ref("engagement_management.engagement_deliverable_type_sow")
        cls.engagement = cls._create_engagement(lead_id=cls.lead.id)
        cls.estimate = cls._new_estimate()
        cls.estimate.with_user(cls.ba).action_submit()
        cls.estimate.with_user(cls.manager).action_approve()

    def setUp(self):
        super().setUp()
        patch_pdf_rendering(self)

    def _sows(self):
        return self.env["engagement.deliverable"].search(
            [("engagement_id", "=", self.engagement.id), ("type_id", "=", self.sow_type.id)],
            order="version",
        )

    def _document(self, deliverable):
        return base64.b64decode(deliverable.with_context(bin_size=False).attachment).decode()

    def test_the_customer_signs_what_was_priced(self):
        action = self.estimate.with_user(self.manager).action_generate_sow()
        sow = self.env["engagement.deliverable"].browse(action["res_id"])
        self.assertEqual(self._sows(), sow)
        self.assertEqual(
            (sow.type_id, sow.version, sow.state, sow.estimate_id, sow.user_id),
            (self.sow_type, 1, "draft", self.estimate, self.pm),
        )
        self.assertEqual(sow.attachment_name, f"SOW - {self.estimate.name} v1.pdf")
        document = self._document(sow)
        self.assertTrue(document.startswith("%PDF"))
        for text in ("Statement of Work", "Discovery", "Build", "20,900.00", "Data cleansing"):
            self.assertIn(text, document)
        self.assertNotIn("12,210", document, "never a cost")
        self.assertIn("SOW", self.estimate.message_ids[0].body)
        self.assertEqual(self.estimate.with_user(self.pm).action_view_sow()["res_id"], sow.id)

        # Legal reviews it, the PM sends it, the customer signs that very document.
        sow.with_user(self.pm).action_request_review()
        sow.with_user(self.legal).action_review_approve()
        sow.with_user(self.pm).action_submit()
        # (as the portal route calls it, after its access check)
        sow.sudo().action_sign("Carla Customer", signature=SIGNATURE_PNG)
        self.assertEqual(sow.state, "signed")
        self.assertEqual(
            sow.signed_document_hash,
            hashlib.sha256(
                base64.b64decode(sow.with_context(bin_size=False).attachment)
            ).hexdigest(),
        )
        self.assertIn("20,900.00", self._document(sow))

        # A revised estimate is a new version of the SOW; the signed one stays as signed.
        action = self.estimate.with_user(self.ba).action_new_version()
        revised = self.Estimate.browse(action["res_id"])
        revised.line_ids[0].with_user(self.ba).hours = 30.0
        revised.with_user(self.ba).action_submit()
        revised.with_user(self.manager).action_approve()
        with self.assertRefused(UserError, "cannot be generated as the SOW"):
            self.estimate.with_user(self.manager).action_generate_sow()
        action = revised.with_user(self.manager).action_generate_sow()
        second = self.env["engagement.deliverable"].browse(action["res_id"])
        self.assertEqual(self._sows(), sow | second)
        self.assertEqual(
            (second.version, second.state, second.estimate_id, second.previous_id),
            (2, "draft", revised, sow),
        )
        self.assertEqual((sow.state, sow.is_current), ("signed", False))
        # 170 h + 10 of PM at 150: 22 550 with the contingency.
        self.assertIn("22,550.00", self._document(second))
        self.assertIn("20,900.00", self._document(sow))

    def test_a_draft_sow_takes_the_document_and_one_sent_gets_a_new_version(self):
        # The template made a draft SOW without a document: it takes the rendering.
        draft = self.env["engagement.deliverable"].create(
            {"engagement_id": self.engagement.id, "type_id": self.sow_type.id, "name": "SOW"}
        )
        self.estimate.with_user(self.manager).action_generate_sow()
        self.assertEqual(self._sows(), draft)
        self.assertEqual(draft.estimate_id, self.estimate)
        # Generated again while a draft: the same draft, the same version.
        self.estimate.with_user(self.manager).action_generate_sow()
        self.assertEqual((self._sows(), draft.version), (draft, 1))
        # Once in review, a generation is a new version and withdraws the old one.
        draft.with_user(self.pm).action_request_review()
        action = self.estimate.with_user(self.manager).action_generate_sow()
        second = self.env["engagement.deliverable"].browse(action["res_id"])
        self.assertEqual((second.version, second.review_state), (2, "none"))
        self.assertEqual((draft.state, draft.is_current), ("cancelled", False))

    def test_only_an_approved_estimate_by_who_reads_its_price(self):
        draft = self._new_estimate(name="Draft")
        with self.assertRefused(UserError, "cannot be generated as the SOW"):
            draft.with_user(self.manager).action_generate_sow()
        for user in (self.pm, self.ba, self.sales):
            with self.subTest(user=user.name):
                with self.assertRefused(AccessError, "read the price"):
                    self.estimate.with_user(user).action_generate_sow()
        # Finance reads the price, but edits no deliverable of an engagement it is not in.
        with self.assertRaises(AccessError):
            self.estimate.with_user(self.finance).action_generate_sow()
        lead = self.env["crm.lead"].create(
            {"name": "No engagement", "partner_id": self.customer.id}
        )
        unlinked = self._new_estimate(lead=lead, user=self.manager)
        unlinked.with_user(self.manager).action_submit()
        unlinked.with_user(self.admin).action_approve()
        with self.assertRefused(UserError, "Create the engagement"):
            unlinked.with_user(self.manager).action_generate_sow()
        self.assertFalse(self._sows())

    def test_the_generated_document_is_not_swapped(self):
        action = self.estimate.with_user(self.manager).action_generate_sow()
        sow = self.env["engagement.deliverable"].browse(action["res_id"])
        before = self._document(sow)
        forged = base64.b64encode(b"%PDF-1.4 cheaper").decode()
        with self.assertRefused(UserError, "its terms are frozen"):
            sow.with_user(self.pm).write({"attachment": forged})
        with self.assertRefused(UserError, "its terms are frozen"):
            sow.with_user(self.manager).write({"attachment_name": "other.pdf"})
        attachment = self.env["ir.attachment"].search(
            [
                ("res_model", "=", sow._name),
                ("res_id", "=", sow.id),
                ("res_field", "=", "attachment"),
            ]
        )
        self.assertEqual(len(attachment), 1)
        with self.assertRaises(UserError):
            attachment.with_user(self.pm).write({"datas": forged})
        with self.assertRaises(UserError):
            attachment.with_user(self.manager).unlink()
        # Nor is a document passed off as generated from an estimate.
        other = (
            self.env["engagement.deliverable"]
            .with_user(self.pm)
            .create(
                {"engagement_id": self.engagement.id, "type_id": self.sow_type.id, "name": "Mine"}
            )
        )
        with self.assertRaises(UserError):
            other.write({"estimate_id": self.estimate.id})
        with self.assertRaises(UserError):
            self.env["engagement.deliverable"].with_user(self.pm).create(
                {
                    "engagement_id": self.engagement.id,
                    "type_id": self.sow_type.id,
                    "name": "Forged",
                    "estimate_id": self.estimate.id,
                    "attachment": forged,
                }
            )
        self.assertFalse(other.estimate_id)
        self.assertEqual(self._document(sow), before)
