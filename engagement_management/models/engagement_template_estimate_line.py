from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class EngagementTemplateEstimateLine(models.Model):
    """One line of a template's standard work breakdown: a phase, the work, the role
    doing it and its usual hours. An estimate started from the template copies them
    (``engagement.estimate.action_apply_template``) and prices them at its own rate
    card: a template carries no rate, so it holds for every customer and card."""

    _name = "engagement.template.estimate.line"
    _description = "Engagement Template Breakdown Line"
    _order = "template_id, sequence, id"

    template_id = fields.Many2one(
        "engagement.template", required=True, index=True, ondelete="cascade"
    )
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="template_id.company_id", store=True, index=True)
    phase = fields.Char(required=True, translate=True)
    name = fields.Char(string="Work", required=True, translate=True)
    role_id = fields.Many2one("project.role", string="Role", required=True, ondelete="restrict")
    hours = fields.Float()

    @api.constrains("hours")
    def _check_hours(self):
        for line in self:
            if line.hours < 0:
                raise ValidationError(
                    _(
                        "“%(work)s” (%(phase)s) of %(template)s: hours cannot be negative.",
                        work=line.name,
                        phase=line.phase,
                        template=line.template_id.name,
                    )
                )

    def _prepare_estimate_line_values(self):
        """Hook: the estimate lines these template lines become (rates from the card)."""
        return [
            {
                "sequence": line.sequence,
                "phase": line.phase,
                "name": line.name,
                "role_id": line.role_id.id,
                "hours": line.hours,
            }
            for line in self
        ]
