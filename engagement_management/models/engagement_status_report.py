from odoo import api, fields, models

from .engagement_engagement import HEALTH_STATES


class EngagementStatusReport(models.Model):
    """A periodic status update by the PM; the latest one is the engagement's reported
    health (kept apart from the health the figures give)."""

    _name = "engagement.status.report"
    _inherit = ["engagement.workflow.mixin"]
    _description = "Engagement Status Report"
    _order = "date desc, id desc"
    _check_company_auto = True

    engagement_id = fields.Many2one(
        "engagement.engagement", required=True, ondelete="cascade", index=True, check_company=True
    )
    company_id = fields.Many2one(related="engagement_id.company_id", store=True, index=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    user_id = fields.Many2one(
        "res.users", string="Author", default=lambda self: self.env.user, readonly=True
    )
    health = fields.Selection(
        HEALTH_STATES,
        required=True,
        default="green",
    )
    summary = fields.Text(required=True)
    accomplishments = fields.Html()
    risks = fields.Html(string="Risks and Issues")
    next_steps = fields.Html(string="Next Steps")

    @api.depends("engagement_id", "date")
    def _compute_display_name(self):
        for report in self:
            report.display_name = f"{report.engagement_id.display_name} – {report.date or ''}"

    def _workflow_fields(self):
        # The author is who wrote it, never someone named by the client.
        return super()._workflow_fields() | {"user_id"}
