from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


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
        help="Confirmed orders of an engagement make its contracted revenue.",
    )

    @api.depends("opportunity_id")
    def _compute_engagement_id(self):
        for order in self:
            if not order.engagement_id and order.opportunity_id.engagement_ids:
                order.engagement_id = order.opportunity_id.engagement_ids[:1]

    @api.constrains("engagement_id", "partner_id", "company_id")
    def _check_engagement_customer(self):
        """An order counts in the contracted revenue of its own customer's engagement."""
        for order in self:
            engagement = order.sudo().engagement_id
            if not engagement:
                continue
            if (
                order.partner_id.commercial_partner_id
                != engagement.partner_id.commercial_partner_id
                or order.company_id != engagement.company_id
            ):
                raise ValidationError(
                    _(
                        "%(order)s is for %(customer)s: it cannot count in %(engagement)s, "
                        "an engagement of another customer or company.",
                        order=order.display_name,
                        customer=order.partner_id.display_name,
                        engagement=engagement.display_name,
                    )
                )

    def _check_can_link_engagement(self, vals):
        """Linking an order changes the engagement's contracted revenue: it is for those
        who may change the engagement."""
        if vals.get("engagement_id") and not self.env.su:
            self.env["engagement.engagement"].browse(vals["engagement_id"]).check_access("write")

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_can_link_engagement(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_can_link_engagement(vals)
        return super().write(vals)

    def action_view_engagement(self):
        self.ensure_one()
        return self.engagement_id._get_records_action()
