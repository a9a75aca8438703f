from odoo import api, fields, models
from odoo.tools import SQL

from .engagement_portfolio_report import EngagementPortfolioReport


class EngagementRevenueForecast(models.Model):
    """Each open engagement's backlog spread over its remaining months: the revenue still
    to recognise, month by month.

    The backlog is the portfolio's (``engagement.portfolio.report._derived_sql``:
    contracted revenue − earned, not below 0), spread evenly from this month to the month
    of the revised end date (all of it this month once that date has passed or without
    one), each month rounded to the currency and the last one taking the rest, so the
    months add up to the backlog. Amounts in the engagement's currency, as the portfolio's.
    A query, not a view: "this month" is Odoo's clock.
    """

    _name = "engagement.revenue.forecast"
    _description = "Engagement Revenue Forecast"
    _inherit = ["engagement.report.mixin"]
    _auto = False
    _order = "date, engagement_id"
    _rec_name = "engagement_id"
    _depends = EngagementPortfolioReport._depends

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
    def _query(self, engagement_filter=None):
        engagement_filter = SQL(
            "%s AND e.active AND NOT COALESCE(e.is_closed, FALSE)",
            engagement_filter or SQL("TRUE"),
        )
        this_month = fields.Date.context_today(self).replace(day=1)
        figures = self._figures._derived_sql(self._figures._inputs_sql(engagement_filter))
        query = SQL(
            """
            SELECT f.engagement_id * 1000 + m.position AS id,
                   f.engagement_id, e.company_id, e.currency_id, e.user_id, e.partner_id,
                   (%(this_month)s::date + (m.position - 1) * interval '1 month')::date AS date,
                   CASE WHEN m.position = n.months
                        THEN f.backlog - %(share)s * (n.months - 1)
                        ELSE %(share)s END AS amount
              FROM (%(figures)s) f
              JOIN engagement_engagement e ON e.id = f.engagement_id
              JOIN res_currency cur ON cur.id = e.currency_id
             CROSS JOIN LATERAL (
                   SELECT GREATEST(1, LEAST(999, COALESCE(
                       (EXTRACT(YEAR FROM age(date_trunc('month', f.revised_date_end),
                                              %(this_month)s::date)) * 12
                        + EXTRACT(MONTH FROM age(date_trunc('month', f.revised_date_end),
                                                 %(this_month)s::date)))::int + 1,
                       1))) AS months) n
             CROSS JOIN LATERAL generate_series(1, n.months) AS m(position)
             WHERE f.backlog > 0
            """,
            this_month=this_month,
            share=self._figures._round_sql(SQL("f.backlog / n.months")),
            figures=figures,
        )
        return self.env["engagement.profitability.report"]._with_rates(query)

    @property
    def _table_query(self):
        return self._query()
