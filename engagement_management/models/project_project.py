from odoo import api, fields, models

from .engagement_engagement import FINANCE_GROUPS


class ProjectProject(models.Model):
    _inherit = "project.project"

    # Only engagement users read these: project users without an engagement group work
    # on projects as if the addon were not there.
    engagement_ids = fields.One2many(
        "engagement.engagement",
        "project_id",
        string="Engagements",
        groups="engagement_management.group_engagement_user",
    )
    engagement_id = fields.Many2one(
        "engagement.engagement",
        compute="_compute_engagement_id",
        store=True,
        index=True,
        string="Engagement",
        groups="engagement_management.group_engagement_user",
    )

    @api.depends("engagement_ids")
    def _compute_engagement_id(self):
        for project in self:
            project.engagement_id = project.engagement_ids[:1]

    def _show_profitability(self):
        # An engagement's delivery project shows its money (Odoo's project panel) to
        # those who read the engagement's figures, not to every member working on it.
        if self.sudo().engagement_id and not self.env.user.has_groups(
            f"{FINANCE_GROUPS},project.group_project_manager"
        ):
            return False
        return super()._show_profitability()

    def action_view_engagement(self):
        self.ensure_one()
        return self.engagement_id._get_records_action()
