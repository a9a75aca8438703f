from odoo import _, fields, models
from odoo.exceptions import AccessError, UserError


class EngagementGateLine(models.Model):
    """An engagement's record of an approval or a checklist item: who confirmed it, when."""

    _name = "engagement.gate.line"
    _inherit = ["engagement.workflow.mixin"]
    _description = "Engagement Gate Confirmation"
    _order = "stage_sequence, gate_sequence, id"

    engagement_id = fields.Many2one(
        "engagement.engagement", required=True, ondelete="cascade", index=True
    )
    gate_id = fields.Many2one("engagement.stage.gate", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="engagement_id.company_id", store=True)
    name = fields.Char(related="gate_id.name")
    gate_type = fields.Selection(related="gate_id.gate_type")
    group_id = fields.Many2one(related="gate_id.group_id")
    stage_id = fields.Many2one(related="gate_id.stage_id", store=True)
    stage_sequence = fields.Integer(
        related="gate_id.stage_id.sequence", store=True, string="Stage Sequence"
    )
    gate_sequence = fields.Integer(related="gate_id.sequence", store=True, string="Gate Sequence")
    state = fields.Selection(
        [("pending", "Pending"), ("done", "Done")], default="pending", required=True
    )
    done_by_id = fields.Many2one("res.users", string="Confirmed By", readonly=True)
    done_date = fields.Datetime(string="Confirmed On", readonly=True)

    _engagement_gate_unique = models.Constraint(
        "UNIQUE(engagement_id, gate_id)",
        "An engagement has one confirmation per gate.",
    )

    def _workflow_fields(self):
        return super()._workflow_fields() | {"state", "done_by_id", "done_date"}

    def _workflow_create_defaults(self):
        return {**super()._workflow_create_defaults(), "state": "pending"}

    def action_confirm(self):
        for line in self:
            if line.state == "done":
                raise UserError(_("“%s” is already confirmed.", line.name))
            line._check_can_confirm()
        # Lines are read-only to users: this method is the only way to confirm one.
        self.sudo()._workflow().write(
            {"state": "done", "done_by_id": self.env.user.id, "done_date": fields.Datetime.now()}
        )
        for line in self:
            line._post_on_engagement(
                _(
                    "%(kind)s “%(gate)s” (for %(stage)s) confirmed by %(user)s.",
                    kind=dict(line.gate_id._fields["gate_type"].selection)[line.gate_type],
                    gate=line.name,
                    stage=line.stage_id.name,
                    user=self.env.user.name,
                )
            )
        return True

    def action_reset(self):
        for line in self:
            line._check_can_confirm()
        self.sudo()._workflow().write({"state": "pending", "done_by_id": False, "done_date": False})
        for line in self:
            line._post_on_engagement(
                _("“%(gate)s” withdrawn by %(user)s.", gate=line.name, user=self.env.user.name)
            )
        return True

    def _post_on_engagement(self, body):
        """Log on the engagement as the confirming user, who may only read it (Finance
        gives the financial close without writing engagements)."""
        self.engagement_id.sudo().message_post(
            body=body, subtype_xmlid="mail.mt_note", author_id=self.env.user.partner_id.id
        )

    def _check_can_confirm(self):
        """Approvals belong to their group (Finance gives the financial close on engagements
        it only reads); checklist items to whoever may work on the engagement."""
        self.ensure_one()
        if self.env.is_superuser():
            return
        if self.gate_type != "approval":
            self.engagement_id.check_access("write")
            return
        self.engagement_id.check_access("read")
        if self.group_id not in self.env.user.all_group_ids:
            raise AccessError(
                _(
                    "Only members of %(group)s can give the approval “%(gate)s”.",
                    group=self.group_id.name,
                    gate=self.name,
                )
            )
