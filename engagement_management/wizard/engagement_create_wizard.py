from odoo import api, fields, models

from ..models.engagement_engagement import FINANCE_GROUPS


class EngagementCreateWizard(models.TransientModel):
    _name = "engagement.create.wizard"
    _description = "Create an Engagement from an Opportunity"

    lead_id = fields.Many2one("crm.lead", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="lead_id.company_id")
    currency_id = fields.Many2one(
        "res.currency", compute="_compute_from_lead", store=True, readonly=False
    )
    name = fields.Char(compute="_compute_from_lead", store=True, readonly=False, required=True)
    user_id = fields.Many2one(
        "res.users",
        string="Engagement Manager",
        required=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
    )
    project_manager_id = fields.Many2one(
        "res.users",
        string="Project Manager",
        compute="_compute_from_lead",
        store=True,
        readonly=False,
        domain="[('share', '=', False)]",
    )
    business_analyst_id = fields.Many2one(
        "res.users",
        string="Business Analyst",
        compute="_compute_from_lead",
        store=True,
        readonly=False,
        domain="[('share', '=', False)]",
    )
    template_id = fields.Many2one(
        "engagement.template",
        string="Template",
        compute="_compute_from_lead",
        store=True,
        readonly=False,
        domain="[('company_id', 'in', [company_id, False])]",
    )
    billing_type = fields.Selection(
        lambda self: self.env["engagement.engagement"]._fields["billing_type"].selection,
        compute="_compute_billing_type",
        store=True,
        readonly=False,
        required=True,
    )
    date_start = fields.Date(string="Start Date")
    date_end = fields.Date(string="End Date")
    budget_revenue = fields.Monetary(
        string="Baseline Revenue",
        compute="_compute_from_lead",
        store=True,
        readonly=False,
        groups=FINANCE_GROUPS,
    )
    budget_cost = fields.Monetary(
        string="Baseline Cost",
        compute="_compute_from_lead",
        store=True,
        readonly=False,
        groups=FINANCE_GROUPS,
    )
    budget_hours = fields.Float(
        string="Baseline Hours", compute="_compute_from_lead", store=True, readonly=False
    )

    @api.depends("template_id", "lead_id")
    def _compute_billing_type(self):
        for wizard in self:
            # The approved estimate priced one way of billing; the template proposes one.
            estimate = wizard.lead_id._get_approved_estimate() if wizard.lead_id else None
            wizard.billing_type = (
                (estimate and estimate.billing_type)
                or wizard.template_id.billing_type
                or wizard.billing_type
                or "fixed_price"
            )

    @api.depends("lead_id")
    def _compute_from_lead(self):
        for wizard in self:
            values = wizard.lead_id._prepare_engagement_values() if wizard.lead_id else {}
            wizard.name = values.get("name")
            wizard.currency_id = values.get("currency_id")
            wizard.project_manager_id = values.get("project_manager_id")
            wizard.business_analyst_id = values.get("business_analyst_id")
            wizard.budget_hours = values.get("budget_hours", 0.0)
            # The template the approved estimate's breakdown came from, else the choice.
            wizard.template_id = values.get("template_id") or wizard.template_id
            if self.env.user.has_groups(FINANCE_GROUPS):
                wizard.budget_revenue = values.get("budget_revenue", 0.0)
                wizard.budget_cost = values.get("budget_cost", 0.0)

    def _engagement_values(self):
        values = {
            "name": self.name,
            "user_id": self.user_id.id,
            "project_manager_id": self.project_manager_id.id,
            "business_analyst_id": self.business_analyst_id.id,
            "billing_type": self.billing_type,
            "template_id": self.template_id.id,
            "date_start": self.date_start,
            "date_end": self.date_end,
            "budget_hours": self.budget_hours,
        }
        if self.env.user.has_groups(FINANCE_GROUPS):
            values.update(budget_revenue=self.budget_revenue, budget_cost=self.budget_cost)
        return values

    def action_create(self):
        self.ensure_one()
        engagement = self.lead_id._create_engagement(self._engagement_values())
        return engagement._get_records_action()
