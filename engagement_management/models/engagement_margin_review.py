from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from .engagement_engagement import GROUP_FINANCE

# What a review line keeps of the engagement's figures when the review starts.
SNAPSHOT_FIELDS = [
    "revenue_contracted",
    "revenue_invoiced",
    "cost_actual",
    "margin",
    "margin_pct",
    "percent_complete",
    "eac_cost",
    "forecast_margin_pct",
    "wip_amount",
    "health",
]


class EngagementMarginReview(models.Model):
    _name = "engagement.margin.review"
    _description = "Engagement Margin Review"
    _inherit = ["mail.thread", "engagement.workflow.mixin"]
    _order = "date_to desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, default=lambda self: _("Margin Review"), tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(string="Period Start", required=True)
    date_to = fields.Date(string="Period End", required=True)
    state = fields.Selection(
        [("draft", "Draft"), ("in_progress", "In Review"), ("closed", "Closed")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
    )
    user_id = fields.Many2one(
        "res.users", string="Reviewer", default=lambda self: self.env.user, tracking=True
    )
    date_closed = fields.Datetime(readonly=True, copy=False)
    line_ids = fields.One2many("engagement.margin.review.line", "review_id", string="Engagements")
    line_count = fields.Integer(compute="_compute_line_stats")
    pending_count = fields.Integer(compute="_compute_line_stats")
    flagged_count = fields.Integer(compute="_compute_line_stats")

    _check_period = models.Constraint(
        "CHECK(date_to >= date_from)", "A review period cannot end before it starts."
    )

    @api.depends("line_ids.state")
    def _compute_line_stats(self):
        for review in self:
            states = review.line_ids.mapped("state")
            review.line_count = len(states)
            review.pending_count = states.count("pending")
            review.flagged_count = states.count("flagged")

    # ------------------------------------------------------------------ rules

    def _check_finance(self):
        if not self.env.su and not self.env.user.has_group(GROUP_FINANCE):
            raise AccessError(_("Only Finance runs margin reviews."))

    def _check_not_closed(self):
        closed = self.filtered(lambda review: review.state == "closed")
        if closed:
            raise UserError(
                _("The margin review %s is closed: it can no longer change.", closed[0].name)
            )

    def write(self, vals):
        self._check_not_closed()
        return super().write(vals)

    def _workflow_fields(self):
        return super()._workflow_fields() | {"state", "date_closed"}

    def _workflow_create_defaults(self):
        return {**super()._workflow_create_defaults(), "state": "draft"}

    def _check_unlink_allowed(self):
        super()._check_unlink_allowed()
        self._check_not_closed()

    # ------------------------------------------------------------------ actions

    def action_start(self):
        """Snapshot every active engagement of the company into one line each."""
        self._check_finance()
        for review in self:
            if review.state != "draft":
                raise UserError(_("%s has already started.", review.name))
            engagements = (
                self.env["engagement.engagement"]
                .sudo()
                .search([("company_id", "=", review.company_id.id), ("is_closed", "=", False)])
            )
            period = self.env["engagement.portfolio.report"]._period_rows(
                engagements.ids, review.date_from, review.date_to
            )
            self.env["engagement.margin.review.line"].sudo()._workflow().create(
                [
                    {
                        "review_id": review.id,
                        "engagement_id": engagement.id,
                        "currency_id": engagement.currency_id.id,
                        **{name: engagement[name] for name in SNAPSHOT_FIELDS},
                        **period.get(engagement.id, {}),
                    }
                    for engagement in engagements
                ]
            )
            review._workflow().state = "in_progress"
            review.message_post(
                body=_(
                    "Review started by %(user)s: %(count)s engagements.",
                    user=self.env.user.name,
                    count=len(engagements),
                )
            )
        return True

    def action_close(self):
        self._check_finance()
        for review in self:
            if review.state != "in_progress":
                raise UserError(_("Only a review in progress can be closed."))
            if review.pending_count:
                raise UserError(
                    _(
                        "%(review)s still has %(count)s engagements neither approved nor flagged.",
                        review=review.name,
                        count=review.pending_count,
                    )
                )
            review._workflow().write({"state": "closed", "date_closed": fields.Datetime.now()})
            review.message_post(body=_("Review closed by %s.", self.env.user.name))
        return True

    def action_print(self):
        return self.env.ref("engagement_management.engagement_margin_review_report").report_action(
            self
        )
