from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import EngagementCommon


@tagged("post_install", "-at_install")
class TestEngagementCreation(EngagementCommon):
    def test_sales_converts_opportunity_with_pm_and_ba(self):
        """Sales presses Create Engagement on an opportunity where PM and BA joined presales."""
        action = self.lead.with_user(self.sales).action_create_engagement()

        engagement = self.lead.engagement_id
        self.assertEqual(action["res_model"], "engagement.engagement")
        self.assertEqual(action["res_id"], engagement.id)
        self.assertRecordValues(
            engagement,
            [
                {
                    "name": "ERP roll-out",
                    "lead_id": self.lead.id,
                    "partner_id": self.customer.id,
                    "sales_user_id": self.sales.id,
                    "project_manager_id": self.pm.id,
                    "business_analyst_id": self.ba.id,
                    "stage_id": self.stage["presales"].id,
                    "company_id": self.company.id,
                    "budget_revenue": 120000.0,
                }
            ],
        )
        self.assertTrue(engagement.code.startswith("ENG/"), engagement.code)
        self.assertEqual(engagement.display_name, f"[{engagement.code}] ERP roll-out")
        # The salesperson is a member, so they keep seeing what they sold.
        self.assertEqual(engagement.with_user(self.sales).read(["name"])[0]["name"], "ERP roll-out")

    def test_one_engagement_per_opportunity(self):
        self.lead.action_create_engagement()
        with self.assertRefused(UserError, "already has an engagement"):
            self.lead.with_user(self.sales).action_create_engagement()
        self.assertEqual(len(self.lead.engagement_ids), 1)

    def test_wizard_collects_values_and_uses_the_same_creation(self):
        wizard_form = Form(
            self.env["engagement.create.wizard"]
            .with_user(self.manager)
            .with_context(default_lead_id=self.lead.id)
        )
        self.assertEqual(wizard_form.project_manager_id, self.pm)
        self.assertEqual(wizard_form.budget_revenue, 120000.0)
        wizard_form.user_id = self.manager
        wizard_form.billing_type = "time_materials"
        wizard_form.date_start = "2026-01-05"
        wizard_form.date_end = "2026-06-30"
        wizard_form.budget_revenue = 90000.0
        wizard_form.budget_cost = 60000.0
        wizard_form.budget_hours = 600.0
        action = wizard_form.save().action_create()

        engagement = self.env["engagement.engagement"].browse(action["res_id"])
        self.assertRecordValues(
            engagement,
            [
                {
                    "lead_id": self.lead.id,
                    "user_id": self.manager.id,
                    "billing_type": "time_materials",
                    "budget_revenue": 90000.0,
                    "budget_cost": 60000.0,
                    "budget_hours": 600.0,
                }
            ],
        )
        self.assertEqual(str(engagement.date_end), "2026-06-30")

    def test_plain_user_cannot_read_budget_but_handover_keeps_sold_revenue(self):
        self.lead.with_user(self.sales).action_create_engagement()
        engagement = self.lead.engagement_id
        self.assertEqual(engagement.budget_revenue, 120000.0)
        with self.assertRaises(AccessError):
            engagement.with_user(self.sales).read(["budget_revenue"])
        with self.assertRaises(AccessError):
            engagement.with_user(self.sales).write({"budget_revenue": 1.0})
        self.assertEqual(engagement.budget_revenue, 120000.0)

    def test_lead_quotations_link_and_confirmed_ones_count_as_contracted(self):
        product = self.env["product.product"].create(
            {"name": "Implementation Services", "type": "service", "list_price": 150.0}
        )

        def quotation(qty):
            return self.env["sale.order"].create(
                {
                    "partner_id": self.customer.id,
                    "opportunity_id": self.lead.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "product_uom_qty": qty,
                                "price_unit": 150.0,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )

        before = quotation(100)  # exists when the engagement is created
        self.lead.action_create_engagement()
        engagement = self.lead.engagement_id
        after = quotation(40)  # created from the opportunity afterwards
        self.assertEqual(before.engagement_id, engagement)
        self.assertEqual(after.engagement_id, engagement)
        self.assertEqual(engagement.sale_order_count, 2)
        self.assertEqual(engagement.revenue_contracted, 0.0)

        before.action_confirm()
        self.assertEqual(engagement.revenue_contracted, 15000.0)
        after.action_confirm()
        self.assertEqual(engagement.revenue_contracted, 21000.0)

    def test_contracted_revenue_converts_a_foreign_order_at_its_date(self):
        foreign = self.env.ref("base.EUR")
        if foreign == self.company.currency_id:
            foreign = self.env.ref("base.GBP")
        foreign.active = True
        self.env["res.currency.rate"].create(
            [
                {
                    "name": "2026-01-01",
                    "rate": 0.8,
                    "currency_id": foreign.id,
                    "company_id": self.company.id,
                },
                {
                    "name": "2026-03-01",
                    "rate": 0.5,
                    "currency_id": foreign.id,
                    "company_id": self.company.id,
                },
            ]
        )
        pricelist = self.env["product.pricelist"].create(
            {"name": "Foreign", "currency_id": foreign.id}
        )
        product = self.env["product.product"].create(
            {"name": "Implementation Services", "type": "service", "list_price": 100.0}
        )
        self.lead.action_create_engagement()
        engagement = self.lead.engagement_id
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "opportunity_id": self.lead.id,
                "pricelist_id": pricelist.id,
                "date_order": "2026-03-15 10:00:00",
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": 10,
                            "price_unit": 100.0,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        order.date_order = "2026-03-15 10:00:00"  # confirming stamps today's date
        self.assertEqual(order.currency_id, foreign)
        # 1,000 foreign at 0.5 per unit of company currency, the rate in force on 15 March.
        self.assertAlmostEqual(engagement.revenue_contracted, 2000.0)

    def test_refused_without_customer(self):
        lead = self.env["crm.lead"].create({"name": "No customer yet", "type": "opportunity"})
        with self.assertRefused(UserError, "Set the customer"):
            lead.action_create_engagement()
        self.assertFalse(lead.engagement_ids)

    @mute_logger("odoo.sql_db")
    def test_dates_and_budgets_are_validated(self):
        with self.assertRaises(IntegrityError) as refusal, self.cr.savepoint():
            self._create_engagement(date_start="2026-05-01", date_end="2026-04-01")
        self.assertIn("check_dates", str(refusal.exception))
        with self.assertRaises(IntegrityError) as refusal, self.cr.savepoint():
            self._create_engagement(budget_revenue=-10.0)
        self.assertIn("check_budget_positive", str(refusal.exception))
        self.assertFalse(
            self.env["engagement.engagement"].search([("name", "=", "Warehouse system")])
        )
