from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tools import without_default_keys


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
    # Set by Create Quotation from the approved estimate: the phase a fixed-price line
    # sells (its milestone on the delivery project) or the role a time-and-materials
    # line sells (the rate its employees' timesheets bill at).
    engagement_estimate_phase = fields.Char(
        string="Estimate Phase",
        readonly=True,
        copy=False,
        groups="engagement_management.group_engagement_user",
    )
    engagement_estimate_role_id = fields.Many2one(
        "project.role",
        string="Estimate Role",
        readonly=True,
        copy=False,
        ondelete="set null",
        groups="engagement_management.group_engagement_user",
    )

    def _check_estimate_plan_link(self, vals):
        """The phase or role a line sells is the estimate's, set when it is quoted."""
        if self.env.su or not {"engagement_estimate_phase", "engagement_estimate_role_id"} & set(
            vals
        ):
            return
        raise UserError(_("The phase or role of an order line is set by Create Quotation only."))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_estimate_plan_link(vals)
        # Set by the code only: a client's default_ key must not set it either.
        records = (
            self
            if self.env.su
            else without_default_keys(
                self, {"engagement_estimate_phase", "engagement_estimate_role_id"}
            )
        )
        return super(SaleOrderLine, records).create(vals_list)

    def write(self, vals):
        self._check_estimate_plan_link(vals)
        return super().write(vals)
