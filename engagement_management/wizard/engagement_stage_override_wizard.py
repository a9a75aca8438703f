from odoo import api, fields, models


class EngagementStageOverrideWizard(models.TransientModel):
    _name = "engagement.stage.override.wizard"
    _description = "Override Engagement Stage Gates"

    engagement_id = fields.Many2one("engagement.engagement", required=True, ondelete="cascade")
    current_stage_id = fields.Many2one(related="engagement_id.stage_id")
    stage_id = fields.Many2one("engagement.stage", string="Move To", required=True)
    unmet = fields.Text(string="Unmet Criteria", compute="_compute_unmet")
    reason = fields.Text(required=True)

    @api.depends("engagement_id", "stage_id")
    def _compute_unmet(self):
        for wizard in self:
            unmet = (
                wizard.engagement_id._get_unmet_gates(wizard.stage_id)
                if wizard.engagement_id and wizard.stage_id
                else []
            )
            wizard.unmet = "\n".join(f"{stage.name}: {message}" for stage, message in unmet)

    def action_override(self):
        self.ensure_one()
        self.engagement_id.action_override_stage(self.stage_id, self.reason)
        return {"type": "ir.actions.act_window_close"}
