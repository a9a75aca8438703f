from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tools import without_default_keys


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
        # Set by the code only: a client's default_ key must not set it either.
        records = (
            self
            if self.env.su
            else without_default_keys(
                self, {"engagement_estimate_id", "engagement_estimate_line_id"}
            )
        )
        tasks = super(ProjectTask, records).create(vals_list)
        tasks.filtered("user_ids")._map_estimate_employees()
        return tasks

    def write(self, vals):
        self._check_estimate_link(vals)
        result = super().write(vals)
        if "user_ids" in vals:
            self._map_estimate_employees()
        return result

    def _map_estimate_employees(self):
        """Whoever is given a task of a role the estimate sold by the hour bills their
        timesheets at that role's rate (engagement.estimate._map_project_employees)."""
        planned = self.sudo().filtered("engagement_estimate_id")
        for estimate in planned.engagement_estimate_id:
            if estimate.state != "approved":
                continue
            for project in planned.filtered(
                lambda task, estimate=estimate: task.engagement_estimate_id == estimate
            ).project_id:
                estimate._map_project_employees(project)
