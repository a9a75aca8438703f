import base64
import html
from contextlib import contextmanager

from odoo import Command
from odoo.tests import TransactionCase, new_test_user

# A 1x1 transparent PNG: what the portal's signature widget sends, base64-encoded.
SIGNATURE_PNG = (
    b"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


def customer_mails(env, containing):
    """The mails to the customer whose body contains ``containing`` (a link, a token),
    oldest first. They are attached to no record: their link answers as the customer."""
    mails = env["mail.mail"].search([("model", "=", False)], order="id")
    return mails.filtered(lambda mail: containing in html.unescape(str(mail.body_html)))


class EngagementCommon(TransactionCase):
    """A services company with the people of an engagement, and a second company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        cls.company = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Other Services Ltd"})
        user = "engagement_management.group_engagement_user"
        salesman = "sales_team.group_sale_salesman"
        cls.sales = new_test_user(
            cls.env, "em_sales", groups=f"{user},{salesman}", name="Sally Sales"
        )
        cls.pm = new_test_user(cls.env, "em_pm", groups=user, name="Paula PM")
        cls.ba = new_test_user(cls.env, "em_ba", groups=user, name="Bruno BA")
        cls.outsider = new_test_user(cls.env, "em_outsider", groups=user, name="Otto Outsider")
        cls.manager = new_test_user(
            cls.env,
            "em_manager",
            groups="engagement_management.group_engagement_manager,"
            "sales_team.group_sale_salesman_all_leads",
            name="Mona Manager",
        )
        cls.finance = new_test_user(
            cls.env,
            "em_finance",
            groups="engagement_management.group_engagement_finance",
            name="Fiona Finance",
        )
        cls.admin = new_test_user(
            cls.env,
            "em_admin",
            groups="engagement_management.group_engagement_admin",
            name="Adam Admin",
        )
        cls.manager_b = new_test_user(
            cls.env,
            "em_manager_b",
            groups="engagement_management.group_engagement_manager",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
            name="Bea Manager B",
        )
        cls.customer = cls.env["res.partner"].create({"name": "Acme Logistics", "is_company": True})
        cls.customer_b = cls.env["res.partner"].create(
            {"name": "Beta Retail", "is_company": True, "company_id": cls.company_b.id}
        )
        cls.stage = {
            key: cls.env.ref(f"engagement_management.engagement_stage_{key}")
            for key in (
                "presales",
                "contracting",
                "requirements",
                "planning",
                "execution",
                "acceptance",
                "post_implementation",
                "closed",
                "cancelled",
            )
        }
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "ERP roll-out",
                "type": "opportunity",
                "partner_id": cls.customer.id,
                "user_id": cls.sales.id,
                "expected_revenue": 120000.0,
                "project_manager_id": cls.pm.id,
                "business_analyst_id": cls.ba.id,
            }
        )

    @classmethod
    def _approved_estimate(cls, engagement=None, lead=None):
        """An approved estimate of ``engagement`` (or of the opportunity ``lead``), as the
        Contracting gate needs, put in that state directly: the tests of a later stage
        are about that stage; the estimate's own workflow, and the baseline it sets,
        have their tests (test_engagement_estimate)."""
        origin = [("engagement_id", "=", engagement.id)] if engagement else []
        if lead:
            origin = [("lead_id", "=", lead.id)]
        Estimate = cls.env["engagement.estimate"].sudo()
        estimate = Estimate.search([*origin, ("state", "=", "approved")], limit=1)
        if estimate:
            return estimate
        role = cls.env["project.role"].sudo().search([], limit=1) or cls.env[
            "project.role"
        ].sudo().create({"name": "Consultant"})
        estimate = Estimate.create(
            {
                "engagement_id": engagement.id if engagement else False,
                "lead_id": lead.id if lead else False,
                "rate_card_id": False,
                "line_ids": [
                    Command.create(
                        {
                            "phase": "Delivery",
                            "name": "The work",
                            "role_id": role.id,
                            "hours": 10.0,
                            "bill_rate": 100.0,
                            "rate_override_reason": "Test set-up",
                        }
                    )
                ],
            }
        )
        estimate._workflow().write({"state": "approved"})
        return estimate

    @contextmanager
    def assertRefused(self, exception, text):
        """Like assertRaisesRegex, but inside Odoo's savepoint: the refusal changes nothing."""
        with self.assertRaises(exception) as refusal:
            yield refusal
        self.assertIn(text, str(refusal.exception))

    @classmethod
    def _create_engagement(cls, **values):
        vals = {
            "name": "Warehouse system",
            "partner_id": cls.customer.id,
            "user_id": cls.manager.id,
            "project_manager_id": cls.pm.id,
            "business_analyst_id": cls.ba.id,
            "budget_revenue": 50000.0,
        }
        vals.update(values)
        return cls.env["engagement.engagement"].create(vals)

    @classmethod
    def _confirm_gates(cls, engagement, up_to_stage):
        """Confirm every approval and checklist item of the stages up to ``up_to_stage``,
        and have the customer sign every deliverable those stages require."""
        lines = engagement.gate_line_ids.filtered(
            lambda line: line.stage_id.sequence <= up_to_stage.sequence and line.state == "pending"
        )
        lines.action_confirm()
        if up_to_stage.sequence >= cls.stage["contracting"].sequence:
            cls._approved_estimate(engagement)
        gates = cls.env["engagement.stage.gate"].search(
            [
                ("gate_type", "=", "deliverable_signed"),
                ("stage_id.sequence", "<=", up_to_stage.sequence),
            ]
        )
        for deliverable_type in gates.deliverable_type_id:
            cls._sign_deliverable(engagement, deliverable_type)
        return lines

    @classmethod
    def _make_deliverable(cls, engagement, type_xmlid, **values):
        """A draft deliverable of ``type_xmlid`` (an xml id or a type record) with its document."""
        deliverable_type = cls.env.ref(type_xmlid) if isinstance(type_xmlid, str) else type_xmlid
        vals = {
            "engagement_id": engagement.id,
            "type_id": deliverable_type.id,
            "name": deliverable_type.name,
            "attachment": base64.b64encode(f"%PDF-1.4 {deliverable_type.name} v1".encode()),
            "attachment_name": "document.pdf",
        }
        vals.update(values)
        return cls.env["engagement.deliverable"].create(vals)

    @classmethod
    def _sign_deliverable(cls, engagement, type_xmlid, signed_by="Carla Customer"):
        """Draft, review (when the type asks for it), submit and sign a deliverable."""
        deliverable = cls._make_deliverable(engagement, type_xmlid)
        if deliverable.review_group_id:
            deliverable.action_request_review()
            deliverable.sudo().action_review_approve()
        deliverable.action_submit()
        deliverable.sudo().action_sign(signed_by, signature=SIGNATURE_PNG)
        return deliverable
