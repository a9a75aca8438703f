from odoo import fields, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    engagement_change_order_id = fields.Many2one(
        "engagement.change.order",
        string="Change Order",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
        help="The applied change order whose revenue impact this line bills.",
    )
