from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    engagement_co_finance_threshold = fields.Monetary(
        related="company_id.engagement_co_finance_threshold",
        currency_field="currency_id",
        readonly=False,
    )
    engagement_health_cost_pct = fields.Float(
        related="company_id.engagement_health_cost_pct", readonly=False
    )
    engagement_health_progress_pct = fields.Float(
        related="company_id.engagement_health_progress_pct", readonly=False
    )
