from http import HTTPStatus

from odoo import http
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.engagement_management.controllers.portal import EngagementPortal

from .attacker_common import BRD, AttackerCommon
from .common import SIGNATURE_PNG
from .threat_matrix import INTERNAL_FIELDS, ROUTES


@tagged("post_install", "-at_install")
class TestEngagementAttackerHttp(HttpCase, AttackerCommon):
    """The portal's routes and the JSON-2 API, as the insiders and customers call them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for user in (cls.pm, cls.manager, cls.admin, cls.portal):
            user.password = user.login
        cls.stranger_customer = cls.env["res.partner"].create(
            {"name": "Zenith Foods", "is_company": True}
        )
        cls.stranger = new_test_user(
            cls.env, "em_attacker_stranger", groups="base.group_portal", name="Zed"
        )
        cls.stranger.partner_id.parent_id = cls.stranger_customer
        cls.to_sign = cls._make_deliverable(cls.engagement, BRD, name="BRD to sign")
        cls.to_sign.action_submit()
        cls.portal_key = (
            cls.env["res.users.apikeys"]
            .with_user(cls.portal)
            .sudo()
            ._generate("rpc", "Attacker", None)
        )

    def _sign(self, record, token=None):
        url = f"{record.access_url}/sign" + (f"?access_token={token}" if token else "")
        return self.make_jsonrpc_request(
            url, {"name": "Carla Customer", "signature": SIGNATURE_PNG.decode()}
        )

    def _reject(self, record, token=None):
        data = {"reason": "Not this one", "csrf_token": http.Request.csrf_token(self)}
        if token:
            data["access_token"] = token
        return self.url_open(f"{record.access_url}/reject", data=data)

    def _unanswered(self):
        for record in (self.to_sign, self.co_approved):
            record.invalidate_recordset()
            self.assertEqual((record.signed_by, record.signed_on), (False, False))
        self.assertEqual((self.to_sign.state, self.co_approved.state), ("submitted", "approved"))

    def test_every_route_of_the_addon_has_a_row(self):
        routes = set()
        for name, method in vars(EngagementPortal).items():
            routing = getattr(method, "original_routing", None) or getattr(method, "routing", None)
            if routing and not name.startswith("_"):
                routes.update(routing["routes"])
        self.assertEqual(routes, set(ROUTES))

    def test_an_employee_on_the_portal_page_never_answers_for_the_customer(self):
        """A PM, a manager or the administrator, logged in, with the customer's own link
        or without: the page shows no sign button and the answer is refused."""
        for user in (self.pm, self.manager, self.admin):
            self.authenticate(user.login, user.login)
            for record in (self.to_sign, self.co_approved):
                token = record.sudo().access_token
                with self.subTest(user=user.login, record=record._name):
                    page = self.url_open(f"{record.access_url}?access_token={token}")
                    self.assertEqual(page.status_code, HTTPStatus.OK)
                    self.assertNotIn("portal.signature_form", page.text)
                    for access_token in (None, token):
                        self.assertIn("error", self._sign(record, access_token))
                        refused = self._reject(record, access_token)
                        self.assertNotEqual(refused.status_code, HTTPStatus.OK)
        self._unanswered()

    def test_another_customer_and_a_wrong_link_get_nothing(self):
        self.authenticate(self.stranger.login, self.stranger.login)
        for record in (self.to_sign, self.co_approved, self.signed_brd):
            with self.subTest(record=record._name):
                self.assertEqual(self.url_open(record.access_url).status_code, HTTPStatus.NOT_FOUND)
                self.assertIn("error", self._sign(record, "not-the-token"))
        self.assertEqual(
            self.url_open(f"{self.signed_brd.access_url}/document").status_code,
            HTTPStatus.NOT_FOUND,
        )
        self.authenticate(None, None)
        self.assertIn("error", self._sign(self.to_sign, "not-the-token"))
        self._unanswered()

    def test_a_signed_document_whose_bytes_changed_is_reported_not_served(self):
        self.authenticate(self.portal.login, self.portal.login)
        document = f"{self.signed_brd.access_url}/document"
        self.assertEqual(self.url_open(document).status_code, HTTPStatus.OK)
        page = self.url_open(self.signed_brd.access_url)
        self.assertIn(self.signed_brd.signed_document_hash, page.text)
        self.assertNotIn("signed_document_altered", page.text)
        # The file was changed under the ORM (in the filestore, or by SQL): its hash no
        # longer matches the one taken when it was signed.
        self.env.cr.execute(
            "UPDATE engagement_deliverable SET signed_document_hash = %s WHERE id = %s",
            ("0" * 64, self.signed_brd.id),
        )
        self.signed_brd.invalidate_recordset()
        self.assertFalse(self.signed_brd.signed_document_intact)
        self.assertEqual(self.url_open(document).status_code, HTTPStatus.NOT_FOUND)
        self.assertIn("signed_document_altered", self.url_open(self.signed_brd.access_url).text)

    def test_a_portal_users_rpc_reads_only_what_the_page_shows(self):
        headers = {"Authorization": f"Bearer {self.portal_key}"}
        records = {
            "engagement.engagement": self.engagement,
            "engagement.deliverable": self.signed_brd,
            "engagement.change.order": self.co_approved,
            "engagement.deliverable.type": self.signed_brd.type_id,
        }
        for model, record in records.items():
            url = f"/json/2/{model}/read"
            with self.subTest(model=model):
                allowed = self.url_open(
                    url,
                    json={"ids": record.ids, "fields": sorted(record._portal_fields)},
                    headers=headers,
                )
                self.assertEqual(allowed.status_code, HTTPStatus.OK, allowed.text)
                for name in INTERNAL_FIELDS[model]:
                    refused = self.url_open(
                        url, json={"ids": record.ids, "fields": [name]}, headers=headers
                    )
                    self.assertEqual(refused.status_code, HTTPStatus.FORBIDDEN, name)
        # Nor a record never sent to the customer.
        never_sent = self.url_open(
            "/json/2/engagement.change.order/read",
            json={"ids": self.co_submitted.ids, "fields": ["title"]},
            headers=headers,
        )
        self.assertEqual(never_sent.status_code, HTTPStatus.FORBIDDEN)
