from odoo import _, api, fields, models
from odoo.exceptions import UserError


class ProjectTask(models.Model):
    _inherit = "project.task"

    # Set when the delivery project's plan is made from the approved estimate: the
    # timesheets of a line's task are that line's actual hours and cost.
    engagement_estimate_id = fields.Many2one(
        "engagement.estimate",
        string="Estimate",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        groups="engagement_management.group_engagement_user",
    )
    engagement_estimate_line_id = fields.Many2one(
        "engagement.estimate.line",
        string="Estimate Line",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        groups="engagement_management.group_engagement_user",
    )

    def _check_estimate_link(self, vals):
        """Which line a task's hours count for is the plan's, set when it is made."""
        if self.env.su or not {"engagement_estimate_id", "engagement_estimate_line_id"} & set(vals):
            return
        raise UserError(
            _("The estimate line of a task is set when the plan is made from the estimate.")
        )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_estimate_link(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_estimate_link(vals)
        return super().write(vals)
