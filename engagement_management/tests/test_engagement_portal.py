from odoo import http
from odoo.tests import HttpCase, new_test_user, tagged

from .common import SIGNATURE_PNG, EngagementCommon

BRD = "engagement_management.engagement_deliverable_type_brd"


@tagged("post_install", "-at_install")
class TestEngagementPortal(HttpCase, EngagementCommon):
    """The customer reads the engagement and signs on the portal; nobody else can."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.carla = new_test_user(
            cls.env, "em_portal_carla", groups="base.group_portal", name="Carla Customer"
        )
        cls.carla.partner_id.parent_id = cls.customer
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Zenith Foods", "is_company": True}
        )
        cls.zed = new_test_user(
            cls.env, "em_portal_zed", groups="base.group_portal", name="Zed Zenith"
        )
        cls.zed.partner_id.parent_id = cls.other_customer
        cls.engagement = cls._create_engagement()
        cls.brd = cls._make_deliverable(cls.engagement, BRD)
        cls.brd.action_submit()

    def _sign(self, access_token=None, name="Carla Customer"):
        params = {"name": name, "signature": SIGNATURE_PNG.decode()}
        if access_token:
            params["access_token"] = access_token
        return self.make_jsonrpc_request(f"/my/deliverables/{self.brd.id}/sign", params)

    def test_the_customers_portal_user_sees_and_signs_the_deliverable(self):
        self.authenticate("em_portal_carla", "em_portal_carla")
        listing = self.url_open("/my/engagements")
        self.assertEqual(listing.status_code, 200)
        self.assertIn(self.engagement.name, listing.text)
        detail = self.url_open(f"/my/engagements/{self.engagement.id}")
        self.assertEqual(detail.status_code, 200)
        self.assertIn("Business Requirements Document", detail.text)
        self.assertIn("Presales", detail.text)
        page = self.url_open(f"/my/deliverables/{self.brd.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("portal.signature_form", page.text)

        result = self._sign()
        self.assertTrue(result.get("redirect_url"), result)
        self.brd.invalidate_recordset()
        self.assertRecordValues(
            self.brd,
            [
                {
                    "state": "signed",
                    "signed_by": "Carla Customer",
                    "signed_partner_id": self.carla.partner_id.id,
                }
            ],
        )
        self.assertTrue(self.brd.signature)
        self.assertEqual(
            self._sign().get("error"), "This document is not waiting for your signature."
        )

    def test_another_customers_portal_user_can_neither_see_nor_sign(self):
        self.authenticate("em_portal_zed", "em_portal_zed")
        listing = self.url_open("/my/engagements")
        self.assertNotIn(self.engagement.name, listing.text)
        for url in (
            f"/my/engagements/{self.engagement.id}",
            f"/my/deliverables/{self.brd.id}",
            f"/my/deliverables/{self.brd.id}/document",
        ):
            self.assertEqual(self.url_open(url).status_code, 404, url)
        self.assertIn("error", self._sign(name="Zed Zenith"))
        self.brd.invalidate_recordset()
        self.assertEqual(self.brd.state, "submitted")
        self.assertFalse(self.brd.signed_by)

    def test_a_draft_stays_internal(self):
        draft = self._make_deliverable(self.engagement, BRD, name="BRD draft")
        self.authenticate("em_portal_carla", "em_portal_carla")
        self.assertEqual(self.url_open(f"/my/deliverables/{draft.id}").status_code, 404)
        self.assertNotIn("BRD draft", self.url_open(f"/my/engagements/{self.engagement.id}").text)

    def test_a_token_link_signs_once_and_is_then_spent(self):
        token = self.brd.access_token
        self.assertEqual(self.url_open(f"/my/deliverables/{self.brd.id}").status_code, 404)
        page = self.url_open(f"/my/deliverables/{self.brd.id}?access_token={token}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Sign", page.text)
        self.assertIn("error", self._sign(access_token="not-the-token"))

        result = self._sign(access_token=token, name="Dana Director")
        self.assertTrue(result.get("redirect_url"), result)
        self.brd.invalidate_recordset()
        self.assertRecordValues(
            self.brd,
            [{"state": "signed", "signed_by": "Dana Director", "signed_partner_id": False}],
        )
        self.assertNotEqual(self.brd.access_token, token)
        self.assertEqual(
            self.url_open(f"/my/deliverables/{self.brd.id}?access_token={token}").status_code, 404
        )
        self.assertIn("error", self._sign(access_token=token, name="Dana Again"))
        self.brd.invalidate_recordset()
        self.assertEqual(self.brd.signed_by, "Dana Director")

    def test_the_customer_rejects_with_a_reason(self):
        self.authenticate("em_portal_carla", "em_portal_carla")
        response = self.url_open(
            f"/my/deliverables/{self.brd.id}/reject",
            data={
                "reason": "Reporting scope is wrong",
                "csrf_token": http.Request.csrf_token(self),
            },
        )
        self.assertEqual(response.status_code, 200)
        self.brd.invalidate_recordset()
        self.assertRecordValues(
            self.brd, [{"state": "rejected", "reject_reason": "Reporting scope is wrong"}]
        )
