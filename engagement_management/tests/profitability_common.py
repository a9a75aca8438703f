from datetime import date

from odoo import Command

from ..models.engagement_engagement import FIGURE_FIELDS
from .common import EngagementCommon


class ProfitabilityCommon(EngagementCommon):
    """An engagement in execution with real posted documents and timesheets on its project.

    Company currency USD, a EUR invoice. Everything hand-computed in the tests:
    - invoices: 10,000 USD (10 Jan) + 4,000 EUR at 0.8 EUR/USD (10 Feb) = 5,000 USD;
      credit note 1,000 USD (1 Mar): invoiced revenue 14,000;
    - vendor bill 4,000 USD at 50 % on the engagement (15 Feb): 2,000;
    - expense (a manual analytic line, 20 Feb): 300;
    - timesheets (20 Jan): Ann 20 h at 50 = 1,000, Bob 10 h at 80 = 800: 1,800 for 30 h;
    - baseline 50,000 revenue / 20,000 cost / 100 h; change orders add 10,000 / 5,000 /
      20 h (one applied change order): revised 60,000 / 25,000 / 120 h.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.usd = cls.company.currency_id
        cls.eur = cls.env.ref("base.EUR")
        cls.eur.active = True
        assert cls.usd.name == "USD", "the scenario is written for a USD company"
        # EUR per USD, the company's own rates (they win over any global rate).
        for day, rate in (("2025-01-01", 0.9), ("2025-02-01", 0.8), ("2025-03-01", 0.75)):
            cls.env["res.currency.rate"].create(
                {"name": day, "rate": rate, "currency_id": cls.eur.id, "company_id": cls.company.id}
            )
        cls.engagement = cls._create_engagement(
            name="Warehouse system",
            budget_revenue=50000.0,
            budget_cost=20000.0,
            budget_hours=100.0,
            target_margin_pct=30.0,
            # The scenario's WIP is by hours (30 h of 120 h); cost-to-cost and signed
            # milestones have their own cases (test_engagement_figures_sql).
            recognition_method="hours",
        )
        cls.project = cls.env["project.project"].create(
            {"name": "Warehouse system", "partner_id": cls.customer.id, "allow_timesheets": True}
        )
        if not cls.project.account_id:
            cls.project._create_analytic_account()
        cls.account = cls.project.account_id
        cls.engagement.project_id = cls.project
        cls.vendor = cls.env["res.partner"].create({"name": "Subcontractor Ltd"})

        cls._post_move("out_invoice", cls.customer, "2025-01-10", 10000.0)
        cls._post_move("out_invoice", cls.customer, "2025-02-10", 4000.0, currency=cls.eur)
        cls._post_move("out_refund", cls.customer, "2025-03-01", 1000.0)
        cls._post_move("in_invoice", cls.vendor, "2025-02-15", 4000.0, share=50.0)
        cls.env["account.analytic.line"].create(
            {
                "name": "Travel to the customer's site",
                "account_id": cls.account.id,
                "amount": -300.0,
                "date": "2025-02-20",
            }
        )
        cls.ann = cls.env["hr.employee"].create({"name": "Ann Analyst", "hourly_cost": 50.0})
        cls.bob = cls.env["hr.employee"].create({"name": "Bob Builder", "hourly_cost": 80.0})
        for employee, hours in ((cls.ann, 20.0), (cls.bob, 10.0)):
            cls.env["account.analytic.line"].create(
                {
                    "name": "Analysis",
                    "project_id": cls.project.id,
                    "employee_id": employee.id,
                    "unit_amount": hours,
                    "date": "2025-01-20",
                }
            )

    @classmethod
    def _post_move(cls, move_type, partner, day, amount, currency=None, share=100.0):
        move = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": day,
                "date": day,
                "currency_id": (currency or cls.usd).id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Services",
                            "quantity": 1.0,
                            "price_unit": amount,
                            "tax_ids": [],
                            "analytic_distribution": {str(cls.account.id): share},
                        }
                    )
                ],
            }
        )
        move.action_post()
        return move

    def _patch_change_deltas(self, revenue=10000.0, cost=5000.0, hours=20.0):
        """An applied change order with these deltas, written as the workflow writes it
        (the path through approval and signature is the change-order tests')."""
        self.env["engagement.change.order"]._workflow().create(
            {
                "engagement_id": self.engagement.id,
                "title": "Extra warehouse",
                "description": "Extra warehouse",
                "reason": "Scope added by the customer",
                "revenue_delta": revenue,
                "cost_delta": cost,
                "hours_delta": hours,
                "state": "applied",
                "applied_on": "2025-03-01 09:00:00",
            }
        )
        self.env.invalidate_all()

    def _figures(self, engagement=None):
        engagement = engagement or self.engagement
        engagement.invalidate_recordset()
        return {name: engagement[name] for name in FIGURES}


# The money and hours of the scenario (the revised end date is the schedule's).
FIGURES = [name for name in FIGURE_FIELDS if name != "revised_date_end"]

SCENARIO_DAY = date(2025, 3, 31)
