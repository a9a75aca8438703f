import hashlib

from odoo import http
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import SIGNATURE_PNG, EngagementCommon


@tagged("post_install", "-at_install")
class TestChangeOrderPortal(HttpCase, EngagementCommon):
    """The customer reads and signs (or rejects) approved change orders on the portal."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.engagement_co_finance_threshold = 25000.0
        cls.carla = new_test_user(
            cls.env, "em_co_portal_carla", groups="base.group_portal", name="Carla Customer"
        )
        cls.carla.partner_id.parent_id = cls.customer
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Zenith Foods", "is_company": True}
        )
        cls.zed = new_test_user(
            cls.env, "em_co_portal_zed", groups="base.group_portal", name="Zed Zenith"
        )
        cls.zed.partner_id.parent_id = cls.other_customer
        cls.engagement = cls._create_engagement()
        cls.co = cls._new_co("Tariff simulator", revenue_delta=12000.0, schedule_delta_days=15)
        cls.co.with_user(cls.pm).action_submit()
        cls.co.with_user(cls.manager).action_approve()

    @classmethod
    def _new_co(cls, title, **values):
        vals = {
            "engagement_id": cls.engagement.id,
            "title": title,
            "description": "<p>Simulate next year's tariffs before they are published.</p>",
            "reason": "Asked for by the pricing team in the design workshop.",
            "revenue_delta": 5000.0,
        }
        vals.update(values)
        return cls.env["engagement.change.order"].with_user(cls.pm).create(vals)

    def _sign(self, co=None, access_token=None, name="Carla Customer"):
        co = co or self.co
        params = {"name": name, "signature": SIGNATURE_PNG.decode()}
        if access_token:
            params["access_token"] = access_token
        return self.make_jsonrpc_request(f"/my/change_orders/{co.id}/sign", params)

    def _reject(self, reason, co=None):
        co = co or self.co
        return self.url_open(
            f"/my/change_orders/{co.id}/reject",
            data={"reason": reason, "csrf_token": http.Request.csrf_token(self)},
        )

    def _message(self, text):
        messages = self.co.message_ids.filtered(lambda m: text in (m.body or ""))
        self.assertEqual(len(messages), 1, text)
        return messages

    def test_the_customers_portal_user_sees_and_signs_an_approved_change_order(self):
        self.authenticate("em_co_portal_carla", "em_co_portal_carla")
        detail = self.url_open(f"/my/engagements/{self.engagement.id}")
        self.assertEqual(detail.status_code, 200)
        self.assertIn(self.co.name, detail.text)
        self.assertIn("12,000.00", detail.text)
        self.assertIn("Waiting for your signature", detail.text)

        page = self.url_open(f"/my/change_orders/{self.co.id}")
        self.assertEqual(page.status_code, 200)
        for text in (
            "Tariff simulator",
            "Simulate next year",
            "Asked for by the pricing team",
            "12,000.00",
            "portal.signature_form",
            "modalreject",
        ):
            self.assertIn(text, page.text)
        document = self.url_open(f"/my/change_orders/{self.co.id}/document")
        self.assertEqual(document.status_code, 200)
        if document.headers["Content-Type"].startswith("text/html"):
            self.assertIn("Tariff simulator", document.text)

        result = self._sign()
        self.assertTrue(result.get("redirect_url"), result)
        self.co.invalidate_recordset()
        self.assertRecordValues(
            self.co,
            [
                {
                    "state": "signed",
                    "signature_method": "customer",
                    "signed_by": "Carla Customer",
                    "signed_partner_id": self.carla.partner_id.id,
                }
            ],
        )
        self.assertEqual(self.co.signature, SIGNATURE_PNG)
        self.assertTrue(self.co.signed_on)
        self.assertEqual(
            self.co.signed_document_hash,
            hashlib.sha256(self.co._get_signed_document()).hexdigest(),
        )
        # The engagement manager is told to apply it, and the chatter says who signed.
        activity = self.co.activity_ids
        self.assertEqual(activity.user_id, self.manager)
        self.assertIn("Apply the change order", activity.summary)
        message = self._message("Signed by Carla Customer for the customer.")
        self.assertEqual(message.author_id, self.carla.partner_id)
        # Signed: not signable again; the manager applies it.
        self.assertEqual(
            self._sign().get("error"), "This document is not waiting for your signature."
        )
        self.co.with_user(self.manager).action_apply()
        self.assertEqual(self.co.state, "applied")
        # Applying it is what the to-do asked for: it is done, and says by whom.
        self.assertFalse(self.co.activity_ids)
        done = self.co.message_ids.filtered("mail_activity_type_id")
        self.assertEqual(len(done), 1)
        self.assertIn("Applied by", done.body)

    def test_another_customers_portal_user_gets_404_and_changes_nothing(self):
        self.authenticate("em_co_portal_zed", "em_co_portal_zed")
        for url in (
            f"/my/change_orders/{self.co.id}",
            f"/my/change_orders/{self.co.id}/document",
        ):
            self.assertEqual(self.url_open(url).status_code, 404, url)
        self.assertIn("error", self._sign(name="Zed Zenith"))
        self.assertEqual(self._reject("Not ours").status_code, 404)
        self.assertFalse(self.env["engagement.change.order"].with_user(self.zed).search([]))
        self.co.invalidate_recordset()
        self.assertRecordValues(
            self.co, [{"state": "approved", "signed_by": False, "signature": False}]
        )

    def test_a_draft_change_order_stays_internal(self):
        draft = self._new_co("Label printing")
        cancelled_draft = self._new_co("Barcode scanners")
        cancelled_draft.with_user(self.pm).action_cancel()
        ChangeOrder = self.env["engagement.change.order"].with_user(self.carla)
        self.assertEqual(ChangeOrder.search([("engagement_id", "=", self.engagement.id)]), self.co)

        self.authenticate("em_co_portal_carla", "em_co_portal_carla")
        detail = self.url_open(f"/my/engagements/{self.engagement.id}").text
        self.assertIn("Tariff simulator", detail)
        for co in draft | cancelled_draft:
            self.assertNotIn(co.title, detail)
            self.assertEqual(self.url_open(f"/my/change_orders/{co.id}").status_code, 404)
            self.assertIn("error", self._sign(co))
        self.assertEqual(draft.state, "draft")

    def test_only_an_approved_change_order_can_be_signed(self):
        submitted = self._new_co("Extra interface")
        submitted.with_user(self.pm).action_submit()
        self.authenticate("em_co_portal_carla", "em_co_portal_carla")
        # Submitted for the internal approval only: not sent, so not on the customer's portal.
        page = self.url_open(f"/my/change_orders/{submitted.id}")
        self.assertEqual(page.status_code, 404)
        self.assertEqual(
            self._sign(submitted).get("error"),
            "This document does not exist or you may not sign it.",
        )
        self.assertEqual(self._reject("Too expensive", co=submitted).status_code, 404)
        submitted.invalidate_recordset()
        self.assertRecordValues(
            submitted, [{"state": "submitted", "signed_by": False, "rejection_reason": False}]
        )
        # Nor can a signature be forged by calling the model as the portal user.
        self.assertEqual(self.co.with_user(self.carla).state, "approved")
        with self.assertRefused(AccessError, "Only the customer answers"):
            self.co.with_user(self.carla).action_sign("Carla", signature=SIGNATURE_PNG)

    def test_a_token_link_signs_once_and_is_then_spent(self):
        token = self.co.sudo().access_token
        self.assertTrue(token, "approval creates the link the customer signs with")
        self.assertEqual(self.url_open(f"/my/change_orders/{self.co.id}").status_code, 404)
        page = self.url_open(f"/my/change_orders/{self.co.id}?access_token={token}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("portal.signature_form", page.text)
        self.assertIn("error", self._sign(access_token="not-the-token"))

        result = self._sign(access_token=token, name="Dana Director")
        self.assertTrue(result.get("redirect_url"), result)
        self.co.invalidate_recordset()
        self.assertRecordValues(
            self.co,
            [{"state": "signed", "signed_by": "Dana Director", "signed_partner_id": False}],
        )
        self.assertEqual(self._message("Signed by Dana Director").author_id, self.customer)
        self.assertNotEqual(self.co.sudo().access_token, token)
        self.assertEqual(
            self.url_open(f"/my/change_orders/{self.co.id}?access_token={token}").status_code, 404
        )
        self.assertIn("error", self._sign(access_token=token, name="Dana Again"))
        self.co.invalidate_recordset()
        self.assertEqual(self.co.signed_by, "Dana Director")

    def test_the_customer_rejects_with_a_reason(self):
        self.authenticate("em_co_portal_carla", "em_co_portal_carla")
        refused = self._reject("   ")
        self.assertIn("message=reject_refused", refused.url)
        self.co.invalidate_recordset()
        self.assertEqual(self.co.state, "approved")

        response = self._reject("The simulator is in the SOW already")
        self.assertEqual(response.status_code, 200)
        self.assertIn("message=rejected", response.url)
        self.co.invalidate_recordset()
        self.assertRecordValues(
            self.co,
            [
                {
                    "state": "rejected",
                    "customer_reject_reason": "The simulator is in the SOW already",
                    "rejection_reason": False,
                    "rejected_by_id": self.carla.id,
                }
            ],
        )
        message = self._message("Rejected by the customer (Acme Logistics, Carla Customer)")
        self.assertIn("The simulator is in the SOW already", message.body)
        self.assertEqual(message.author_id, self.carla.partner_id)
        self.assertIn("rejected by the customer", self.co.activity_ids.summary)
