from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import create_report_view


class EngagementWorkloadReport(models.Model):
    """Hours of the PMs and BAs of the engagements, by engagement × person × month.

    One row per engagement, role and month in which the person logged time on the
    engagement's project account (one row with no month when they logged none yet).
    Hours logged are the timesheets of the person's employee on that account; planned
    hours are the engagement's revised hours (baseline plus applied change orders),
    counted once per engagement and role, on its first row. Someone who is both PM and
    BA of an engagement has one row per month, as its PM.
    """

    _name = "engagement.workload.report"
    _description = "Engagement Workload Analysis"
    _inherit = ["engagement.report.mixin"]
    _auto = False
    _order = "date desc, engagement_id"
    _rec_name = "engagement_id"
    _depends = {
        "engagement.engagement": [
            "active",
            "company_id",
            "partner_id",
            "stage_id",
            "user_id",
            "project_manager_id",
            "business_analyst_id",
            "is_closed",
            "budget_hours",
            "project_id",
        ],
        "engagement.change.order": ["engagement_id", "state", "hours_delta"],
        "account.analytic.line": ["account_id", "project_id", "employee_id", "date", "unit_amount"],
        "hr.employee": ["user_id"],
        "project.project": ["account_id"],
        "engagement.portfolio.report": ["revised_hours"],
    }

    engagement_id = fields.Many2one("engagement.engagement", string="Engagement", readonly=True)
    user_id = fields.Many2one("res.users", string="Person", readonly=True)
    role = fields.Selection([("pm", "Project Manager"), ("ba", "Business Analyst")], readonly=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    stage_id = fields.Many2one("engagement.stage", string="Stage", readonly=True)
    manager_id = fields.Many2one("res.users", string="Engagement Manager", readonly=True)
    is_closed = fields.Boolean(string="Closed", readonly=True)
    date = fields.Date(string="Month", readonly=True)
    hours_logged = fields.Float(string="Hours Logged", readonly=True)
    hours_planned = fields.Float(string="Revised Hours", readonly=True)

    @api.model
    def _revised_hours_query(self):
        """``(engagement_id, hours)``: each active engagement's revised hours, as its
        figures define them (the workload views' planned hours)."""
        return SQL(
            """
            SELECT engagement_id, revised_hours AS hours
              FROM engagement_portfolio_report
             WHERE active
            """
        )

    @api.model
    def _query(self):
        return SQL(
            """
            WITH people AS (
                SELECT e.id AS engagement_id, e.project_manager_id AS user_id, 'pm' AS role
                  FROM engagement_engagement e
                 WHERE e.active AND e.project_manager_id IS NOT NULL
                UNION ALL
                SELECT e.id, e.business_analyst_id, 'ba'
                  FROM engagement_engagement e
                 WHERE e.active AND e.business_analyst_id IS NOT NULL
                   -- who is both is one person with one set of hours: counted as PM
                   AND e.business_analyst_id IS DISTINCT FROM e.project_manager_id
            ),
            revised AS (%(revised)s),
            logged AS (
                SELECT e.id AS engagement_id, emp.user_id AS user_id,
                       date_trunc('month', aal.date)::date AS month,
                       SUM(aal.unit_amount) AS hours
                  FROM account_analytic_line aal
                  JOIN hr_employee emp ON emp.id = aal.employee_id
                  JOIN project_project p ON p.account_id = aal.account_id
                  JOIN engagement_engagement e ON e.project_id = p.id
                 WHERE aal.project_id IS NOT NULL AND emp.user_id IS NOT NULL
                 GROUP BY e.id, emp.user_id, date_trunc('month', aal.date)
            )
            SELECT ROW_NUMBER() OVER (ORDER BY pe.engagement_id, pe.role, l.month) AS id,
                   pe.engagement_id AS engagement_id,
                   pe.user_id AS user_id,
                   pe.role AS role,
                   e.company_id AS company_id,
                   e.partner_id AS partner_id,
                   e.stage_id AS stage_id,
                   e.user_id AS manager_id,
                   COALESCE(e.is_closed, FALSE) AS is_closed,
                   l.month AS date,
                   COALESCE(l.hours, 0) AS hours_logged,
                   CASE WHEN ROW_NUMBER() OVER (
                            PARTITION BY pe.engagement_id, pe.role ORDER BY l.month
                        ) = 1 THEN r.hours ELSE 0 END AS hours_planned
              FROM people pe
              JOIN engagement_engagement e ON e.id = pe.engagement_id
              JOIN revised r ON r.engagement_id = pe.engagement_id
              LEFT JOIN logged l
                     ON l.engagement_id = pe.engagement_id AND l.user_id = pe.user_id
            """,
            revised=self._revised_hours_query(),
        )

    def init(self):
        create_report_view(self)
