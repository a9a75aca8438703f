from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import EngagementCommon

BRD = "engagement_management.engagement_deliverable_type_brd"
MODELS = (
    "engagement.engagement",
    "engagement.gate.line",
    "engagement.deliverable",
    "engagement.change.order",
    "engagement.status.report",
    "engagement.profitability.report",
    "engagement.margin.review",
    "engagement.margin.review.line",
)


class CompaniesCommon(EngagementCommon):
    """The same set of records in company A and in company B."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.finance_b = new_test_user(
            cls.env,
            "em_finance_b",
            groups="engagement_management.group_engagement_finance",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
            name="Fred Finance B",
        )
        cls.records_a = cls._company_records(cls.env.company, cls.customer, cls.manager)
        cls.records_b = cls._company_records(cls.company_b, cls.customer_b, cls.manager_b)

    @classmethod
    def _company_records(cls, company, customer, manager):
        env = cls.env(context=dict(cls.env.context, allowed_company_ids=company.ids))
        engagement = env["engagement.engagement"].create(
            {
                "name": f"Roll-out {company.name}",
                "partner_id": customer.id,
                "company_id": company.id,
                "currency_id": company.currency_id.id,
                "user_id": manager.id,
            }
        )
        project = env["project.project"].create(
            {"name": f"Roll-out {company.name}", "company_id": company.id}
        )
        if not project.account_id:
            project._create_analytic_account()
        engagement.project_id = project
        env["account.analytic.line"].create(
            {
                "name": "Travel",
                "account_id": project.account_id.id,
                "amount": -120.0,
                "company_id": company.id,
            }
        )
        deliverable = cls._make_deliverable(engagement.with_env(env), BRD)
        deliverable.action_submit()
        change_order = env["engagement.change.order"].create(
            {
                "engagement_id": engagement.id,
                "title": f"Extra scope {company.name}",
                "category": "scope",
                "revenue_delta": 1000.0,
            }
        )
        change_order.action_submit()
        env["engagement.status.report"].create(
            {"engagement_id": engagement.id, "date": "2026-03-01", "summary": "On track."}
        )
        review = env["engagement.margin.review"].create(
            {
                "name": f"January {company.name}",
                "company_id": company.id,
                "date_from": "2025-01-01",
                "date_to": "2025-01-31",
            }
        )
        review.action_start()
        # Only what was made here: the demo data may hold more of each.
        records = {
            "engagement.engagement": engagement,
            "engagement.gate.line": engagement.gate_line_ids,
            "engagement.deliverable": deliverable,
            "engagement.change.order": change_order,
            "engagement.status.report": engagement.status_report_ids,
            "engagement.profitability.report": env["engagement.profitability.report"].search(
                [("engagement_id", "=", engagement.id)]
            ),
            "engagement.margin.review": review,
            "engagement.margin.review.line": review.line_ids.filtered(
                lambda line: line.engagement_id == engagement
            ),
        }
        for model, found in records.items():
            assert found, f"no {model} in {company.name}"
        return records


@tagged("post_install", "-at_install")
class TestEngagementCompaniesApart(CompaniesCommon):
    def test_users_of_company_b_see_nothing_of_company_a(self):
        for user in (self.manager_b, self.finance_b):
            for model in MODELS:
                with self.subTest(user=user.name, model=model):
                    Model = self.env[model].with_user(user)
                    if not Model.has_access("read"):
                        continue
                    seen = Model.search([])
                    self.assertFalse(seen & self.records_a[model])
                    self.assertEqual(seen.company_id, self.company_b)
                    with self.assertRaises(AccessError):
                        self.records_a[model][:1].with_user(user).read(["display_name"])
        # Company A's manager, likewise, sees nothing of company B.
        for model in MODELS:
            with self.subTest(user="manager A", model=model):
                seen = self.env[model].with_user(self.manager).search([])
                self.assertFalse(seen & self.records_b[model])

    def test_company_b_cannot_write_company_a_records(self):
        engagement_a = self.records_a["engagement.engagement"]
        with self.assertRaises(AccessError):
            engagement_a.with_user(self.manager_b).write({"name": "Taken over"})
        with self.assertRaises(AccessError):
            self.env["engagement.change.order"].with_user(self.manager_b).create(
                {
                    "engagement_id": engagement_a.id,
                    "title": "Sneaked in",
                    "category": "scope",
                    "revenue_delta": 1.0,
                }
            )
        self.assertEqual(engagement_a.name, "Roll-out " + self.env.company.name)

    def test_an_engagement_cannot_link_records_of_another_company(self):
        engagement_a = self.records_a["engagement.engagement"]
        engagement_b = self.records_b["engagement.engagement"]
        order_b = self.env["sale.order"].create(
            {"partner_id": self.customer_b.id, "company_id": self.company_b.id}
        )
        with self.assertRaises(UserError):
            order_b.engagement_id = engagement_a
        self.assertFalse(order_b.engagement_id)
        with self.assertRaises(UserError):
            engagement_a.project_id = engagement_b.project_id
        lead_b = self.env["crm.lead"].create(
            {"name": "B deal", "partner_id": self.customer_b.id, "company_id": self.company_b.id}
        )
        with self.assertRaises(UserError):
            engagement_a.lead_id = lead_b
        with self.assertRaises(UserError):
            engagement_a.partner_id = self.customer_b
        self.assertFalse(engagement_a.lead_id)
        self.assertEqual(engagement_a.partner_id, self.customer)


@tagged("post_install", "-at_install")
class TestEngagementCompaniesPortal(HttpCase, CompaniesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bob = new_test_user(
            cls.env,
            "em_portal_bob",
            groups="base.group_portal",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
            name="Bob Beta",
        )
        cls.bob.partner_id.parent_id = cls.customer_b

    def test_a_portal_user_of_company_b_sees_only_company_b(self):
        self.authenticate("em_portal_bob", "em_portal_bob")
        listing = self.url_open("/my/engagements")
        self.assertEqual(listing.status_code, 200)
        self.assertIn(self.records_b["engagement.engagement"].name, listing.text)
        self.assertNotIn(self.records_a["engagement.engagement"].name, listing.text)
        for url in (
            f"/my/engagements/{self.records_a['engagement.engagement'].id}",
            f"/my/deliverables/{self.records_a['engagement.deliverable'].id}",
            f"/my/change_orders/{self.records_a['engagement.change.order'].id}",
        ):
            with self.subTest(url=url):
                self.assertEqual(self.url_open(url).status_code, 404)
        self.assertEqual(
            self.url_open(
                f"/my/deliverables/{self.records_b['engagement.deliverable'].id}"
            ).status_code,
            200,
        )
