from odoo import fields, models


class EngagementDeliverablePaperWizard(models.TransientModel):
    _name = "engagement.deliverable.paper.wizard"
    _description = "Record a Deliverable Signed on Paper"

    deliverable_id = fields.Many2one("engagement.deliverable", required=True, ondelete="cascade")
    signed_by = fields.Char(string="Signed By", required=True)
    attachment = fields.Binary(string="Countersigned Document", required=True)
    attachment_name = fields.Char(string="File Name")

    def action_confirm(self):
        self.ensure_one()
        self.deliverable_id.action_mark_signed_paper(
            self.attachment, self.attachment_name, self.signed_by
        )
        return {"type": "ir.actions.act_window_close"}
