from markupsafe import escape

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

from .engagement_engagement import HEALTH_STATES
from .engagement_margin_review import SNAPSHOT_FIELDS


class EngagementMarginReviewLine(models.Model):
    _name = "engagement.margin.review.line"
    _inherit = ["engagement.workflow.mixin"]
    _description = "Engagement Margin Review Line"
    _order = "review_id, id"
    _check_company_auto = True

    review_id = fields.Many2one(
        "engagement.margin.review", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="review_id.company_id", store=True, index=True)
    # Restrict: a closed review keeps its lines and their posted entries; an engagement
    # that was reviewed is archived, not deleted.
    engagement_id = fields.Many2one(
        "engagement.engagement", required=True, ondelete="restrict", check_company=True
    )
    user_id = fields.Many2one(
        related="engagement_id.user_id", string="Engagement Manager", store=True
    )
    partner_id = fields.Many2one(related="engagement_id.partner_id", string="Customer")
    currency_id = fields.Many2one("res.currency", required=True)
    state = fields.Selection(
        [("pending", "To Review"), ("approved", "Approved"), ("flagged", "Flagged")],
        default="pending",
        required=True,
        readonly=True,
    )
    comment = fields.Text()
    decided_by_id = fields.Many2one("res.users", string="Decided By", readonly=True)
    date_decided = fields.Datetime(string="Decided On", readonly=True)

    # Snapshot of the engagement's figures when the review started (to date)
    revenue_contracted = fields.Monetary(string="Contracted Revenue", readonly=True)
    revenue_invoiced = fields.Monetary(string="Invoiced Revenue", readonly=True)
    cost_actual = fields.Monetary(string="Actual Cost", readonly=True)
    margin = fields.Monetary(readonly=True)
    margin_pct = fields.Float(string="Margin (%)", readonly=True)
    percent_complete = fields.Float(string="Progress (%)", readonly=True)
    eac_cost = fields.Monetary(string="Cost at Completion", readonly=True)
    forecast_margin_pct = fields.Float(string="Forecast Margin (%)", readonly=True)
    wip_amount = fields.Monetary(string="WIP (Unbilled)", readonly=True)
    health = fields.Selection(HEALTH_STATES, readonly=True)
    # The review's period only
    period_revenue = fields.Monetary(string="Period Revenue", readonly=True)
    period_cost = fields.Monetary(string="Period Cost", readonly=True)
    period_margin = fields.Monetary(string="Period Margin", readonly=True)

    # Revenue recognition: what the close posted for this engagement (company currency)
    company_currency_id = fields.Many2one(
        related="review_id.currency_id", string="Company Currency"
    )
    wip_excluded = fields.Boolean(
        string="Excluded from Posting",
        readonly=True,
        help="A flagged engagement whose WIP the close does not post; the reason says why.",
    )
    wip_exclusion_reason = fields.Text(string="Exclusion Reason", readonly=True)
    # The figures as they stood on the period's last day: what the close posts, whenever
    # the review was started (the snapshot above is the figures to date).
    wip_invoiced = fields.Monetary(
        string="Invoiced at Period End",
        readonly=True,
        help="Invoiced revenue as it stood on the period's last day.",
    )
    wip_earned = fields.Monetary(
        string="Earned at Period End",
        readonly=True,
        help="Revenue earned by the billing type's rule and the recognition method as it "
        "stood on the period's last day.",
    )
    wip_period_amount = fields.Monetary(
        string="WIP at Period End",
        readonly=True,
        help="Earned minus invoiced on the period's last day: what the close posts.",
    )
    wip_posted_amount = fields.Monetary(
        string="Posted (Company Currency)",
        currency_field="company_currency_id",
        readonly=True,
        help="The WIP as posted on the period's last day, converted to the company's "
        "currency at that day's rate: positive on the unbilled revenue account, negative "
        "on the deferred revenue account.",
    )
    wip_unbilled_amount = fields.Monetary(
        string="Unbilled (Contract Asset)",
        currency_field="company_currency_id",
        compute="_compute_wip_schedule",
        store=True,
    )
    wip_deferred_amount = fields.Monetary(
        string="Deferred (Contract Liability)",
        currency_field="company_currency_id",
        compute="_compute_wip_schedule",
        store=True,
    )
    wip_move_id = fields.Many2one(
        "account.move", string="WIP Entry", readonly=True, copy=False, index="btree_not_null"
    )
    wip_reversal_move_id = fields.Many2one(
        "account.move", string="WIP Reversal", readonly=True, copy=False, index="btree_not_null"
    )

    @api.depends("wip_posted_amount")
    def _compute_wip_schedule(self):
        for line in self:
            line.wip_unbilled_amount = max(line.wip_posted_amount, 0.0)
            line.wip_deferred_amount = max(-line.wip_posted_amount, 0.0)

    def write(self, vals):
        self.review_id._check_not_closed()
        return super().write(vals)

    def _workflow_fields(self):
        """The decision and the snapshot: what the review recorded, as it was."""
        return super()._workflow_fields() | {
            "review_id",
            "engagement_id",
            "currency_id",
            "state",
            "decided_by_id",
            "date_decided",
            *SNAPSHOT_FIELDS,
            "period_revenue",
            "period_cost",
            "period_margin",
            "wip_invoiced",
            "wip_earned",
            "wip_period_amount",
            "wip_excluded",
            "wip_exclusion_reason",
            "wip_posted_amount",
            "wip_move_id",
            "wip_reversal_move_id",
        }

    def _check_decidable(self):
        self.review_id._check_finance()
        self.review_id._check_not_closed()
        if any(line.review_id.state != "in_progress" for line in self):
            raise UserError(_("Lines are decided once the review has started."))

    def action_approve(self):
        self._check_decidable()
        self._workflow().write(
            {
                "state": "approved",
                "decided_by_id": self.env.user.id,
                "date_decided": fields.Datetime.now(),
            }
        )
        return True

    def action_flag(self, comment=None):
        """Flag with a comment (given, or already typed on the line); the engagement's
        manager gets an activity with it."""
        self._check_decidable()
        for line in self:
            text = (comment or line.comment or "").strip()
            if not text:
                raise UserError(
                    _("Say why %s is flagged: a comment is needed.", line.engagement_id.name)
                )
            line._workflow().write(
                {
                    "state": "flagged",
                    "comment": text,
                    "decided_by_id": self.env.user.id,
                    "date_decided": fields.Datetime.now(),
                }
            )
            line.engagement_id.sudo().activity_schedule(
                "engagement_management.mail_activity_type_engagement_margin_flag",
                summary=_("Margin review: %s flagged", line.engagement_id.display_name),
                note=escape(
                    _(
                        "%(user)s flagged the engagement in %(review)s: %(comment)s",
                        user=self.env.user.name,
                        review=line.review_id.name,
                        comment=text,
                    )
                ),
                user_id=(line.engagement_id.user_id or self.env.user).id,
            )
            line.engagement_id.sudo().message_post(
                body=_(
                    "Flagged by %(user)s in %(review)s: %(comment)s",
                    user=self.env.user.name,
                    review=line.review_id.name,
                    comment=text,
                )
            )
        return True

    def _wip_move_values(self):
        """``(values of the WIP entry, its amount in the company's currency)``: the WIP
        as it stood on the period's last day (``wip_period_amount``), in the engagement's
        currency as the lines' foreign
        currency and converted with Odoo's rate of that day. WIP > 0: debit unbilled
        revenue, credit revenue; WIP < 0 (invoiced ahead): debit revenue, credit deferred
        revenue."""
        self.ensure_one()
        review = self.review_id
        company = review.company_id
        day = review.date_to
        amount = self.currency_id.round(self.wip_period_amount)
        balance = self.currency_id._convert(amount, company.currency_id, company, day)
        engagement = self.engagement_id
        revenue_account = company.engagement_revenue_adjustment_account_id
        if amount > 0:
            label = _("Unbilled revenue (WIP): %s", engagement.display_name)
            debit_account, credit_account = company.engagement_unbilled_account_id, revenue_account
        else:
            label = _("Deferred revenue: %s", engagement.display_name)
            debit_account, credit_account = revenue_account, company.engagement_deferred_account_id
        partner = engagement.partner_id.commercial_partner_id

        def line(account, sign):
            return Command.create(
                {
                    "name": label,
                    "account_id": account.id,
                    "partner_id": partner.id,
                    "currency_id": self.currency_id.id,
                    "amount_currency": sign * abs(amount),
                    "balance": sign * abs(balance),
                    # No analytic line: the figures read analytic lines, and this is a
                    # view of them, not a new revenue.
                    "analytic_distribution": False,
                }
            )

        values = {
            "move_type": "entry",
            "journal_id": company.engagement_wip_journal_id.id,
            "company_id": company.id,
            "date": day,
            "currency_id": self.currency_id.id,
            "ref": _(
                "%(engagement)s: revenue recognition, %(review)s",
                engagement=engagement.display_name,
                review=review.name,
            ),
            "line_ids": [line(debit_account, 1), line(credit_account, -1)],
        }
        return values, balance

    def action_exclude_wip(self, reason=None):
        """Keep a flagged engagement's WIP out of the close's posting, with the reason
        (given, or the line's comment, as the list's button sends it), recorded in the
        review's chatter."""
        self._check_decidable()
        for line in self:
            if line.state != "flagged":
                raise UserError(
                    _(
                        "Only a flagged engagement can be excluded from the posting: %s is not.",
                        line.engagement_id.display_name,
                    )
                )
            text = (reason or line.comment or "").strip()
            if not text:
                raise UserError(
                    _(
                        "Say why the WIP of %s is not posted: a reason is needed.",
                        line.engagement_id.display_name,
                    )
                )
            line._workflow().write({"wip_excluded": True, "wip_exclusion_reason": text})
            line.review_id.message_post(
                body=_(
                    "%(user)s excluded %(engagement)s from the WIP posting: %(reason)s",
                    user=self.env.user.name,
                    engagement=line.engagement_id.display_name,
                    reason=text,
                )
            )
        return True
