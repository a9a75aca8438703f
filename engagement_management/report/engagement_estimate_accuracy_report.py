from odoo import api, fields, models
from odoo.tools import SQL

from ..models.engagement_engagement import FINANCE_GROUPS
from ..tools import create_report_view

# Error fields and the (actual, estimated) sums their percentage is computed from, at
# every level of grouping: the error of a group is that of its sums, not an average.
ERROR_FIELDS = {
    "hours_error_pct": ("hours_actual", "hours_estimated"),
    "cost_error_pct": ("cost_actual", "cost_estimated"),
}


class EngagementEstimateAccuracyReport(models.Model):
    """How the approved estimate of each engagement compares with what happened.

    One row per line of an engagement's approved estimate (phase, work, role): its
    estimated hours and cost (the breakdown, without contingency), and the actual hours
    and cost of the timesheets logged on the task the plan made for that line (see
    ``engagement.estimate._create_project_tasks``). Odoo's timesheets carry an employee
    and a task, not a role: the role is the line's. Cost is the timesheets' cost
    (employee hourly cost × hours) in the company's currency. The error is
    (actual − estimated) / estimated × 100: +30 means 30 % more than estimated, computed
    from the sums at every level of grouping.
    """

    _name = "engagement.estimate.accuracy.report"
    _description = "Engagement Estimate Accuracy"
    _auto = False
    _order = "engagement_id, phase, id"
    _rec_name = "name"
    _depends = {
        "engagement.estimate": ["engagement_id", "state", "template_id"],
        "engagement.estimate.line": ["estimate_id", "phase", "name", "role_id", "hours", "cost"],
        "engagement.engagement": [
            "company_id",
            "partner_id",
            "user_id",
            "project_manager_id",
            "business_analyst_id",
            "template_id",
            "is_closed",
            "stage_id",
        ],
        "project.task": ["engagement_estimate_line_id"],
        "account.analytic.line": ["task_id", "unit_amount", "amount"],
    }

    engagement_id = fields.Many2one("engagement.engagement", string="Engagement", readonly=True)
    estimate_id = fields.Many2one("engagement.estimate", string="Estimate", readonly=True)
    estimate_line_id = fields.Many2one(
        "engagement.estimate.line", string="Estimate Line", readonly=True
    )
    phase = fields.Char(readonly=True)
    name = fields.Char(string="Work", readonly=True)
    role_id = fields.Many2one("project.role", string="Role", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    # The template the estimate's breakdown came from, else the engagement's.
    template_id = fields.Many2one("engagement.template", string="Template", readonly=True)
    manager_id = fields.Many2one("res.users", string="Engagement Manager", readonly=True)
    project_manager_id = fields.Many2one("res.users", string="Project Manager", readonly=True)
    business_analyst_id = fields.Many2one("res.users", string="Business Analyst", readonly=True)
    stage_id = fields.Many2one("engagement.stage", string="Stage", readonly=True)
    is_closed = fields.Boolean(string="Closed", readonly=True)
    hours_estimated = fields.Float(string="Estimated Hours", readonly=True)
    hours_actual = fields.Float(string="Actual Hours", readonly=True)
    hours_error_pct = fields.Float(string="Hours Error (%)", readonly=True, aggregator="sum")
    cost_estimated = fields.Float(string="Estimated Cost", readonly=True, groups=FINANCE_GROUPS)
    cost_actual = fields.Float(string="Actual Cost", readonly=True, groups=FINANCE_GROUPS)
    cost_error_pct = fields.Float(
        string="Cost Error (%)", readonly=True, aggregator="sum", groups=FINANCE_GROUPS
    )

    @api.model
    def _actuals_query(self):
        """``(line_id, hours, cost)``: the timesheets on each estimate line's task."""
        return SQL(
            """
            SELECT t.engagement_estimate_line_id AS line_id,
                   SUM(aal.unit_amount) AS hours,
                   -SUM(aal.amount) AS cost
              FROM account_analytic_line aal
              JOIN project_task t ON t.id = aal.task_id
             WHERE t.engagement_estimate_line_id IS NOT NULL
             GROUP BY t.engagement_estimate_line_id
            """
        )

    @api.model
    def _query(self):
        return SQL(
            """
            WITH actuals AS (%(actuals)s)
            SELECT l.id AS id,
                   est.engagement_id AS engagement_id,
                   est.id AS estimate_id,
                   l.id AS estimate_line_id,
                   l.phase AS phase,
                   l.name AS name,
                   l.role_id AS role_id,
                   e.company_id AS company_id,
                   e.partner_id AS partner_id,
                   COALESCE(est.template_id, e.template_id) AS template_id,
                   e.user_id AS manager_id,
                   e.project_manager_id AS project_manager_id,
                   e.business_analyst_id AS business_analyst_id,
                   e.stage_id AS stage_id,
                   COALESCE(e.is_closed, FALSE) AS is_closed,
                   COALESCE(l.hours, 0) AS hours_estimated,
                   COALESCE(a.hours, 0) AS hours_actual,
                   CASE WHEN COALESCE(l.hours, 0) = 0 THEN 0
                        ELSE (COALESCE(a.hours, 0) - l.hours) / l.hours * 100 END
                       AS hours_error_pct,
                   COALESCE(l.cost, 0) AS cost_estimated,
                   COALESCE(a.cost, 0) AS cost_actual,
                   CASE WHEN COALESCE(l.cost, 0) = 0 THEN 0
                        ELSE (COALESCE(a.cost, 0) - l.cost) / l.cost * 100 END
                       AS cost_error_pct
              FROM engagement_estimate_line l
              JOIN engagement_estimate est ON est.id = l.estimate_id
              JOIN engagement_engagement e ON e.id = est.engagement_id
              LEFT JOIN actuals a ON a.line_id = l.id
             WHERE est.state = 'approved' AND e.active
            """,
            actuals=self._actuals_query(),
        )

    def init(self):
        create_report_view(self)

    def _read_group_select(self, aggregate_spec, query):
        """The error of a group is computed from its sums (a sum or an average of the
        rows' percentages means nothing)."""
        fname, __, func = aggregate_spec.partition(":")
        if fname in ERROR_FIELDS and func in ("sum", "avg"):
            actual, estimated = ERROR_FIELDS[fname]
            # Checks access to the field (its groups) and the columns it reads.
            super()._read_group_select(aggregate_spec, query)
            actual_sql = self._field_to_sql(query.table, actual, query)
            estimated_sql = self._field_to_sql(query.table, estimated, query)
            return SQL(
                "CASE WHEN COALESCE(SUM(%(estimated)s), 0) = 0 THEN 0 "
                "ELSE (SUM(%(actual)s) - SUM(%(estimated)s)) / SUM(%(estimated)s) * 100 END",
                actual=actual_sql,
                estimated=estimated_sql,
            )
        return super()._read_group_select(aggregate_spec, query)
