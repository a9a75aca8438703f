from odoo import api, fields, models
from odoo.tools import SQL

from ..lib import money
from ..models.engagement_engagement import BILLING_TYPES
from ..tools import create_report_view


class EngagementProfitabilityReport(models.Model):
    """Actual revenue, cost and hours of engagements, by engagement, date and line kind.

    The analytic lines of an engagement's account, one row each, classified once
    (:meth:`_kind_sql`); the pivot sums them by month. Amounts are in the company's
    currency, as the analytic lines are, so that a pivot across engagements adds like
    with like. The same classification, and the conversion of each line to its
    engagement's currency (:meth:`_line_sql`), are what the engagement's own figures
    sum (``engagement.portfolio.report``): one definition of a line's kind and amount.
    """

    _name = "engagement.profitability.report"
    _description = "Engagement Profitability Analysis"
    _inherit = ["engagement.report.mixin"]
    _auto = False
    _order = "date desc, engagement_id"
    _rec_name = "engagement_id"
    # What the rows are read from: a search or read_group flushes these first, so the
    # figures read right after a timesheet or an invoice in one transaction include it.
    _depends = {
        "account.analytic.line": [
            "account_id",
            "amount",
            "unit_amount",
            "date",
            "category",
            "project_id",
        ],
        "project.project": ["account_id"],
        "engagement.engagement": [
            "project_id",
            "company_id",
            "currency_id",
            "partner_id",
            "user_id",
            "stage_id",
            "billing_type",
        ],
        "res.company": ["currency_id", "parent_path"],
        "res.currency.rate": ["rate", "name", "currency_id", "company_id"],
    }

    engagement_id = fields.Many2one("engagement.engagement", string="Engagement", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    currency_id = fields.Many2one("res.currency", string="Currency", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Engagement Manager", readonly=True)
    stage_id = fields.Many2one("engagement.stage", string="Stage", readonly=True)
    billing_type = fields.Selection(BILLING_TYPES, readonly=True)
    date = fields.Date(string="Accounting Date", readonly=True)
    kind = fields.Selection(money.LINE_KINDS, string="Line Kind", readonly=True)
    revenue = fields.Monetary(string="Invoiced Revenue", readonly=True)
    cost = fields.Monetary(string="Actual Cost", readonly=True)
    margin = fields.Monetary(string="Margin", readonly=True)
    hours = fields.Float(string="Hours", readonly=True)

    # ------------------------------------------------------------------ SQL parts

    @api.model
    def _kind_sql(self):
        """The kind of an analytic line on an engagement's account (``aal``).

        Posted customer invoices and credit notes: invoiced revenue; posted vendor bills
        and refunds: bills; timesheets (lines with a project): labour; any other line
        (manual analytic lines, miscellaneous entries): expenses.
        """
        return SQL(
            """CASE
                WHEN aal.category = 'invoice' THEN %(revenue)s
                WHEN aal.category = 'vendor_bill' THEN %(bills)s
                WHEN aal.project_id IS NOT NULL THEN %(labour)s
                ELSE %(expenses)s
            END""",
            revenue=money.REVENUE_INVOICED,
            bills=money.COST_BILLS,
            labour=money.COST_LABOUR,
            expenses=money.COST_EXPENSES,
        )

    @api.model
    def _rate_periods_sql(self):
        """``(currency_id, root_id, date_from, date_to, rate)``: for each root company and
        currency, the rate in force from ``date_from`` (included) to ``date_to``
        (excluded), as Odoo's ``res.currency._get_rates`` picks it on any day: the
        company's newest rate on or before the day, else the newest such shared rate;
        before any, the oldest (the company's first). A few rows per rate, read once per
        query (see :meth:`_with_rates`)."""
        return SQL(
            """
            SELECT pts.currency_id, pts.root_id, pts.name AS date_from,
                   COALESCE(LEAD(pts.name) OVER (PARTITION BY pts.currency_id, pts.root_id
                                                 ORDER BY pts.name),
                            'infinity'::date) AS date_to,
                   pts.rate
              FROM (SELECT r.currency_id, root.id AS root_id, r.name, r.rate
                      FROM res_company root
                      JOIN res_currency_rate r
                        ON r.company_id = root.id
                        OR (r.company_id IS NULL AND r.name < COALESCE(
                              (SELECT MIN(own.name) FROM res_currency_rate own
                                WHERE own.currency_id = r.currency_id
                                  AND own.company_id = root.id), 'infinity'::date))
                     WHERE root.parent_id IS NULL) pts
            UNION ALL
            (SELECT DISTINCT ON (r.currency_id, root.id)
                   r.currency_id, root.id, '-infinity'::date,
                   MIN(r.name) OVER (PARTITION BY r.currency_id, root.id), r.rate
              FROM res_company root
              JOIN res_currency_rate r ON r.company_id = root.id OR r.company_id IS NULL
             WHERE root.parent_id IS NULL
             ORDER BY r.currency_id, root.id, r.company_id NULLS LAST, r.name)
            """
        )

    @api.model
    def _with_rates(self, query):
        """``query``, which converts with :meth:`_rate_sql`, with the rate periods it
        reads computed once for it."""
        return SQL("WITH engagement_rate AS MATERIALIZED (%s) %s", self._rate_periods_sql(), query)

    @api.model
    def _rate_sql(self, currency, root_company, day):
        """The rate of ``currency`` for ``root_company`` on ``day`` (SQL expressions),
        from the rate periods of :meth:`_rate_periods_sql`; 1.0 without any rate."""
        return SQL(
            """COALESCE((SELECT r.rate FROM engagement_rate r
                          WHERE r.currency_id = %(currency)s AND r.root_id = %(root)s
                            AND r.date_from <= %(day)s AND %(day)s < r.date_to), 1.0)""",
            currency=currency,
            root=root_company,
            day=day,
        )

    @api.model
    def _conversion_sql(self, from_currency, to_currency, root_company, day):
        """The factor that converts an amount from one currency to another on ``day``:
        ``res.currency._convert``'s ``to rate / from rate``, 1 for the same currency."""
        return SQL(
            "CASE WHEN %(from)s = %(to)s OR %(from)s IS NULL THEN 1.0 "
            "ELSE %(to_rate)s / %(from_rate)s END",
            **{
                "from": from_currency,
                "to": to_currency,
                "to_rate": self._rate_sql(to_currency, root_company, day),
                "from_rate": self._rate_sql(from_currency, root_company, day),
            },
        )

    @api.model
    def _root_company_sql(self, company_alias):
        """The root company of ``company_alias`` (Odoo's ``root_id``), whose rates its
        branches use."""
        return SQL("split_part(%s.parent_path, '/', 1)::int", SQL.identifier(company_alias))

    @api.model
    def _day_factor_sql(self, engagement_filter):
        """``(company_id, currency_id, day, factor)``: for each company and foreign
        engagement currency, every day of the lines' span and the factor converting the
        company's currency to it that day. One rate lookup per currency and day, joined to
        the lines by equality, instead of one per line."""
        return SQL(
            """
            SELECT pair.company_id, pair.currency_id, day::date AS day,
                   %(factor)s AS factor
              FROM (SELECT DISTINCT e.company_id, e.currency_id,
                           c.currency_id AS company_currency_id, %(root)s AS root_id
                      FROM engagement_engagement e
                      JOIN res_company c ON c.id = e.company_id
                     WHERE e.currency_id <> c.currency_id AND %(filter)s) pair
             CROSS JOIN (SELECT MIN(date) AS first_day, MAX(date) AS last_day
                           FROM account_analytic_line) span
             CROSS JOIN LATERAL generate_series(
                   span.first_day, span.last_day, interval '1 day') day
            """,
            factor=self._conversion_sql(
                SQL("pair.company_currency_id"),
                SQL("pair.currency_id"),
                SQL("pair.root_id"),
                SQL("day::date"),
            ),
            root=self._root_company_sql("c"),
            filter=engagement_filter,
        )

    @api.model
    def _line_sql(self, engagement_filter=None, convert=True):
        """One row per analytic line of an engagement's account: ``engagement_id``,
        ``line_id``, ``date``, ``kind``, ``amount`` (company currency), ``factor`` (to the
        engagement's currency at the line's date, with ``convert``) and ``hours``.

        ``engagement_filter`` is an SQL condition on the engagement ``e``: the engagement's
        own figures read a few engagements, and the condition reaches the lines' index
        instead of filtering the sums of all of them."""
        engagement_filter = engagement_filter or SQL("TRUE")
        factor, join = SQL("1.0"), SQL()
        if convert:
            factor = SQL("COALESCE(fx.factor, 1.0)")
            join = SQL(
                "LEFT JOIN (%s) fx ON fx.company_id = e.company_id "
                "AND fx.currency_id = e.currency_id AND fx.day = aal.date",
                self._day_factor_sql(engagement_filter),
            )
        return SQL(
            """
            SELECT e.id AS engagement_id, aal.id AS line_id, aal.date AS date,
                   %(kind)s AS kind, aal.amount AS amount, %(factor)s AS factor,
                   CASE WHEN aal.project_id IS NOT NULL
                         AND aal.category NOT IN ('invoice', 'vendor_bill')
                        THEN aal.unit_amount ELSE 0 END AS hours
              FROM account_analytic_line aal
              JOIN project_project p ON p.account_id = aal.account_id
              JOIN engagement_engagement e ON e.project_id = p.id
              %(join)s
             WHERE %(filter)s
            """,
            kind=self._kind_sql(),
            factor=factor,
            join=join,
            filter=engagement_filter,
        )

    @api.model
    def _query(self):
        # One row per line, grouped by the pivot itself: summing by engagement and month
        # in the view first made the manager × month pivot aggregate twice (4× slower).
        return SQL(
            """
            SELECT l.line_id AS id,
                   e.id AS engagement_id,
                   e.company_id AS company_id,
                   c.currency_id AS currency_id,
                   e.partner_id AS partner_id,
                   e.user_id AS user_id,
                   e.stage_id AS stage_id,
                   e.billing_type AS billing_type,
                   l.date AS date,
                   l.kind AS kind,
                   CASE WHEN l.kind = %(revenue)s THEN l.amount ELSE 0 END AS revenue,
                   CASE WHEN l.kind = %(revenue)s THEN 0 ELSE -l.amount END AS cost,
                   l.amount AS margin,
                   l.hours AS hours
              FROM (%(lines)s) l
              JOIN engagement_engagement e ON e.id = l.engagement_id
              JOIN res_company c ON c.id = e.company_id
            """,
            revenue=money.REVENUE_INVOICED,
            lines=self._line_sql(convert=False),
        )

    def init(self):
        create_report_view(self)
