import base64
import re

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestEngagementTours(HttpCase):
    """The main flows in a real browser (headless Chromium), as their users click them.

    The tours live in static/tests/tours/; each test prepares its data, plays the tour
    as a plain user, then checks in the database what the clicks did.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        user = "engagement_management.group_engagement_user"
        # new_test_user's password is its login, which start_tour(login=...) uses.
        cls.sales = new_test_user(
            cls.env,
            "em_tour_sales",
            groups=f"{user},sales_team.group_sale_salesman",
            name="Sally Sales",
        )
        cls.pm = new_test_user(cls.env, "em_tour_pm", groups=user, name="Paula PM")
        cls.ba = new_test_user(cls.env, "em_tour_ba", groups=user, name="Bruno BA")
        cls.manager = new_test_user(
            cls.env,
            "em_tour_manager",
            groups="engagement_management.group_engagement_manager",
            name="Mona Manager",
        )
        cls.finance = new_test_user(
            cls.env,
            "em_tour_finance",
            groups="engagement_management.group_engagement_finance",
            name="Fiona Finance",
        )
        cls.customer = cls.env["res.partner"].create({"name": "Tour Logistics", "is_company": True})
        # The customer's contact, who signs on the portal.
        cls.carla = new_test_user(
            cls.env, "em_tour_carla", groups="base.group_portal", name="Carla Customer"
        )
        cls.carla.partner_id.parent_id = cls.customer
        cls.presales = cls.env.ref("engagement_management.engagement_stage_presales")

    def test_sales_converts_an_opportunity_from_the_crm(self):
        lead = self.env["crm.lead"].create(
            {
                "name": "Tour: ERP roll-out",
                "type": "opportunity",
                "partner_id": self.customer.id,
                "user_id": self.sales.id,
                "expected_revenue": 42000.0,
                "project_manager_id": self.pm.id,
                "business_analyst_id": self.ba.id,
            }
        )

        self.start_tour("/odoo", "engagement_create_from_crm_tour", login=self.sales.login)

        engagement = lead.engagement_ids
        self.assertEqual(len(engagement), 1)
        self.assertRecordValues(
            engagement,
            [
                {
                    "name": "Tour: ERP roll-out, phase 1",
                    "partner_id": self.customer.id,
                    "sales_user_id": self.sales.id,
                    "user_id": self.sales.id,
                    "project_manager_id": self.pm.id,
                    "business_analyst_id": self.ba.id,
                    "stage_id": self.presales.id,
                    "budget_hours": 120.0,
                    # The sold figure travels, though sales may not read it back.
                    "budget_revenue": 42000.0,
                }
            ],
        )

    def test_drag_to_a_stage_whose_gates_fail_is_refused_on_the_kanban(self):
        engagement = self.env["engagement.engagement"].create(
            {
                "name": "Tour: Warehouse roll-out",
                "partner_id": self.customer.id,
                "user_id": self.manager.id,
                "project_manager_id": self.pm.id,
                "budget_revenue": 30000.0,
            }
        )
        before = engagement.date_last_stage_update

        self.start_tour("/odoo", "engagement_kanban_gate_refusal_tour", login=self.manager.login)

        self.env.invalidate_all()
        self.assertEqual(engagement.stage_id, self.presales)
        self.assertEqual(engagement.date_last_stage_update, before)

    def _engagement(self, name, **values):
        vals = {
            "name": name,
            "partner_id": self.customer.id,
            "user_id": self.manager.id,
            "project_manager_id": self.pm.id,
            "business_analyst_id": self.ba.id,
            "budget_revenue": 30000.0,
        }
        vals.update(values)
        return self.env["engagement.engagement"].create(vals)

    def test_the_customer_signs_a_deliverable_on_the_portal(self):
        engagement = self._engagement("Tour: Portal roll-out")
        deliverable = self.env["engagement.deliverable"].create(
            {
                "name": "Tour: Business Requirements",
                "engagement_id": engagement.id,
                "type_id": self.env.ref("engagement_management.engagement_deliverable_type_brd").id,
                "attachment": base64.b64encode(b"%PDF-1.4 requirements"),
                "attachment_name": "requirements.pdf",
            }
        )
        deliverable.action_submit()

        self.start_tour(
            "/my/engagements", "engagement_deliverable_portal_sign_tour", login=self.carla.login
        )

        deliverable.invalidate_recordset()
        self.assertRecordValues(
            deliverable,
            [
                {
                    "state": "signed",
                    "signed_by": "Carla Customer",
                    "signed_partner_id": self.carla.partner_id.id,
                    "signed_on_paper": False,
                }
            ],
        )
        self.assertTrue(deliverable.signature, "the drawn signature is kept")
        self.assertTrue(deliverable.signed_on)

    def test_a_manager_approves_a_change_order_from_its_form(self):
        engagement = self._engagement("Tour: Returns roll-out")
        order = (
            self.env["engagement.change.order"]
            .with_user(self.pm)
            .create(
                {
                    "engagement_id": engagement.id,
                    "title": "Tour: Add the returns site",
                    "revenue_delta": 4000.0,
                    "cost_delta": 2500.0,
                }
            )
        )
        order.action_submit()

        self.start_tour("/odoo", "engagement_change_order_approve_tour", login=self.manager.login)

        order.invalidate_recordset()
        self.assertRecordValues(
            order.sudo(),
            [{"state": "approved", "manager_approved_by_id": self.manager.id}],
        )

    def test_finance_opens_the_profitability_pivot(self):
        engagement = self._engagement("Tour: Analytics roll-out")
        project = self.env["project.project"].create(
            {"name": "Tour: Analytics roll-out", "partner_id": self.customer.id}
        )
        if not project.account_id:
            project._create_analytic_account()
        engagement.project_id = project
        today = fields.Date.context_today(project)
        self.env["account.analytic.line"].create(
            [
                {
                    "name": "Invoice: first milestone",
                    "account_id": project.account_id.id,
                    "category": "invoice",
                    "amount": 12000.0,
                    "date": today,
                },
                {
                    "name": "Consultant expenses",
                    "account_id": project.account_id.id,
                    "amount": -4500.0,
                    "date": today,
                },
            ]
        )
        self.env.flush_all()
        report = self.env["engagement.profitability.report"].search(
            [("engagement_id", "=", engagement.id)]
        )
        self.assertEqual(sum(report.mapped("margin")), 7500.0)

        self.start_tour("/odoo", "engagement_profitability_pivot_tour", login=self.finance.login)

    def test_the_pm_logs_a_high_risk_and_the_gate_refuses_the_move_naming_it(self):
        self.env["engagement.stage.gate"].create(
            {
                "stage_id": self.env.ref("engagement_management.engagement_stage_contracting").id,
                "name": "No open high risk",
                "gate_type": "no_open_high_risk",
                "raid_score_threshold": 9,
            }
        )
        engagement = self._engagement("Tour: Risky roll-out")

        self.start_tour(
            f"/odoo/engagement.engagement/{engagement.id}",
            "engagement_raid_gate_refusal_tour",
            login=self.pm.login,
        )

        self.env.invalidate_all()
        self.assertEqual(engagement.stage_id, self.presales)
        self.assertRecordValues(
            engagement.raid_item_ids,
            [{"name": "Tour: Key user leaves in March", "kind": "risk", "score": 9}],
        )

    def test_the_customer_answers_a_dependency_and_writes_from_the_mail_link(self):
        self.customer.email = "office@tour-logistics.example.com"
        self.carla.email = "carla@tour-logistics.example.com"
        engagement = self._engagement("Tour: Billing roll-out")
        dependency = self.env["engagement.raid.item"].create(
            {
                "engagement_id": engagement.id,
                "kind": "dependency",
                "name": "Tour: Meter readings",
                "partner_id": self.carla.partner_id.id,
                "owner_id": self.pm.id,
                "customer_visible": True,
            }
        )
        report = (
            self.env["engagement.status.report"]
            .with_user(self.pm)
            .create({"engagement_id": engagement.id, "summary": "Tour: Tariff engine delivered"})
        )
        report.with_user(self.pm).action_publish()
        mail = self.env["mail.mail"].search(
            [("model", "=", False), ("recipient_ids", "in", self.carla.partner_id.ids)],
            order="id desc",
            limit=1,
        )
        self.assertIn(self.carla.partner_id, mail.recipient_ids)
        link = re.search(r'href="([^"]*/my/engagements/[^"]*)"', str(mail.body_html)).group(1)
        path = link[len(report.get_base_url()) :].replace("&amp;", "&")

        self.start_tour(path, "engagement_portal_participation_tour", login=self.carla.login)

        dependency.invalidate_recordset()
        self.assertRecordValues(
            dependency,
            [
                {
                    "state": "closed",
                    "customer_answer": "Tour: exported on Friday",
                    "answered_partner_id": self.carla.partner_id.id,
                }
            ],
        )
        # The PM reads the customer's message in the engagement's chatter.
        messages = engagement.with_user(self.pm).message_ids
        posted = messages.filtered(lambda m: "Tour: the files are on the SFTP" in str(m.body))
        self.assertEqual(posted.author_id, self.carla.partner_id)
        self.assertEqual(posted.message_type, "comment")
