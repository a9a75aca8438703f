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
        groups="engagement_management.group_engagement_user",
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

    def _check_can_link_engagement(self, before):
        """Linking or unlinking an order changes an engagement's contracted revenue: it
        is for those who may change that engagement, whichever field made the link
        (the engagement itself, or the opportunity it is computed from). ``before``:
        ``{order: engagement}`` before the change."""
        if self.env.su:
            return
        changed = self.env["engagement.engagement"]
        for order in self:
            previous = before.get(order, changed)
            current = order.sudo().engagement_id
            if previous != current:
                changed |= previous | current
        if changed:
            self.env["engagement.engagement"].browse(changed.ids).check_access("write")

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        orders.filtered(lambda order: order.sudo().engagement_id)._check_can_link_engagement({})
        return orders

    def write(self, vals):
        # The link is the engagement, computed from the opportunity: only these move it.
        if not {"engagement_id", "opportunity_id"} & set(vals):
            return super().write(vals)
        before = {order: order.sudo().engagement_id for order in self}
        res = super().write(vals)
        self._check_can_link_engagement(before)
        return res

    def action_view_engagement(self):
        self.ensure_one()
        return self.engagement_id._get_records_action()
