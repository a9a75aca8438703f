from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import clean_context

from ..tools import lock_for_change
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

    # What the lines were taken from: changed once the review has started, the close
    # would post one company's or one period's figures in another's books or on another
    # day.
    _SCOPE_FIELDS = ("company_id", "date_from", "date_to")

    def write(self, vals):
        self._check_not_closed()
        if any(name in vals for name in self._SCOPE_FIELDS):
            started = self.filtered(lambda review: review.state != "draft")
            if started:
                raise UserError(
                    _(
                        "%s has started: its company and period no longer change. Start "
                        "a new review for another company or period.",
                        started[0].name,
                    )
                )
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
            Report = self.env["engagement.portfolio.report"]
            period = Report._period_rows(engagements.ids, review.date_from, review.date_to)
            # The figures on the period's last day, by the same definitions: the WIP the
            # close posts, even when the review starts once the next period has begun.
            period_end = Report._figures_rows(engagements.ids, as_of=review.date_to)
            self.env["engagement.margin.review.line"].sudo()._workflow().create(
                [
                    {
                        "review_id": review.id,
                        "engagement_id": engagement.id,
                        "currency_id": engagement.currency_id.id,
                        **{name: engagement[name] for name in SNAPSHOT_FIELDS},
                        **period.get(engagement.id, {}),
                        **self._period_end_values(period_end.get(engagement.id)),
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

    @api.model
    def _period_end_values(self, figures):
        """A line's period-end values from the engagement's figures on that day (earned
        is invoiced + WIP, as the figures define WIP)."""
        if not figures:
            return {}
        invoiced = float(figures["revenue_invoiced"])
        wip = float(figures["wip_amount"])
        return {"wip_invoiced": invoiced, "wip_earned": invoiced + wip, "wip_period_amount": wip}

    def action_close(self):
        """Close the review and, with revenue recognition on, post each engagement's WIP
        on the period's last day with its reversal on the next (see
        :meth:`_post_revenue_recognition`). Refused, changing nothing, while a line is
        undecided or when the entries cannot be posted as dated."""
        self._check_finance()
        # Two accountants closing the same review at once: the second is told the review
        # is being closed, instead of posting its entries a second time.
        lock_for_change(self)
        for review in self:
            if review.state != "in_progress":
                raise UserError(_("Only a review in progress can be closed."))
            pending = review.line_ids.filtered(lambda line: line.state == "pending")
            if pending:
                raise UserError(
                    _(
                        "%(review)s still has %(count)s engagements neither approved nor "
                        "flagged: %(engagements)s.",
                        review=review.name,
                        count=len(pending),
                        engagements=", ".join(pending.engagement_id.mapped("display_name")),
                    )
                )
            review._post_revenue_recognition()
            review._workflow().write({"state": "closed", "date_closed": fields.Datetime.now()})
            review.message_post(body=_("Review closed by %s.", self.env.user.name))
        return True

    def _revenue_recognition_lines(self):
        """The lines whose WIP the close posts: a non-zero WIP at the period's end, not
        excluded."""
        self.ensure_one()
        return self.line_ids.filtered(
            lambda line: (
                not line.currency_id.is_zero(line.wip_period_amount)
                and not line.wip_excluded
                and not line.wip_move_id
            )
        )

    def _check_revenue_recognition_dates(self, engagements):
        """Refuse when the entry's day or its reversal's falls in a locked period: Odoo's
        posting would silently move the entry past the lock date, into another period."""
        self.ensure_one()
        # sudo for the lock exceptions, which are the accountants'; the user stays the
        # same, so an exception granted to them still counts.
        company = self.company_id.sudo()
        journal = company.engagement_wip_journal_id
        for day in (self.date_to, self.date_to + relativedelta(days=1)):
            locks = company._get_violated_lock_dates(day, False, journal)
            if locks:
                raise UserError(
                    _(
                        "%(review)s cannot post the revenue recognition of %(engagements)s "
                        "on %(day)s: the period is locked (%(locks)s). Close the review once "
                        "the accountant has opened the period, or exclude the engagements.",
                        review=self.name,
                        engagements=", ".join(engagements.mapped("display_name")),
                        day=fields.Date.to_string(day),
                        locks=company._format_lock_dates(locks),
                    )
                )

    def _post_revenue_recognition(self):
        """Post the WIP of each line (:meth:`_revenue_recognition_lines`) dated the
        period's last day, and its reversal dated the next day through Odoo's own
        reversal, which Odoo posts on its date (``auto_post``, its cron) when that day is
        still to come. The entries carry no analytic distribution: they never reach the
        analytic lines the engagement's figures are read from."""
        self.ensure_one()
        self._check_finance()
        company = self.company_id
        if not company.engagement_revenue_recognition:
            return
        lines = self._revenue_recognition_lines()
        if not lines:
            return
        company._engagement_check_revenue_recognition(lines.engagement_id)
        self._check_revenue_recognition_dates(lines.engagement_id)
        # Finance posts without needing accounting rights: what is posted is decided by
        # the review, checked above; the entries are then the accountants' to cancel or
        # reverse under Odoo's own rules.
        # And none of the client's context: a default_ key would reach the entries' lines
        # (an analytic distribution, a journal).
        Move = (
            self.env["account.move"]
            .sudo()
            .with_company(company)
            .with_context(clean_context(self.env.context))
        )
        values = [line._wip_move_values() for line in lines]
        moves = Move.create([move_values for move_values, __ in values])
        moves._post(soft=False)
        reversal_date = self.date_to + relativedelta(days=1)
        reversals = moves._reverse_moves(
            [
                {
                    "date": reversal_date,
                    "ref": self.env._(
                        "Reversal of: %(entry)s, %(ref)s", entry=move.name, ref=move.ref
                    ),
                    "auto_post": "at_date",
                }
                for move in moves
            ]
        )
        reversals._post(soft=True)
        for line, (__, posted), move, reversal in zip(lines, values, moves, reversals, strict=True):
            line._workflow().write(
                {
                    "wip_move_id": move.id,
                    "wip_reversal_move_id": reversal.id,
                    "wip_posted_amount": posted,
                }
            )
        self.message_post(
            body=_(
                "Revenue recognition posted for %(count)s engagements on %(day)s, reversed "
                "on %(reversal)s.",
                count=len(lines),
                day=fields.Date.to_string(self.date_to),
                reversal=fields.Date.to_string(reversal_date),
            )
        )

    def action_print(self):
        return self.env.ref("engagement_management.engagement_margin_review_report").report_action(
            self
        )

    def action_open_wip_schedule(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "engagement_management.engagement_margin_review_line_action_wip"
        )
        action["domain"] = [("review_id", "=", self.id)]
        action["context"] = {"search_default_posted": 1}
        return action
