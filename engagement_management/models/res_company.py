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
