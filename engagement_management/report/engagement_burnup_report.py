from odoo import api, fields, models
from odoo.tools import SQL

from .engagement_portfolio_report import EngagementPortfolioReport

# The lines of the chart: (series, label, kind), the kind telling the cost chart from
# the revenue chart. Each is the figure of the same name at the end of each month.
SERIES = [
    ("cost_actual", "Actual Cost", "cost"),
    ("revised_cost", "Revised Budget", "cost"),
    ("eac_cost", "Cost at Completion (EAC)", "cost"),
    ("revenue_invoiced", "Invoiced Revenue", "revenue"),
    ("revenue_contracted", "Contracted Revenue", "revenue"),
]


class EngagementBurnupReport(models.Model):
    """An engagement's figures month by month: the burn-up chart.

    For each month from the engagement's start (or its first line, order or change) to
    this month, the figures as they stood at the month's end: cumulative actual cost
    against the revised budget and the EAC of that day, cumulative invoiced against
    contracted revenue. The inputs are summed month by month and then cumulated, and the
    figures derived from them by the portfolio's own definitions
    (``engagement.portfolio.report._derived_sql``), so the last month's points are the
    engagement's figures today. A query, not a view: "this month" is Odoo's clock.
    """

    _name = "engagement.burnup.report"
    _description = "Engagement Burn-up"
    _inherit = ["engagement.report.mixin"]
    _auto = False
    _order = "engagement_id, date, series"
    _rec_name = "engagement_id"
    _depends = EngagementPortfolioReport._depends

    engagement_id = fields.Many2one("engagement.engagement", string="Engagement", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    currency_id = fields.Many2one("res.currency", string="Currency", readonly=True)
    user_id = fields.Many2one("res.users", string="Engagement Manager", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    date = fields.Date(string="Month", readonly=True)
    series = fields.Selection([(key, label) for key, label, __ in SERIES], readonly=True)
    kind = fields.Selection([("cost", "Cost"), ("revenue", "Revenue")], readonly=True)
    amount = fields.Monetary(readonly=True, aggregator="sum")

    @property
    def _figures(self):
        return self.env["engagement.portfolio.report"]

    @api.model
    def _monthly_inputs_sql(self, engagement_filter, this_month):
        """The inputs of :meth:`engagement.portfolio.report._inputs_sql` as they stood
        at the end of each month: the month's amounts, cumulated."""
        figures = self._figures
        zero = SQL("0")
        columns = (
            "revenue_invoiced",
            "cost_labour",
            "cost_bills",
            "cost_expenses",
            "hours_actual",
            "change_revenue",
            "change_cost",
            "change_hours",
            "contracted",
        )

        def part(source, values):
            return SQL(
                "SELECT m.engagement_id, m.month, %s FROM (%s) m",
                SQL(", ").join(values.get(name, zero) for name in columns),
                source,
            )

        parts = [
            part(
                figures._actuals_sql(engagement_filter, by_month=True),
                {name: SQL("m.%s", SQL.identifier(name)) for name in columns[:5]},
            ),
            part(
                figures._changes_sql(engagement_filter, by_month=True),
                {
                    "change_revenue": SQL("m.revenue"),
                    "change_cost": SQL("m.cost"),
                    "change_hours": SQL("m.hours"),
                },
            ),
            part(
                figures._contracted_sql(engagement_filter, by_month=True),
                {"contracted": SQL("m.amount")},
            ),
            part(
                SQL(
                    """SELECT e.id AS engagement_id, generate_series(
                              date_trunc('month', COALESCE(e.date_start, e.create_date::date)),
                              %s::date, interval '1 month')::date AS month
                         FROM engagement_engagement e
                        WHERE %s""",
                    this_month,
                    engagement_filter,
                ),
                {},
            ),
        ]

        def cumulated(amount):
            return SQL("SUM(%s) OVER w", amount)

        round_ = figures._round_sql
        return SQL(
            """
            SELECT u.engagement_id, u.month, e.billing_type, e.etc_method,
                   e.recognition_method, COALESCE(ms.share, 0)::float8 AS milestone_share,
                   cur.rounding,
                   %(revised_revenue)s AS revised_revenue,
                   %(revised_cost)s AS revised_cost,
                   COALESCE(e.budget_hours, 0) + %(change_hours)s AS revised_hours,
                   NULL::date AS revised_date_end,
                   %(contracted)s AS revenue_contracted,
                   %(revenue_invoiced)s AS revenue_invoiced,
                   %(cost_labour)s AS cost_labour,
                   %(cost_bills)s AS cost_bills,
                   %(cost_expenses)s AS cost_expenses,
                   %(hours_actual)s AS hours_actual
              FROM (SELECT engagement_id, month, %(sums)s
                      FROM (%(parts)s) p(engagement_id, month, %(names)s)
                     GROUP BY engagement_id, month) u
              JOIN engagement_engagement e ON e.id = u.engagement_id
              JOIN res_currency cur ON cur.id = e.currency_id
              LEFT JOIN LATERAL (%(milestones)s) ms ON TRUE
            WINDOW w AS (PARTITION BY u.engagement_id ORDER BY u.month)
            """,
            revised_revenue=round_(
                SQL("COALESCE(e.budget_revenue, 0) + %s", cumulated(SQL("u.change_revenue")))
            ),
            revised_cost=round_(
                SQL("COALESCE(e.budget_cost, 0) + %s", cumulated(SQL("u.change_cost")))
            ),
            change_hours=cumulated(SQL("u.change_hours")),
            # The milestones signed by the month's end.
            milestones=figures._milestones_sql(
                SQL("e.id = u.engagement_id"), SQL("(u.month + interval '1 month')")
            ),
            contracted=round_(cumulated(SQL("u.contracted"))),
            **{name: cumulated(SQL("u.%s", SQL.identifier(name))) for name in columns[:5]},
            sums=SQL(", ").join(
                SQL("SUM(%s) AS %s", SQL.identifier(name), SQL.identifier(name)) for name in columns
            ),
            parts=SQL(" UNION ALL ").join(parts),
            names=SQL(", ").join(SQL.identifier(name) for name in columns),
        )

    @api.model
    def _query(self, engagement_filter=None):
        engagement_filter = engagement_filter or SQL("TRUE")
        this_month = fields.Date.context_today(self).replace(day=1)
        monthly = self._figures._derived_sql(
            self._monthly_inputs_sql(engagement_filter, this_month),
            keys=("engagement_id", "month"),
        )
        series = SQL(", ").join(
            SQL("(%s, %s, %s, f.%s)", index, key, kind, SQL.identifier(key))
            for index, (key, __, kind) in enumerate(SERIES)
        )
        query = SQL(
            """
            SELECT ((f.engagement_id::bigint * 240000
                     + EXTRACT(YEAR FROM f.month)::int * 12 + EXTRACT(MONTH FROM f.month)::int)
                    * 8 + v.position) AS id,
                   f.engagement_id, e.company_id, e.currency_id, e.user_id, e.partner_id,
                   f.month AS date, v.series, v.kind, v.amount
              FROM (%(monthly)s) f
              JOIN engagement_engagement e ON e.id = f.engagement_id
             CROSS JOIN LATERAL (VALUES %(series)s) AS v(position, series, kind, amount)
            """,
            monthly=monthly,
            series=series,
        )
        return self.env["engagement.profitability.report"]._with_rates(query)

    @property
    def _table_query(self):
        return self._query()
