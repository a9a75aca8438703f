from odoo import fields, models


class EngagementTemplate(models.Model):
    """A standard way of running an engagement: its deliverables, extra checklist gates,
    the project template its tasks come from, its usual billing type, and the standard
    work breakdown its estimates start from."""

    _name = "engagement.template"
    _description = "Engagement Template"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True)
    billing_type = fields.Selection(
        lambda self: self.env["engagement.engagement"]._fields["billing_type"].selection,
        string="Default Billing Type",
    )
    deliverable_type_ids = fields.Many2many(
        "engagement.deliverable.type",
        string="Deliverables",
        help="A draft deliverable of each type is created on the new engagement.",
    )
    gate_ids = fields.Many2many(
        "engagement.stage.gate",
        "engagement_stage_gate_template_rel",
        "template_id",
        "gate_id",
        string="Extra Checklist Gates",
        domain="[('gate_type', '=', 'checklist')]",
        help="Checklist gates that apply only to engagements made from this template.",
    )
    estimate_line_ids = fields.One2many(
        "engagement.template.estimate.line",
        "template_id",
        string="Standard Breakdown",
        copy=True,
        help="The work breakdown an estimate started from this template begins with.",
    )
    project_template_id = fields.Many2one(
        "project.project",
        string="Project Template",
        domain="[('is_template', '=', True)]",
        help="The delivery project is created from this template, with its tasks.",
    )

    def _prepare_deliverable_values(self, engagement):
        """Hook: the draft deliverables the template creates on ``engagement``."""
        self.ensure_one()
        return [
            {
                "engagement_id": engagement.id,
                "type_id": deliverable_type.id,
                "name": deliverable_type.name,
                "user_id": (engagement.project_manager_id or engagement.user_id).id,
            }
            for deliverable_type in self.deliverable_type_ids
        ]
