from odoo import api, fields, models

from .engagement_engagement import HEALTH_STATES


class EngagementStatusReport(models.Model):
    """A periodic status update; the latest one sets the engagement's health."""

    _name = "engagement.status.report"
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

    @api.model_create_multi
    def create(self, vals_list):
        reports = super().create(vals_list)
        reports.engagement_id._update_health_from_reports()
        return reports

    def write(self, vals):
        res = super().write(vals)
        if {"health", "date"} & set(vals):
            self.engagement_id._update_health_from_reports()
        return res
