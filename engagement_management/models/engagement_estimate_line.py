from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .engagement_engagement import FINANCE_GROUPS


class EngagementEstimateLine(models.Model):
    """One item of an estimate's work breakdown: a phase, the work, the role doing it
    and its hours, at the rate card's rates for that role.

    A rate other than the card's says why (``rate_override_reason``). Lines change while
    their estimate is a draft only. The rates and amounts (``bill_rate``, ``cost_rate``,
    ``revenue``, ``cost``) are for Finance and the managers; the PM and BA estimate
    phases, work, roles and hours.
    """

    _name = "engagement.estimate.line"
    _description = "Engagement Estimate Line"
    _inherit = ["engagement.workflow.mixin"]
    _order = "estimate_id, sequence, id"
    _check_company_auto = True

    estimate_id = fields.Many2one(
        "engagement.estimate", required=True, index=True, ondelete="cascade"
    )
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="estimate_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="estimate_id.currency_id")
    phase = fields.Char(required=True, help="The phase of the plan: one task per phase.")
    name = fields.Char(string="Work", required=True)
    role_id = fields.Many2one("project.role", string="Role", ondelete="restrict", index=True)
    hours = fields.Float()
    # The revenue side is Finance's and the managers' too: hours times bill rates add up
    # to the estimate's revenue, the engagement's (Finance-only) baseline.
    bill_rate = fields.Monetary(
        string="Bill Rate",
        compute="_compute_bill_rate",
        store=True,
        readonly=False,
        groups=FINANCE_GROUPS,
        help="From the rate card; another rate needs a reason.",
    )
    cost_rate = fields.Monetary(
        string="Cost Rate",
        compute="_compute_cost_rate",
        store=True,
        readonly=False,
        groups=FINANCE_GROUPS,
        copy=False,
        help="From the rate card; another rate needs a reason. A copy (a new version) "
        "takes the card's again.",
    )
    card_bill_rate = fields.Monetary(
        string="Card Bill Rate", compute="_compute_card_rates", groups=FINANCE_GROUPS
    )
    card_cost_rate = fields.Monetary(
        string="Card Cost Rate", compute="_compute_card_rates", groups=FINANCE_GROUPS
    )
    rate_override_reason = fields.Char(
        string="Why Another Rate", help="Required when a rate is not the rate card's."
    )
    revenue = fields.Monetary(compute="_compute_amounts", store=True, groups=FINANCE_GROUPS)
    cost = fields.Monetary(compute="_compute_amounts", store=True, groups=FINANCE_GROUPS)

    _check_bounded = models.Constraint(
        "CHECK(COALESCE(hours, 0) < 1000000 AND COALESCE(bill_rate, 0) < 1000000000 "
        "AND COALESCE(cost_rate, 0) < 1000000000)",
        "An estimate line stays under 10^6 hours and rates under 10^9: check the figure.",
    )

    # ------------------------------------------------------------------ computes

    # Two computes, not one: Odoo protects every field of a compute given in a create,
    # and a copy gives the bill rate but not the cost rate.
    @api.depends("role_id", "estimate_id.rate_card_id")
    def _compute_bill_rate(self):
        # These run when the role or the card changes, and a rate said for one role
        # does not carry to another: with a reason, a BA (who may not write rates)
        # would otherwise price an architect at a junior's cost and pass the margin
        # rule. A create or write that gives a rate keeps it (Odoo protects given
        # values), with its reason.
        for line in self:
            line.bill_rate = line._card_line().bill_rate

    @api.depends("role_id", "estimate_id.rate_card_id")
    def _compute_cost_rate(self):
        for line in self:
            line.cost_rate = line._card_line().cost_rate

    @api.depends("role_id", "estimate_id.rate_card_id")
    def _compute_card_rates(self):
        for line in self:
            card_line = line._card_line()
            line.card_bill_rate = card_line.bill_rate
            line.card_cost_rate = card_line.cost_rate

    @api.depends("hours", "bill_rate", "cost_rate", "currency_id")
    def _compute_amounts(self):
        for line in self:
            round_ = line.currency_id.round if line.currency_id else (lambda x: x)
            line.revenue = round_(line.hours * line.bill_rate)
            line.cost = round_(line.hours * line.cost_rate)

    def _card_line(self):
        """The rate card's line of this line's role (as superuser: the cost rate)."""
        self.ensure_one()
        card = self.estimate_id.sudo().rate_card_id
        if not card or not self.role_id:
            return self.env["engagement.rate.card.line"]
        return card._rate_line(self.role_id)

    def copy_data(self, default=None):
        # Read as superuser (the rates have groups); who may not write the rates copies
        # the work at the card's rates, without another rate's reason.
        vals_list = super(EngagementEstimateLine, self.sudo()).copy_data(default=default)
        if not (self.env.su or self.env.user.has_groups(FINANCE_GROUPS)):
            for vals in vals_list:
                for name in ("bill_rate", "cost_rate", "rate_override_reason"):
                    vals.pop(name, None)
        return vals_list

    def _new_version_values(self):
        """What a new version's line takes from this one, as its user may create it (the
        rates, which the PM and BA may not write, the workflow carries: see
        ``engagement.estimate.action_new_version``)."""
        return [
            {
                "sequence": line.sequence,
                "phase": line.phase,
                "name": line.name,
                "role_id": line.role_id.id,
                "hours": line.hours,
                "rate_override_reason": line.rate_override_reason,
            }
            for line in self
        ]

    # ------------------------------------------------------------------ constraints

    @api.constrains("role_id", "hours", "bill_rate", "cost_rate", "rate_override_reason")
    def _check_line(self):
        for line in self.sudo():
            if not line.role_id:
                raise ValidationError(
                    _("“%(work)s” (%(phase)s) needs a role.", work=line.name, phase=line.phase)
                )
            if line.hours < 0 or line.bill_rate < 0 or line.cost_rate < 0:
                raise ValidationError(
                    _(
                        "“%(work)s” (%(phase)s): hours and rates cannot be negative.",
                        work=line.name,
                        phase=line.phase,
                    )
                )
            card_line = line._card_line()
            currency = line.currency_id
            overridden = currency.compare_amounts(
                line.bill_rate, card_line.bill_rate
            ) or currency.compare_amounts(line.cost_rate, card_line.cost_rate)
            if overridden and not (line.rate_override_reason or "").strip():
                raise ValidationError(
                    _(
                        "“%(work)s” (%(phase)s) is not at the rate card's rates for "
                        "%(role)s: say why in its reason.",
                        work=line.name,
                        phase=line.phase,
                        role=line.role_id.name,
                    )
                )

    # ------------------------------------------------------------------ the guard's hooks

    def _workflow_fields(self):
        return super()._workflow_fields() | {"estimate_id"}

    def _workflow_create_fields(self):
        # A line belongs to the estimate it was created on, for good.
        return super()._workflow_create_fields() | {"estimate_id"}

    def _check_unlink_allowed(self):
        super()._check_unlink_allowed()
        self._check_draft()

    def _check_draft(self, estimates=None):
        """Lines change while their estimate is a draft, even for the workflow."""
        estimates = (estimates or self.estimate_id).sudo()
        frozen = estimates.filtered(lambda estimate: estimate.state != "draft")
        if frozen:
            raise UserError(
                _(
                    "%(estimate)s is %(state)s: its work breakdown cannot be deleted or "
                    "changed. Create a new version.",
                    estimate=frozen[0].display_name,
                    state=frozen[0]._state_label().lower(),
                )
            )

    # ------------------------------------------------------------------ CRUD

    @api.model_create_multi
    def create(self, vals_list):
        estimates = self.env["engagement.estimate"].browse(
            {vals["estimate_id"] for vals in vals_list if vals.get("estimate_id")}
        )
        self._check_draft(estimates)
        return super().create(vals_list)

    def write(self, vals):
        self._check_draft()
        return super().write(vals)
