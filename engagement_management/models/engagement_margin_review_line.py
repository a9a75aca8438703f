from markupsafe import escape

from odoo import _, fields, models
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
    engagement_id = fields.Many2one(
        "engagement.engagement", required=True, ondelete="cascade", check_company=True
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
