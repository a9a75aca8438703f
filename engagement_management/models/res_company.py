from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    engagement_co_finance_threshold = fields.Monetary(
        string="Change Order Finance Threshold",
        currency_field="currency_id",
        default=25000.0,
        help="A change order whose revenue or cost impact is above this amount also needs "
        "the approval of Finance.",
    )
    engagement_health_cost_pct = fields.Float(
        string="Engagement Cost Alert (%)",
        default=80.0,
        help="An engagement is at risk when its actual cost reaches this share of the "
        "revised cost budget while its progress is below the progress threshold.",
    )
    engagement_health_progress_pct = fields.Float(
        string="Engagement Progress Alert (%)",
        default=80.0,
        help="Progress under which spending the cost share above puts an engagement at risk.",
    )
