from contextlib import contextmanager

from odoo import Command
from odoo.tests import TransactionCase, new_test_user


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

    @staticmethod
    def _confirm_gates(engagement, up_to_stage):
        """Confirm every approval and checklist item of the stages up to ``up_to_stage``."""
        lines = engagement.gate_line_ids.filtered(
            lambda line: line.stage_id.sequence <= up_to_stage.sequence and line.state == "pending"
        )
        lines.action_confirm()
        return lines
