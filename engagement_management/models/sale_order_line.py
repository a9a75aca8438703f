from odoo import fields, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    engagement_change_order_id = fields.Many2one(
        "engagement.change.order",
        string="Change Order",
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups="engagement_management.group_engagement_user",
        # The line is billed revenue and outlives the change order. Change orders past
        # draft cannot be deleted anyway (_unlink_only_drafts); a restrict key here held
        # the order, its engagement and customer back at uninstall.
        ondelete="set null",
        help="The applied change order whose revenue impact this line bills.",
    )
