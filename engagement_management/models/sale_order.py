from odoo import api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    engagement_id = fields.Many2one(
        "engagement.engagement",
        compute="_compute_engagement_id",
        store=True,
        readonly=False,
        index="btree_not_null",
        check_company=True,
        tracking=True,
        copy=False,
        groups="engagement_management.group_engagement_user",
        help="Confirmed orders of an engagement make its contracted revenue.",
    )

    @api.depends("opportunity_id")
    def _compute_engagement_id(self):
        for order in self:
            if not order.engagement_id and order.opportunity_id.engagement_ids:
                order.engagement_id = order.opportunity_id.engagement_ids[:1]

    def action_view_engagement(self):
        self.ensure_one()
        return self.engagement_id._get_records_action()
