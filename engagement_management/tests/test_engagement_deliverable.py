import base64
import hashlib

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import SIGNATURE_PNG, EngagementCommon

SOW = "engagement_management.engagement_deliverable_type_sow"
BRD = "engagement_management.engagement_deliverable_type_brd"


@tagged("post_install", "-at_install")
class TestEngagementDeliverable(EngagementCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.legal = new_test_user(
            cls.env,
            "em_legal",
            groups="engagement_management.group_engagement_legal",
            name="Lena Legal",
        )
        cls.engagement = cls._create_engagement()
        cls.engagement.message_subscribe(partner_ids=cls.pm.partner_id.ids)

    def test_legal_reviews_the_sow_before_it_goes_to_the_customer(self):
        sow = self._make_deliverable(self.engagement, SOW).with_user(self.pm)
        with self.assertRefused(UserError, "must be approved by Legal"):
            sow.action_submit()
        self.assertEqual(sow.state, "draft")

        sow.action_request_review()
        self.assertEqual(sow.review_state, "pending")
        with self.assertRefused(AccessError, "Only members of Legal"):
            sow.with_user(self.manager).action_review_approve()
        self.assertEqual(sow.review_state, "pending")

        sow.with_user(self.legal).action_review_return("Liability cap is missing")
        self.assertEqual(sow.review_state, "returned")
        self.assertIn("Liability cap is missing", self.engagement.message_ids[0].body)
        self.assertIn("Lena Legal", self.engagement.message_ids[0].body)

        sow.action_request_review()
        sow.with_user(self.legal).action_review_approve()
        self.assertRecordValues(
            sow, [{"review_state": "approved", "reviewed_by_id": self.legal.id}]
        )
        sow.action_submit()
        self.assertEqual(sow.state, "submitted")
        self.assertTrue(sow.sudo().access_token, "the customer's link exists once submitted")

    def test_a_type_without_review_goes_straight_to_the_customer(self):
        brd = self._make_deliverable(self.engagement, BRD).with_user(self.pm)
        with self.assertRefused(UserError, "needs no internal review"):
            brd.action_request_review()
        brd.action_submit()
        self.assertEqual(brd.state, "submitted")

    def test_nothing_is_submitted_without_its_document(self):
        brd = self._make_deliverable(self.engagement, BRD, attachment=False)
        with self.assertRefused(UserError, "Attach the document"):
            brd.action_submit()
        self.assertEqual(brd.state, "draft")

    def test_signing_records_signer_date_image_and_document_hash_and_tells_the_manager(self):
        brd = self._make_deliverable(self.engagement, BRD)
        brd.action_submit()
        brd.sudo().action_sign("Carla Customer", signature=SIGNATURE_PNG)
        self.assertEqual(brd.state, "signed")
        self.assertEqual(brd.signed_by, "Carla Customer")
        self.assertTrue(brd.signed_on)
        self.assertEqual(brd.signature, SIGNATURE_PNG)
        self.assertEqual(
            brd.signed_document_hash,
            hashlib.sha256(b"%PDF-1.4 Business Requirements Document v1").hexdigest(),
        )
        activity = self.engagement.activity_ids.filtered(lambda a: a.user_id == self.manager)
        self.assertEqual(len(activity), 1)
        self.assertIn("Business Requirements Document", activity.summary)
        self.assertIn("signed on the portal by Carla Customer", self.engagement.message_ids[0].body)

    def test_inside_nobody_answers_for_the_customer_but_on_paper(self):
        brd = self._make_deliverable(self.engagement, BRD)
        brd.action_submit()
        for user in (self.pm, self.manager, self.finance, self.admin):
            with self.assertRefused(AccessError, "Only the customer answers"):
                brd.with_user(user).action_sign("Carla Customer", signature=SIGNATURE_PNG)
            with self.assertRefused(AccessError, "Only the customer answers"):
                brd.with_user(user).action_reject("Too vague")
        self.assertEqual((brd.state, brd.signed_by), ("submitted", False))
        # A signature given on paper: the manager files the countersigned document.
        with self.assertRefused(AccessError, "Only engagement managers"):
            brd.with_user(self.pm).action_mark_signed_paper(
                base64.b64encode(b"%PDF-1.4 countersigned"), "signed.pdf", "Carla Customer"
            )
        brd.with_user(self.manager).action_mark_signed_paper(
            base64.b64encode(b"%PDF-1.4 countersigned"), "signed.pdf", "Carla Customer"
        )
        self.assertRecordValues(brd, [{"state": "signed", "signed_on_paper": True}])

    def test_only_a_submitted_deliverable_is_signed(self):
        brd = self._make_deliverable(self.engagement, BRD)
        with self.assertRefused(UserError, "cannot be signed"):
            brd.sudo().action_sign("Carla Customer", signature=SIGNATURE_PNG)
        self.assertFalse(brd.signed_by)

    def test_a_signed_version_is_immutable(self):
        brd = self._sign_deliverable(self.engagement, BRD)
        for values in (
            {"name": "Edited after signature"},
            {"attachment": base64.b64encode(b"%PDF-1.4 another document")},
            {"state": "draft"},
        ):
            with self.assertRefused(UserError, "is signed and cannot be changed"):
                brd.sudo().write(values)
        with self.assertRefused(UserError, "cannot be deleted"):
            brd.with_user(self.manager).unlink()
        self.assertEqual(brd.name, "Business Requirements Document")
        self.assertEqual(brd._get_signed_document(), b"%PDF-1.4 Business Requirements Document v1")
        self.assertEqual(brd.state, "signed")

    def test_a_new_version_supersedes_the_previous_one(self):
        first = self._sign_deliverable(self.engagement, BRD)
        first.with_user(self.pm).action_new_version()
        second = first.superseded_by_id
        self.assertRecordValues(
            second,
            [{"version": 2, "state": "draft", "is_current": True, "previous_id": first.id}],
        )
        self.assertRecordValues(first, [{"state": "signed", "is_current": False}])
        self.assertEqual(self.engagement.signed_deliverable_ids, first)
        with self.assertRefused(UserError, "already has a newer version"):
            first.action_new_version()

        second.write({"attachment": base64.b64encode(b"%PDF-1.4 BRD v2")})
        second.action_submit()
        second.sudo().action_sign("Carla Customer", signature=SIGNATURE_PNG)
        self.assertEqual(
            self.engagement.signed_deliverable_ids, second, "the latest signed version shows"
        )

    def test_a_new_version_of_a_submitted_one_withdraws_it(self):
        first = self._make_deliverable(self.engagement, BRD)
        first.action_submit()
        first.action_new_version()
        self.assertRecordValues(first, [{"state": "cancelled", "is_current": False}])
        self.assertFalse(
            first.sudo().access_token, "the customer's link to the old version is spent"
        )

    def test_customer_rejects_with_a_reason(self):
        brd = self._make_deliverable(self.engagement, BRD)
        brd.action_submit()
        with self.assertRefused(UserError, "needs a reason"):
            brd.sudo().action_reject("  ")
        self.assertEqual(brd.state, "submitted")
        brd.sudo().action_reject("Scope of reporting is wrong")
        self.assertRecordValues(
            brd, [{"state": "rejected", "reject_reason": "Scope of reporting is wrong"}]
        )

    def test_managers_record_a_paper_signature_with_the_countersigned_document(self):
        brd = self._make_deliverable(self.engagement, BRD)
        brd.action_submit()
        scan = base64.b64encode(b"%PDF-1.4 countersigned scan")
        wizard = (
            self.env["engagement.deliverable.paper.wizard"]
            .with_user(self.manager)
            .create({"deliverable_id": brd.id, "signed_by": "Carl Director", "attachment": scan})
        )
        with self.assertRaises(AccessError):
            brd.with_user(self.pm).action_mark_signed_paper(scan, "scan.pdf", "Carl Director")
        wizard.action_confirm()
        self.assertRecordValues(
            brd, [{"state": "signed", "signed_by": "Carl Director", "signed_on_paper": True}]
        )
        self.assertEqual(
            brd.signed_document_hash, hashlib.sha256(b"%PDF-1.4 countersigned scan").hexdigest()
        )
        self.assertIn("signed on paper by Carl Director", self.engagement.message_ids[0].body)


@tagged("post_install", "-at_install")
class TestEngagementDeliverableGates(EngagementCommon):
    def test_requirements_needs_a_signed_sow(self):
        engagement = self._create_engagement(date_start="2026-01-01")
        self._approved_estimate(engagement)
        engagement.action_move_to_stage(self.stage["contracting"])
        with self.assertRefused(UserError, "Statement of Work signed by the customer"):
            engagement.action_move_to_stage(self.stage["requirements"])

        sow = self._make_deliverable(engagement, SOW)
        sow.action_request_review()
        sow.sudo().action_review_approve()
        sow.action_submit()
        with self.assertRefused(UserError, "Statement of Work signed by the customer"):
            engagement.action_move_to_stage(self.stage["requirements"])

        sow.sudo().action_sign("Carla Customer", signature=SIGNATURE_PNG)
        engagement.action_move_to_stage(self.stage["requirements"])
        self.assertEqual(engagement.stage_id, self.stage["requirements"])

    def test_every_default_gate_asks_for_its_deliverable(self):
        expected = {
            "requirements": "engagement_deliverable_type_sow",
            "planning": "engagement_deliverable_type_brd",
            "execution": "engagement_deliverable_type_plan",
            "post_implementation": "engagement_deliverable_type_acceptance",
        }
        for stage, type_xmlid in expected.items():
            gate = self.stage[stage].gate_ids.filtered(
                lambda g: g.gate_type == "deliverable_signed"
            )
            self.assertEqual(
                gate.deliverable_type_id, self.env.ref(f"engagement_management.{type_xmlid}")
            )

    def test_a_rejected_or_unsigned_version_does_not_open_the_gate(self):
        engagement = self._create_engagement(date_start="2026-01-01")
        self._approved_estimate(engagement)
        engagement.action_move_to_stage(self.stage["contracting"])
        sow = self._make_deliverable(engagement, SOW)
        sow.action_request_review()
        sow.sudo().action_review_approve()
        sow.action_submit()
        sow.sudo().action_reject("Price too high")
        self.assertIn("Statement of Work signed", engagement.next_stage_missing)
