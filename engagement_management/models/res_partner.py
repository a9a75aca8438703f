from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    engagement_rate_card_id = fields.Many2one(
        "engagement.rate.card",
        string="Rate Card",
        company_dependent=True,
        groups="engagement_management.group_engagement_user",
        help="The rates this customer's estimates start from, instead of the company's.",
    )
