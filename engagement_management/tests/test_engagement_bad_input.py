import base64
import io
import zipfile
from xmlrpc.client import Fault

from odoo import http
from odoo.exceptions import UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import SIGNATURE_PNG, EngagementCommon

BRD = "engagement_management.engagement_deliverable_type_brd"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
# Not documents, though named .pdf: told apart by their content.
NOT_DOCUMENTS = {
    "HTML": b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
    "executable": b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64,
    "SVG": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "zip": b"PK\x03\x04" + b"\x00" * 40,
}
SCRIPT = "<script>alert('owned')</script>"
ESCAPED = "&lt;script&gt;alert("


class BadInputCommon(EngagementCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.engagement = cls._create_engagement(name=f"Warehouse {SCRIPT}")
        cls.brd = cls._make_deliverable(cls.engagement, BRD, name=f"BRD {SCRIPT}")
        cls.brd.action_submit()


@tagged("post_install", "-at_install")
class TestEngagementBadInput(BadInputCommon):
    """Wrong input gets a clear error and changes nothing; what is shown is escaped."""

    def test_a_signature_must_be_a_small_png(self):
        png_magic = b"\x89PNG\r\n\x1a\n"
        for signature, message in (
            (base64.b64encode(b"\xff\xd8\xff\xe0 a JPEG"), "must be a PNG"),
            (base64.b64encode(b"GIF89a"), "must be a PNG"),
            (b"not base64 at all!", "not a valid image"),
            (base64.b64encode(png_magic + b"\x00" * (2 * 1024 * 1024 + 1)), "too large"),
        ):
            with self.subTest(message=message), self.assertRefused(UserError, message):
                self.brd.sudo().action_sign("Carla", signature=signature)
        self.assertRecordValues(self.brd, [{"state": "submitted", "signed_by": False}])
        self.brd.sudo().action_sign("Carla", signature=SIGNATURE_PNG)
        self.assertEqual(self.brd.state, "signed")

    def test_a_signature_needs_a_name(self):
        with self.assertRefused(UserError, "needs the signer's name"):
            self.brd.sudo().action_sign("   ", signature=SIGNATURE_PNG)
        self.assertEqual(self.brd.state, "submitted")

    def test_script_in_text_fields_is_escaped_in_the_pdfs(self):
        report = self.env["engagement.status.report"].create(
            {
                "engagement_id": self.engagement.id,
                "date": "2026-03-01",
                "summary": f"Late {SCRIPT}",
                "risks": f"<p>Data {SCRIPT}</p>",
            }
        )
        co = self.env["engagement.change.order"].create(
            {
                "engagement_id": self.engagement.id,
                "title": f"Simulator {SCRIPT}",
                "category": "scope",
                "revenue_delta": 1000.0,
                "description": f"More {SCRIPT}",
            }
        )
        Report = self.env["ir.actions.report"]
        for xmlid, record in (
            ("engagement_management.engagement_status_report_action_report", report),
            ("engagement_management.engagement_change_order_report", co),
        ):
            with self.subTest(report=xmlid):
                html = Report._render_qweb_html(xmlid, record.ids)[0].decode()
                self.assertIn("Warehouse " + ESCAPED, html)
                self.assertNotIn(SCRIPT, html)
        self.assertNotIn("<script", report.risks, "Html fields are sanitized on write")


def _docx():
    """The smallest file that reads as a Word document."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as docx:
        docx.writestr("[Content_Types].xml", "<Types/>")
        docx.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@tagged("post_install", "-at_install")
class TestEngagementDocumentUploads(BadInputCommon):
    """A deliverable's document and a change order's countersigned copy: too large or
    not a document (by content, whatever the name) is refused on every way in, with the
    limit named, and nothing changes."""

    def setUp(self):
        super().setUp()
        # 0.001 MB (1 KB) keeps the payloads small; the setting is the one in Settings.
        self.env["res.config.settings"].create(
            {"engagement_document_max_size_mb": 0.001}
        ).set_values()
        self.big = PDF + b"%" * 1100
        self.deliverable = self._make_deliverable(self.engagement, BRD, name="SOW draft")
        self.original = self.deliverable.attachment

    def _refusals(self):
        """(label, base64 payload, the refusal's text) for each kind of bad file."""
        yield "oversize", base64.b64encode(self.big), "documents are limited to 1.02 Kb"
        for label, content in NOT_DOCUMENTS.items():
            yield label, base64.b64encode(content), "is not an accepted document"

    def test_the_limit_is_a_setting_with_a_sane_default(self):
        Mixin = self.env["engagement.signature.mixin"]
        Param = self.env["ir.config_parameter"].sudo()
        key = "engagement_management.document_max_size_mb"
        self.assertEqual(Param.get_param(key), "0.001")
        self.assertEqual(Mixin._get_document_max_size_mb(), 0.001)
        Param.set_param(key, False)  # never set: 25 MB, in Settings too
        self.assertEqual(Mixin._get_document_max_size_mb(), 25.0)
        self.assertEqual(
            self.env["res.config.settings"].create({}).engagement_document_max_size_mb, 25.0
        )
        for nonsense in ("not a number", "0", "-3"):
            Param.set_param(key, nonsense)
            self.assertEqual(Mixin._get_document_max_size_mb(), 25.0, nonsense)

    def test_a_bad_file_is_refused_on_create(self):
        Deliverable = self.env["engagement.deliverable"].with_user(self.pm)
        count = Deliverable.search_count([])
        for label, payload, message in self._refusals():
            with self.subTest(file=label), self.assertRefused(UserError, message):
                Deliverable.create(
                    {
                        "engagement_id": self.engagement.id,
                        "type_id": self.env.ref(BRD).id,
                        "name": "Uploaded",
                        "attachment": payload,
                        "attachment_name": "report.pdf",
                    }
                )
        self.assertEqual(Deliverable.search_count([]), count)

    def test_a_bad_file_is_refused_on_write(self):
        for label, payload, message in self._refusals():
            with self.subTest(file=label), self.assertRefused(UserError, message):
                self.deliverable.with_user(self.pm).write(
                    {"attachment": payload, "attachment_name": "report.pdf"}
                )
        self.assertEqual(self.deliverable.attachment, self.original)
        self.assertEqual(self.deliverable.attachment_name, "document.pdf")

    def test_the_refusal_names_the_file_and_the_limit(self):
        with self.assertRefused(UserError, "report.pdf is 1.12 Kb: documents are limited to"):
            self.deliverable.write(
                {"attachment": base64.b64encode(self.big), "attachment_name": "report.pdf"}
            )
        with self.assertRefused(UserError, "its content is text/html"):
            self.deliverable.write({"attachment": base64.b64encode(NOT_DOCUMENTS["HTML"])})

    def test_documents_pdfs_office_files_and_images_are_accepted(self):
        for name, content in (
            ("sow.pdf", PDF),
            ("sow.docx", _docx()),
            ("whiteboard.png", base64.b64decode(SIGNATURE_PNG)),
        ):
            with self.subTest(file=name):
                self.deliverable.with_user(self.pm).write(
                    {"attachment": base64.b64encode(content), "attachment_name": name}
                )
                self.assertEqual(self.deliverable._get_signed_document(), content)
        created = self._make_deliverable(
            self.engagement, BRD, attachment=base64.b64encode(PDF), attachment_name="v1.pdf"
        )
        self.assertEqual(created._get_signed_document(), PDF)

    def test_the_paper_signature_refuses_a_bad_scan(self):
        self.deliverable.action_submit()
        Wizard = self.env["engagement.deliverable.paper.wizard"].with_user(self.manager)
        for label, payload, message in self._refusals():
            with self.subTest(file=label), self.assertRefused(UserError, message):
                Wizard.create(
                    {
                        "deliverable_id": self.deliverable.id,
                        "signed_by": "Carl Director",
                        "attachment": payload,
                        "attachment_name": "scan.pdf",
                    }
                ).action_confirm()
            with self.subTest(file=label), self.assertRefused(UserError, message):
                self.deliverable.with_user(self.manager).action_mark_signed_paper(
                    payload, "scan.pdf", "Carl Director"
                )
        self.assertRecordValues(self.deliverable, [{"state": "submitted", "signed_by": False}])
        self.assertEqual(self.deliverable.attachment, self.original)
        self.deliverable.with_user(self.manager).action_mark_signed_paper(
            base64.b64encode(PDF), "scan.pdf", "Carl Director"
        )
        self.assertEqual(self.deliverable.state, "signed")

    def test_the_countersigned_change_order_refuses_a_bad_copy(self):
        co = self.env["engagement.change.order"].create(
            {"engagement_id": self.engagement.id, "title": "Extra report", "revenue_delta": 900}
        )
        co.action_submit()
        co.with_user(self.manager).action_approve()
        for label, payload, message in self._refusals():
            with self.subTest(file=label), self.assertRefused(UserError, message):
                co.with_user(self.manager).write(
                    {"countersigned_file": payload, "countersigned_filename": "co.pdf"}
                )
        self.assertFalse(co.sudo().countersigned_file)
        with self.assertRefused(UserError, "Upload the countersigned copy"):
            co.with_user(self.manager).action_upload_countersigned()
        co.with_user(self.manager).write(
            {"countersigned_file": base64.b64encode(PDF), "countersigned_filename": "co.pdf"}
        )
        co.with_user(self.manager).action_upload_countersigned(signed_by="Carl Acme")
        self.assertEqual((co.state, co.signature_method), ("signed", "countersigned"))


@tagged("post_install", "-at_install")
class TestEngagementBadInputHttp(HttpCase, BadInputCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.carla = new_test_user(
            cls.env, "em_portal_carla_bi", groups="base.group_portal", name="Carla Customer"
        )
        cls.carla.partner_id.parent_id = cls.customer
        cls.rpc_user = new_test_user(
            cls.env,
            "em_rpc_manager",
            password="em_rpc_manager_pw",
            groups="engagement_management.group_engagement_manager",
        )

    def _call(self, model, method, *args):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, self.rpc_user.id, "em_rpc_manager_pw", model, method, list(args)
        )

    def test_script_in_names_is_escaped_on_the_portal(self):
        self.authenticate("em_portal_carla_bi", "em_portal_carla_bi")
        for url in (
            "/my/engagements",
            f"/my/engagements/{self.engagement.id}",
            f"/my/deliverables/{self.brd.id}",
        ):
            with self.subTest(url=url):
                page = self.url_open(url)
                self.assertEqual(page.status_code, 200)
                self.assertNotIn(SCRIPT, page.text)
                self.assertIn(ESCAPED, page.text)

    def test_what_the_customer_types_is_escaped_on_the_portal_and_in_the_pdf(self):
        """The signer's name and a rejection reason come from the customer's keyboard, and
        are shown back to the customer's colleagues and to the firm."""
        rejected = self._make_deliverable(self.engagement, BRD, name="Plan")
        rejected.action_submit()
        signed_co, rejected_co = (
            self.env["engagement.change.order"]
            .with_user(self.pm)
            .create(
                {
                    "engagement_id": self.engagement.id,
                    "title": title,
                    "category": "scope",
                    "revenue_delta": 1000.0,
                }
            )
            for title in ("Simulator", "Dashboard")
        )
        for co in (signed_co, rejected_co):
            co.with_user(self.pm).action_submit()
            co.with_user(self.manager).action_approve()
        self.authenticate("em_portal_carla_bi", "em_portal_carla_bi")
        for path in (f"/my/deliverables/{self.brd.id}", f"/my/change_orders/{signed_co.id}"):
            self.make_jsonrpc_request(
                f"{path}/sign", {"name": f"Carla {SCRIPT}", "signature": SIGNATURE_PNG.decode()}
            )
        for path in (f"/my/deliverables/{rejected.id}", f"/my/change_orders/{rejected_co.id}"):
            response = self.url_open(
                f"{path}/reject",
                data={"reason": f"No {SCRIPT}", "csrf_token": http.Request.csrf_token(self)},
            )
            self.assertEqual(response.status_code, 200)
        # Stored as typed: escaping is the job of whatever shows it.
        for record in (self.brd, signed_co):
            self.assertRecordValues(record, [{"state": "signed", "signed_by": f"Carla {SCRIPT}"}])
        self.assertRecordValues(rejected, [{"state": "rejected", "reject_reason": f"No {SCRIPT}"}])
        self.assertRecordValues(
            rejected_co, [{"state": "rejected", "customer_reject_reason": f"No {SCRIPT}"}]
        )

        shown = {
            f"/my/deliverables/{self.brd.id}": "Carla ",
            f"/my/change_orders/{signed_co.id}": "Carla ",
            f"/my/deliverables/{rejected.id}": "No ",
            f"/my/change_orders/{rejected_co.id}": "No ",
        }
        pages = {url: self.url_open(url).text for url in shown}
        report = "engagement_management.engagement_change_order_report"
        html = self.env["ir.actions.report"]._render_qweb_html(report, signed_co.ids)[0]
        pages["change order PDF"] = html.decode()
        shown["change order PDF"] = "Carla "
        for where, text in pages.items():
            with self.subTest(where=where):
                self.assertNotIn(SCRIPT, text)
                self.assertIn(shown[where] + ESCAPED, text)

    def test_a_tampered_token_opens_and_signs_nothing(self):
        token = self.brd._portal_ensure_token()
        bad = token[:-4] + ("0000" if not token.endswith("0000") else "1111")
        page = self.url_open(f"/my/deliverables/{self.brd.id}?access_token={bad}")
        self.assertIn(page.status_code, (403, 404))
        self.assertNotIn("BRD", page.text)
        result = self.make_jsonrpc_request(
            f"/my/deliverables/{self.brd.id}/sign",
            {"name": "Mallory", "signature": SIGNATURE_PNG.decode(), "access_token": bad},
        )
        self.assertIn("error", result)
        # The right token of another document does not open this one either.
        other = self._make_deliverable(self.engagement, BRD)
        other.action_submit()
        page = self.url_open(f"/my/deliverables/{self.brd.id}?access_token={other.access_token}")
        self.assertIn(page.status_code, (403, 404))
        self.brd.invalidate_recordset()
        self.assertRecordValues(self.brd, [{"state": "submitted", "signed_by": False}])

    def test_non_numeric_huge_and_unknown_values_over_rpc(self):
        # One with nothing sent to the customer yet: its baseline may still change.
        engagement = self._create_engagement(name="Not committed yet")
        for value in ("fifty thousand", float("inf"), float("nan"), -1.0, 1e300):
            with self.subTest(value=value), self.assertRaises(Fault):
                self._call(
                    "engagement.engagement", "write", [engagement.id], {"budget_revenue": value}
                )
        with self.assertRaises(Fault) as refusal:
            self._call("engagement.engagement", "write", [engagement.id], {"budget_hours": 1e12})
        self.assertIn("under 10^15", refusal.exception.faultString)
        with self.assertRaises(Fault) as refusal:
            self._call(
                "engagement.change.order",
                "create",
                [
                    {
                        "engagement_id": engagement.id,
                        "title": "Ghost simulator",
                        "category": "scope",
                        "revenue_delta": 1e300,
                    }
                ],
            )
        self.assertIn("under 10^15", refusal.exception.faultString)
        with self.assertRaises(Fault) as refusal:
            self._call("engagement.engagement", "write", [99999999], {"name": "Ghost"})
        self.assertIn("does not exist", refusal.exception.faultString)
        with self.assertRaises(Fault) as refusal:
            self._call("engagement.engagement", "action_move_to_stage", [engagement.id], 99999999)
        self.assertIn("does not exist", refusal.exception.faultString)
        with self.assertRaises(Fault):
            self._call(
                "engagement.engagement",
                "create",
                [{"name": "Ghost customer", "partner_id": 99999999}],
            )
        with self.assertRaises(Fault):
            self._call(
                "engagement.engagement",
                "write",
                [engagement.id],
                {"date_start": "2026-05-01", "date_end": "2026-04-01"},
            )
        self.env.invalidate_all()
        self.assertRecordValues(
            engagement,
            [{"budget_revenue": 50000.0, "date_start": False, "date_end": False}],
        )
        self.assertFalse(self.env["engagement.engagement"].search([("name", "like", "Ghost")]))
        self.assertFalse(self.env["engagement.change.order"].search([("title", "like", "Ghost")]))
