from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import without_default_keys


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

    engagement_estimate_id = fields.Many2one(
        "engagement.estimate",
        string="Estimate",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        groups="engagement_management.group_engagement_user",
        help="The approved estimate this quotation was made from.",
    )
    engagement_estimate_mismatch = fields.Boolean(
        string="Differs from the Estimate",
        compute="_compute_engagement_estimate_mismatch",
        groups="engagement_management.group_engagement_user",
        help="Confirmed for an untaxed amount other than the approved estimate's revenue.",
    )

    @api.depends("opportunity_id")
    def _compute_engagement_id(self):
        for order in self:
            if not order.engagement_id and order.opportunity_id.engagement_ids:
                order.engagement_id = order.opportunity_id.engagement_ids[:1]

    @api.depends("state", "amount_untaxed", "engagement_estimate_id.revenue_total")
    def _compute_engagement_estimate_mismatch(self):
        for order in self:
            estimate = order.sudo().engagement_estimate_id
            order.engagement_estimate_mismatch = bool(
                order.state == "sale" and estimate and not order._matches_estimate(estimate)
            )

    def _matches_estimate(self, estimate):
        """Whether the untaxed amount is the estimate's revenue, up to the rounding of
        each order line to the currency (hours times rates)."""
        self.ensure_one()
        amount = self.amount_untaxed
        if self.currency_id != estimate.currency_id:
            amount = self.currency_id._convert(
                amount,
                estimate.currency_id,
                self.company_id,
                self.date_order or fields.Date.today(),
            )
        tolerance = estimate.currency_id.rounding * max(len(self.order_line), 1)
        return abs(amount - estimate.revenue_total) <= tolerance + 1e-9

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

    def _check_estimate_link(self, vals):
        """Which estimate an order comes from is said by the estimate's button only."""
        if "engagement_estimate_id" in vals and not self.env.su:
            raise UserError(_("A quotation is linked to its estimate by Create Quotation only."))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_estimate_link(vals)
        # Set by the code only: a client's default_ key must not set it either.
        records = self if self.env.su else without_default_keys(self, {"engagement_estimate_id"})
        orders = super(SaleOrder, records).create(vals_list)
        orders.filtered(lambda order: order.sudo().engagement_id)._check_can_link_engagement({})
        return orders

    def write(self, vals):
        self._check_estimate_link(vals)
        # The link is the engagement, computed from the opportunity: only these move it.
        if not {"engagement_id", "opportunity_id"} & set(vals):
            return super().write(vals)
        before = {order: order.sudo().engagement_id for order in self}
        res = super().write(vals)
        self._check_can_link_engagement(before)
        return res

    def action_confirm(self):
        result = super().action_confirm()
        # Confirmed once the delivery project exists: it gets the order's milestones or
        # employee rates now (otherwise the project's creation plans them).
        for order in self.sudo().filtered("engagement_estimate_id"):
            project = order.engagement_id.project_id
            if project and order.engagement_estimate_id.state == "approved":
                order.engagement_estimate_id._plan_project(project)
        return result

    def action_view_engagement(self):
        self.ensure_one()
        return self.engagement_id._get_records_action()

    def action_view_engagement_estimate(self):
        self.ensure_one()
        return self.engagement_estimate_id._get_records_action()
