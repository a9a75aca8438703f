from odoo import fields, models


class EngagementDeliverableReturnWizard(models.TransientModel):
    _name = "engagement.deliverable.return.wizard"
    _description = "Send a Deliverable Back from Review"

    deliverable_id = fields.Many2one("engagement.deliverable", required=True, ondelete="cascade")
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.deliverable_id.action_review_return(self.reason)
        return {"type": "ir.actions.act_window_close"}
