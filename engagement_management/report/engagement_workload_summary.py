from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.sql import drop_view_if_exists


class EngagementWorkloadSummary(models.Model):
    """One row per PM or BA: their open engagements, hours and presales involvement.

    People are the users who are PM or BA of an open engagement or of an opportunity
    that is neither won nor lost. Hours this month and to date are their employee's
    timesheets on engagement projects; the last seven days count all their timesheets,
    and above their company's weekly capacity they are over-allocated.

    The rows are a query, not a view: this month and the last seven days are the user's,
    read on Odoo's clock, not on PostgreSQL's.
    """

    _name = "engagement.workload.summary"
    _description = "Engagement Workload per Person"
    _inherit = ["engagement.report.mixin"]
    _auto = False
    _order = "over_allocated desc, hours_week desc, user_id"
    _rec_name = "user_id"
    _depends = {
        "engagement.engagement": [
            "stage_id",
            "active",
            "project_manager_id",
            "business_analyst_id",
            "is_closed",
            "budget_hours",
            "project_id",
        ],
        "engagement.change.order": ["engagement_id", "state", "hours_delta"],
        "engagement.stage": ["sequence", "active", "is_cancelled"],
        "engagement.gate.line": ["engagement_id", "state", "stage_sequence"],
        "crm.lead": ["active", "type", "stage_id", "project_manager_id", "business_analyst_id"],
        "crm.stage": ["is_won"],
        "account.analytic.line": ["account_id", "project_id", "employee_id", "date", "unit_amount"],
        "hr.employee": ["user_id"],
        "project.project": ["account_id"],
        "res.users": ["company_id"],
        "res.company": ["engagement_weekly_capacity_hours"],
        "engagement.portfolio.report": ["revised_hours"],
    }

    user_id = fields.Many2one("res.users", string="Person", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    engagement_count = fields.Integer(string="Open Engagements", readonly=True)
    opportunity_count = fields.Integer(string="Opportunities (Presales)", readonly=True)
    next_gate_count = fields.Integer(
        string="Next Gates Due",
        readonly=True,
        help="Approvals and checklist items still pending for the next stage of their "
        "open engagements.",
    )
    hours_planned = fields.Float(string="Revised Hours (Open Engagements)", readonly=True)
    hours_month = fields.Float(string="Hours This Month", readonly=True)
    hours_total = fields.Float(string="Hours to Date", readonly=True)
    hours_week = fields.Float(string="Hours Last 7 Days", readonly=True)
    capacity_hours = fields.Float(string="Weekly Capacity", readonly=True)
    over_allocated = fields.Boolean(string="Over-allocated", readonly=True)

    @api.model
    def _query(self):
        today = fields.Date.context_today(self)
        return SQL(
            """
            WITH roles AS (
                SELECT e.id AS engagement_id, e.project_manager_id AS user_id
                  FROM engagement_engagement e
                 WHERE e.active AND NOT COALESCE(e.is_closed, FALSE)
                   AND e.project_manager_id IS NOT NULL
                UNION
                SELECT e.id, e.business_analyst_id
                  FROM engagement_engagement e
                 WHERE e.active AND NOT COALESCE(e.is_closed, FALSE)
                   AND e.business_analyst_id IS NOT NULL
            ),
            opportunities AS (
                SELECT l.id AS lead_id, l.project_manager_id AS user_id
                  FROM crm_lead l LEFT JOIN crm_stage st ON st.id = l.stage_id
                 WHERE l.active AND l.type = 'opportunity'
                   AND NOT COALESCE(st.is_won, FALSE) AND l.project_manager_id IS NOT NULL
                UNION
                SELECT l.id, l.business_analyst_id
                  FROM crm_lead l LEFT JOIN crm_stage st ON st.id = l.stage_id
                 WHERE l.active AND l.type = 'opportunity'
                   AND NOT COALESCE(st.is_won, FALSE) AND l.business_analyst_id IS NOT NULL
            ),
            people AS (
                SELECT user_id FROM roles UNION SELECT user_id FROM opportunities
            ),
            revised AS (%(revised)s),
            engagements AS (
                SELECT r.user_id, COUNT(*) AS engagement_count, SUM(rv.hours) AS hours_planned
                  FROM roles r JOIN revised rv ON rv.engagement_id = r.engagement_id
                 GROUP BY r.user_id
            ),
            next_gates AS (
                SELECT r.user_id, COUNT(gl.id) AS next_gate_count
                  FROM roles r
                  JOIN engagement_engagement e ON e.id = r.engagement_id
                  JOIN engagement_stage s ON s.id = e.stage_id
                  JOIN engagement_gate_line gl
                    ON gl.engagement_id = e.id AND gl.state = 'pending'
                   AND gl.stage_sequence = (
                       SELECT MIN(ns.sequence) FROM engagement_stage ns
                        WHERE ns.sequence > s.sequence AND ns.active
                          AND NOT COALESCE(ns.is_cancelled, FALSE)
                   )
                 GROUP BY r.user_id
            ),
            leads AS (
                SELECT user_id, COUNT(*) AS opportunity_count FROM opportunities GROUP BY user_id
            ),
            timesheets AS (
                SELECT emp.user_id,
                       SUM(aal.unit_amount) FILTER (
                           WHERE e.id IS NOT NULL
                             AND aal.date >= %(month_start)s
                       ) AS hours_month,
                       SUM(aal.unit_amount) FILTER (WHERE e.id IS NOT NULL) AS hours_total,
                       SUM(aal.unit_amount) FILTER (
                           WHERE aal.date > %(week_start)s AND aal.date <= %(today)s
                       ) AS hours_week
                  FROM account_analytic_line aal
                  JOIN hr_employee emp ON emp.id = aal.employee_id
                  LEFT JOIN project_project p ON p.account_id = aal.account_id
                  LEFT JOIN engagement_engagement e ON e.project_id = p.id
                 WHERE aal.project_id IS NOT NULL
                   AND emp.user_id IN (SELECT user_id FROM people)
                 GROUP BY emp.user_id
            )
            SELECT u.id AS id,
                   u.id AS user_id,
                   u.company_id AS company_id,
                   COALESCE(en.engagement_count, 0) AS engagement_count,
                   COALESCE(le.opportunity_count, 0) AS opportunity_count,
                   COALESCE(ng.next_gate_count, 0) AS next_gate_count,
                   COALESCE(en.hours_planned, 0) AS hours_planned,
                   COALESCE(t.hours_month, 0) AS hours_month,
                   COALESCE(t.hours_total, 0) AS hours_total,
                   COALESCE(t.hours_week, 0) AS hours_week,
                   c.engagement_weekly_capacity_hours AS capacity_hours,
                   COALESCE(t.hours_week, 0) > COALESCE(c.engagement_weekly_capacity_hours, 0)
                       AS over_allocated
              FROM people pe
              JOIN res_users u ON u.id = pe.user_id
              JOIN res_company c ON c.id = u.company_id
              LEFT JOIN engagements en ON en.user_id = u.id
              LEFT JOIN next_gates ng ON ng.user_id = u.id
              LEFT JOIN leads le ON le.user_id = u.id
              LEFT JOIN timesheets t ON t.user_id = u.id
            """,
            revised=self.env["engagement.workload.report"]._revised_hours_query(),
            today=today,
            month_start=today.replace(day=1),
            week_start=today - timedelta(days=7),
        )

    @property
    def _table_query(self):
        return self._query()

    def init(self):
        # The rows were a view before they depended on Odoo's clock.
        drop_view_if_exists(self.env.cr, self._table)
