from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .engagement_engagement import FINANCE_GROUPS


class EngagementRateCardLine(models.Model):
    """One role's rates on a rate card, and the service product its hours are sold as."""

    _name = "engagement.rate.card.line"
    _description = "Engagement Rate Card Line"
    _order = "rate_card_id, sequence, id"
    _check_company_auto = True

    rate_card_id = fields.Many2one(
        "engagement.rate.card", required=True, index=True, ondelete="cascade"
    )
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="rate_card_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="rate_card_id.currency_id")
    role_id = fields.Many2one("project.role", string="Role", required=True, ondelete="restrict")
    product_id = fields.Many2one(
        "product.product",
        string="Service",
        check_company=True,
        domain="[('type', '=', 'service'), ('sale_ok', '=', True)]",
        help="The service product a time-and-materials quotation sells this role's hours "
        "as; empty: the addon's Time and Materials service.",
    )
    # Finance's and the managers': a card's bill rates times an estimate's hours are its
    # revenue, the engagement's Finance-only baseline.
    bill_rate = fields.Monetary(
        string="Bill Rate", groups=FINANCE_GROUPS, help="Price of one hour, untaxed."
    )
    cost_rate = fields.Monetary(
        string="Cost Rate", groups=FINANCE_GROUPS, help="What one hour of this role costs."
    )

    _role_unique = models.UniqueIndex(
        "(rate_card_id, role_id)", "A rate card has one line per role."
    )

    @api.constrains("bill_rate", "cost_rate")
    def _check_rates(self):
        for line in self.sudo():
            if line.bill_rate < 0 or line.cost_rate < 0:
                raise ValidationError(
                    _(
                        "%(card)s: the rates of %(role)s cannot be negative.",
                        card=line.rate_card_id.name,
                        role=line.role_id.name,
                    )
                )

    @api.constrains("product_id")
    def _check_product(self):
        for line in self:
            if line.product_id and line.product_id.type != "service":
                raise ValidationError(
                    _(
                        "%(card)s: %(role)s is sold as a service, not %(product)s.",
                        card=line.rate_card_id.name,
                        role=line.role_id.name,
                        product=line.product_id.display_name,
                    )
                )
