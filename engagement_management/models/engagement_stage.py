from odoo import fields, models


class EngagementStage(models.Model):
    _name = "engagement.stage"
    _description = "Engagement Stage"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)
    fold = fields.Boolean(string="Folded in Kanban")
    is_closed = fields.Boolean(
        string="Closing Stage",
        help="Engagements in this stage are over: they leave the active pipeline.",
    )
    is_cancelled = fields.Boolean(
        string="Cancellation Stage",
        help="Entering it checks only its own gates, not those of the stages before it.",
    )
    project_allowed = fields.Boolean(
        string="Project Can Be Created",
        help="From this stage on, the engagement's delivery project can be created.",
    )
    rating_template_id = fields.Many2one(
        "mail.template",
        string="Rating Request",
        domain="[('model', '=', 'engagement.engagement')]",
        help="Entering this stage emails the customer this satisfaction request.",
    )
    gate_ids = fields.One2many("engagement.stage.gate", "stage_id", string="Gates")
    gate_count = fields.Integer(compute="_compute_gate_count")
    active = fields.Boolean(default=True)

    def _compute_gate_count(self):
        counts = dict(
            self.env["engagement.stage.gate"]._read_group(
                [("stage_id", "in", self.ids)], ["stage_id"], ["__count"]
            )
        )
        for stage in self:
            stage.gate_count = counts.get(stage, 0)
