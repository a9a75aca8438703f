from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.project.models.project_task import CLOSED_STATES

from .engagement_portfolio_report import EngagementPortfolioReport


class EngagementRevenueForecast(models.Model):
    """Each open engagement's backlog spread over its remaining months: the revenue still
    to recognise, month by month.

    The backlog is the portfolio's (``engagement.portfolio.report._derived_sql``:
    contracted revenue − earned, not below 0), spread by the project plan when it has
    one (the allocated hours of its open tasks by the month of their deadline), else
    evenly from this month to the month of the revised end date (all of it this month
    once that date has passed or without one); each month rounded to the currency and
    the last one taking the rest, so the months add up to the backlog. Amounts in the
    engagement's currency, as the portfolio's. A query, not a view: "this month" is
    Odoo's clock.
    """

    _name = "engagement.revenue.forecast"
    _description = "Engagement Revenue Forecast"
    _inherit = ["engagement.report.mixin"]
    _auto = False
    _order = "date, engagement_id"
    _rec_name = "engagement_id"
    _depends = {
        **EngagementPortfolioReport._depends,
        "project.task": [
            "project_id",
            "parent_id",
            "active",
            "allocated_hours",
            "date_deadline",
            "state",
        ],
    }

    engagement_id = fields.Many2one("engagement.engagement", string="Engagement", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    currency_id = fields.Many2one("res.currency", string="Currency", readonly=True)
    user_id = fields.Many2one("res.users", string="Engagement Manager", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    date = fields.Date(string="Month", readonly=True)
    amount = fields.Monetary(string="Forecast Revenue", readonly=True, aggregator="sum")

    @property
    def _figures(self):
        return self.env["engagement.portfolio.report"]

    @api.model
    def _plan_sql(self, engagement_filter, this_month):
        """``(engagement_id, month, weight)`` from the project plan: the allocated hours
        of the open top-level tasks of the engagement's project, by the month of their
        deadline (a deadline already passed counts in this month)."""
        return SQL(
            """
            SELECT e.id AS engagement_id,
                   GREATEST(date_trunc('month', t.date_deadline)::date, %(this_month)s::date)
                       AS month,
                   SUM(t.allocated_hours)::float8 AS weight
              FROM project_task t
              JOIN engagement_engagement e ON e.project_id = t.project_id
             WHERE t.parent_id IS NULL AND t.active AND t.allocated_hours > 0
               AND t.date_deadline IS NOT NULL AND t.state NOT IN %(closed)s
               AND %(filter)s
             GROUP BY e.id, 2
            """,
            this_month=this_month,
            closed=tuple(CLOSED_STATES),
            filter=engagement_filter,
        )

    @api.model
    def _query(self, engagement_filter=None):
        engagement_filter = SQL(
            "%s AND e.active AND NOT COALESCE(e.is_closed, FALSE)",
            engagement_filter or SQL("TRUE"),
        )
        this_month = fields.Date.context_today(self).replace(day=1)
        figures = self._figures._derived_sql(self._figures._inputs_sql(engagement_filter))
        # Each engagement's months and their weights: the plan's when it has one, else
        # every month from this one to the revised end date's, equally.
        months = SQL(
            """
            SELECT f.engagement_id, f.backlog, mw.month, mw.weight
              FROM (%(figures)s) f
             CROSS JOIN LATERAL (
                   SELECT p.month, p.weight
                     FROM (%(plan)s) p
                    WHERE p.engagement_id = f.engagement_id
                   UNION ALL
                   SELECT (%(this_month)s::date + (m.position - 1) * interval '1 month')::date,
                          1.0
                     FROM generate_series(1, GREATEST(1, LEAST(999, COALESCE(
                              (EXTRACT(YEAR FROM age(date_trunc('month', f.revised_date_end),
                                                     %(this_month)s::date)) * 12
                               + EXTRACT(MONTH FROM age(date_trunc('month', f.revised_date_end),
                                                        %(this_month)s::date)))::int + 1,
                              1)))) AS m(position)
                    WHERE NOT EXISTS (SELECT 1 FROM (%(plan)s) p
                                       WHERE p.engagement_id = f.engagement_id)) mw
             WHERE f.backlog > 0
            """,
            figures=figures,
            plan=self._plan_sql(engagement_filter, this_month),
            this_month=this_month,
        )
        # Each month's share rounded to the currency; the last month takes the rest, so
        # that the months add up to the backlog.
        query = SQL(
            """
            SELECT s.engagement_id * 1000 + s.position AS id,
                   s.engagement_id, e.company_id, e.currency_id, e.user_id, e.partner_id,
                   s.month AS date,
                   CASE WHEN s.is_last THEN s.backlog - (s.shares - s.share)
                        ELSE s.share END AS amount
              FROM (SELECT w.*, SUM(w.share) OVER (PARTITION BY w.engagement_id) AS shares
                      FROM (SELECT mw.engagement_id, mw.backlog, mw.month,
                                   ROW_NUMBER() OVER (PARTITION BY mw.engagement_id
                                                      ORDER BY mw.month) AS position,
                                   ROW_NUMBER() OVER (PARTITION BY mw.engagement_id
                                                      ORDER BY mw.month DESC) = 1 AS is_last,
                                   %(share)s AS share
                              FROM (%(months)s) mw
                              JOIN engagement_engagement e ON e.id = mw.engagement_id
                              JOIN res_currency cur ON cur.id = e.currency_id) w) s
              JOIN engagement_engagement e ON e.id = s.engagement_id
            """,
            share=self._figures._round_sql(
                SQL("mw.backlog * mw.weight / SUM(mw.weight) OVER (PARTITION BY mw.engagement_id)")
            ),
            months=months,
        )
        return self.env["engagement.profitability.report"]._with_rates(query)

    @property
    def _table_query(self):
        return self._query()
