from odoo import api, fields, models
from odoo.tools import SQL

from ..lib import money
from ..models.engagement_engagement import (
    BILLING_TYPES,
    EDITABLE_INPUTS,
    FIGURE_FIELDS,
    FINANCE_GROUPS,
    HEALTH_STATES,
)
from ..tools import create_report_view


class EngagementPortfolioReport(models.Model):
    """The figures of every engagement, one row each: the one definition of each figure.

    Built of SQL parts that take a condition on the engagement ``e``: the view (what the
    portfolio's pivot, graph, list and kanban read, and the attention list and workload
    join) has none; the engagement's own fields read the same query for their ids
    (:meth:`_figures_rows`), so a form, a list, a snapshot and the portfolio cannot
    disagree. Amounts are converted to each engagement's currency with Odoo's rates
    (``res.currency._get_rates``): analytic lines at their date, change orders at the
    date they were applied, sale orders at their order date.
    """

    _name = "engagement.portfolio.report"
    _description = "Engagement Portfolio"
    _inherit = ["engagement.report.mixin"]
    _auto = False
    _order = "engagement_id desc"
    _rec_name = "engagement_id"
    _depends = {
        "account.analytic.line": [
            "account_id",
            "amount",
            "unit_amount",
            "date",
            "category",
            "project_id",
        ],
        "engagement.engagement": [
            "active",
            "project_id",
            "company_id",
            "currency_id",
            "partner_id",
            "user_id",
            "project_manager_id",
            "stage_id",
            "is_closed",
            "health",
            "billing_type",
            "etc_method",
            "recognition_method",
            "budget_revenue",
            "budget_cost",
            "budget_hours",
            "target_margin_pct",
            "date_start",
            "date_end",
        ],
        "engagement.change.order": [
            "engagement_id",
            "state",
            "currency_id",
            "applied_on",
            "revenue_delta",
            "cost_delta",
            "hours_delta",
            "schedule_delta_days",
            "sale_order_line_id",
        ],
        "sale.order": ["engagement_id", "state", "currency_id", "date_order", "amount_untaxed"],
        "engagement.deliverable": [
            "engagement_id",
            "state",
            "is_current",
            "recognition_pct",
            "signed_on",
        ],
        "sale.order.line": ["state"],
        "res.currency": ["rounding"],
        "res.currency.rate": ["rate", "name", "currency_id", "company_id"],
        "res.company": ["currency_id", "parent_path"],
        "project.project": ["account_id"],
    }

    engagement_id = fields.Many2one("engagement.engagement", string="Engagement", readonly=True)
    active = fields.Boolean(readonly=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    currency_id = fields.Many2one("res.currency", string="Currency", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Engagement Manager", readonly=True)
    project_manager_id = fields.Many2one("res.users", string="Project Manager", readonly=True)
    stage_id = fields.Many2one("engagement.stage", string="Stage", readonly=True)
    is_closed = fields.Boolean(string="Closed", readonly=True)
    health = fields.Selection(HEALTH_STATES, string="Health (Figures)", readonly=True)
    billing_type = fields.Selection(BILLING_TYPES, readonly=True)
    date_start = fields.Date(string="Start Date", readonly=True)
    date_end = fields.Date(string="End Date", readonly=True)
    target_margin_pct = fields.Float(
        string="Target Margin (%)", readonly=True, aggregator="avg", groups=FINANCE_GROUPS
    )

    revised_revenue = fields.Monetary(string="Revised Revenue", readonly=True)
    revised_cost = fields.Monetary(string="Revised Cost", readonly=True)
    revised_hours = fields.Float(string="Revised Hours", readonly=True)
    revised_date_end = fields.Date(string="Revised End Date", readonly=True)
    revenue_contracted = fields.Monetary(string="Contracted Revenue", readonly=True)
    revenue_invoiced = fields.Monetary(string="Invoiced Revenue", readonly=True)
    cost_labour = fields.Monetary(string="Labour Cost", readonly=True)
    cost_bills = fields.Monetary(string="Vendor Bills", readonly=True)
    cost_expenses = fields.Monetary(string="Expenses", readonly=True)
    cost_actual = fields.Monetary(string="Actual Cost", readonly=True)
    hours_actual = fields.Float(string="Actual Hours", readonly=True)
    margin = fields.Monetary(readonly=True)
    margin_pct = fields.Float(string="Margin (%)", readonly=True, aggregator="avg")
    percent_complete = fields.Float(string="Progress (%)", readonly=True, aggregator="avg")
    etc_cost = fields.Monetary(string="Cost to Complete (ETC)", readonly=True)
    eac_cost = fields.Monetary(string="Cost at Completion (EAC)", readonly=True)
    forecast_margin = fields.Monetary(
        string="Forecast Margin", readonly=True, help="Revised revenue minus EAC."
    )
    forecast_margin_pct = fields.Float(
        string="Forecast Margin (%)", readonly=True, aggregator="avg"
    )
    wip_amount = fields.Monetary(string="WIP (Unbilled)", readonly=True)
    backlog = fields.Monetary(
        readonly=True, help="Contracted revenue not earned yet: what remains to recognise."
    )
    forecast_below_target = fields.Boolean(
        string="Forecast Under Target",
        readonly=True,
        help="The forecast margin is under the target margin (engagements with a revised revenue).",
    )

    # ------------------------------------------------------------------ SQL parts

    @property
    def _lines(self):
        return self.env["engagement.profitability.report"]

    @api.model
    def _actuals_sql(self, engagement_filter, line_filter=None, by_month=False):
        """``(engagement_id, revenue_invoiced, cost_labour, cost_bills, cost_expenses,
        hours_actual)`` in each engagement's currency, from the classified lines (and by
        ``month`` with ``by_month``)."""
        kinds = {
            "revenue_invoiced": (money.REVENUE_INVOICED, 1),
            "cost_labour": (money.COST_LABOUR, -1),
            "cost_bills": (money.COST_BILLS, -1),
            "cost_expenses": (money.COST_EXPENSES, -1),
        }
        # Summed by kind first: the kind is computed once per line, as a group key.
        month = SQL("date_trunc('month', l.date)::date") if by_month else SQL("NULL::date")
        return SQL(
            """
            SELECT k.engagement_id, %(month_column)s %(sums)s, SUM(k.hours) AS hours_actual
              FROM (SELECT l.engagement_id, %(month)s AS month, l.kind,
                           SUM(l.amount * l.factor) AS amount, SUM(l.hours) AS hours
                      FROM (%(lines)s) l
                     WHERE %(line_filter)s
                     GROUP BY l.engagement_id, %(month)s, l.kind) k
             GROUP BY k.engagement_id %(group_month)s
            """,
            month=month,
            month_column=SQL("k.month,") if by_month else SQL(),
            group_month=SQL(", k.month") if by_month else SQL(),
            sums=SQL(", ").join(
                SQL(
                    "SUM(CASE WHEN k.kind = %s THEN %s * k.amount ELSE 0 END) AS %s",
                    kind,
                    sign,
                    SQL.identifier(name),
                )
                for name, (kind, sign) in kinds.items()
            ),
            lines=self._lines._line_sql(engagement_filter),
            line_filter=line_filter or SQL("TRUE"),
        )

    @api.model
    def _changes_sql(self, engagement_filter, by_month=False, as_of=None):
        """The applied change orders' deltas, each order converted from the currency it
        was agreed in at the date it was applied (by the ``month`` it was applied in,
        with ``by_month``; those applied by the day ``as_of`` only, when given)."""
        factor = self._lines._conversion_sql(
            SQL("co.currency_id"),
            SQL("e.currency_id"),
            self._lines._root_company_sql("c"),
            SQL("co.applied_on::date"),
        )
        return SQL(
            """
            SELECT co.engagement_id, %(month)s
                   SUM(COALESCE(co.revenue_delta, 0) * fx.factor) AS revenue,
                   SUM(COALESCE(co.cost_delta, 0) * fx.factor) AS cost,
                   SUM(COALESCE(co.hours_delta, 0)) AS hours,
                   SUM(COALESCE(co.schedule_delta_days, 0)) AS days
              FROM engagement_change_order co
              JOIN engagement_engagement e ON e.id = co.engagement_id
              JOIN res_company c ON c.id = e.company_id
             CROSS JOIN LATERAL (SELECT %(factor)s AS factor OFFSET 0) fx
             WHERE co.state = 'applied' AND %(as_of)s AND %(filter)s
             GROUP BY co.engagement_id %(group_month)s
            """,
            factor=factor,
            filter=engagement_filter,
            as_of=SQL("co.applied_on::date <= %s", as_of) if as_of else SQL("TRUE"),
            month=SQL("date_trunc('month', co.applied_on)::date AS month,") if by_month else SQL(),
            group_month=SQL(", date_trunc('month', co.applied_on)") if by_month else SQL(),
        )

    @api.model
    def _contracted_sql(self, engagement_filter, by_month=False, as_of=None):
        """Contracted revenue: confirmed orders' untaxed amounts at their order date, and
        the applied change orders whose line no confirmed order carries yet at the date
        they were applied (each amount counted once); by the ``month`` of that date, with
        ``by_month``; dated by the day ``as_of`` only, when given."""
        root = self._lines._root_company_sql("c")
        order_factor = self._lines._conversion_sql(
            SQL("so.currency_id"), SQL("e.currency_id"), root, SQL("so.date_order::date")
        )
        change_factor = self._lines._conversion_sql(
            SQL("co.currency_id"), SQL("e.currency_id"), root, SQL("co.applied_on::date")
        )
        return SQL(
            """
            SELECT amounts.engagement_id, %(month)s SUM(amounts.amount) AS amount
              FROM (
                SELECT so.engagement_id, so.date_order::date AS day,
                       so.amount_untaxed * %(order_factor)s AS amount
                  FROM sale_order so
                  JOIN engagement_engagement e ON e.id = so.engagement_id
                  JOIN res_company c ON c.id = e.company_id
                 WHERE so.state = 'sale' AND %(filter)s
                UNION ALL
                SELECT co.engagement_id, co.applied_on::date,
                       COALESCE(co.revenue_delta, 0) * %(change_factor)s
                  FROM engagement_change_order co
                  JOIN engagement_engagement e ON e.id = co.engagement_id
                  JOIN res_company c ON c.id = e.company_id
                  LEFT JOIN sale_order_line sol ON sol.id = co.sale_order_line_id
                 WHERE co.state = 'applied' AND (sol.id IS NULL OR sol.state <> 'sale')
                   AND %(filter)s
              ) amounts
             WHERE %(as_of)s
             GROUP BY amounts.engagement_id %(group_month)s
            """,
            as_of=SQL("amounts.day <= %s", as_of) if as_of else SQL("TRUE"),
            month=SQL("date_trunc('month', amounts.day)::date AS month,") if by_month else SQL(),
            group_month=SQL(", date_trunc('month', amounts.day)") if by_month else SQL(),
            order_factor=order_factor,
            change_factor=change_factor,
            filter=engagement_filter,
        )

    @api.model
    def _inputs_sql(self, engagement_filter, edits=None, as_of=None):
        """What the figures are derived from, one row per engagement: the revised
        baseline, contracted revenue and the actuals (see :meth:`_derived_sql`); with
        ``as_of`` (a date), as they stood at the end of that day: the lines, change
        orders, orders and signatures dated by then (the baseline is the one saved).

        ``edits`` (``{engagement_id: {field: value}}`` of :data:`EDITABLE_INPUTS`) stands
        in for the saved values of those engagements: a form being edited shows the
        figures of what is typed, by the same definitions."""
        terms = SQL("e")
        join = SQL()
        if edits:
            terms = SQL("t")
            join = SQL(
                "JOIN (VALUES %s) AS t(id, %s) ON t.id = e.id",
                SQL(", ").join(
                    SQL(
                        "(%s, %s)",
                        engagement_id,
                        SQL(", ").join(
                            SQL("%s::%s", values[name], SQL(sql_type))
                            for name, sql_type in EDITABLE_INPUTS.items()
                        ),
                    )
                    for engagement_id, values in edits.items()
                ),
                SQL(", ").join(SQL.identifier(name) for name in EDITABLE_INPUTS),
            )

        def term(name):
            return SQL("%s.%s", terms, SQL.identifier(name))

        return SQL(
            """
            SELECT e.id AS engagement_id, %(billing_type)s AS billing_type,
                   %(etc_method)s AS etc_method, %(recognition_method)s AS recognition_method,
                   COALESCE(ms.share, 0)::float8 AS milestone_share, cur.rounding,
                   %(revised_revenue)s AS revised_revenue,
                   %(revised_cost)s AS revised_cost,
                   COALESCE(%(budget_hours)s, 0) + COALESCE(d.hours, 0) AS revised_hours,
                   %(date_end)s + COALESCE(d.days, 0)::int AS revised_date_end,
                   %(contracted)s AS revenue_contracted,
                   COALESCE(a.revenue_invoiced, 0) AS revenue_invoiced,
                   COALESCE(a.cost_labour, 0) AS cost_labour,
                   COALESCE(a.cost_bills, 0) AS cost_bills,
                   COALESCE(a.cost_expenses, 0) AS cost_expenses,
                   COALESCE(a.hours_actual, 0) AS hours_actual
              FROM engagement_engagement e
              %(join)s
              JOIN res_currency cur ON cur.id = e.currency_id
              LEFT JOIN (%(actuals)s) a ON a.engagement_id = e.id
              LEFT JOIN (%(changes)s) d ON d.engagement_id = e.id
              LEFT JOIN (%(contracted_sql)s) s ON s.engagement_id = e.id
              LEFT JOIN (%(milestones)s) ms ON ms.engagement_id = e.id
             WHERE %(filter)s
            """,
            billing_type=term("billing_type"),
            etc_method=term("etc_method"),
            recognition_method=term("recognition_method"),
            milestones=self._milestones_sql(
                engagement_filter,
                SQL("(%s::date + 1)", as_of) if as_of else None,
            ),
            budget_hours=term("budget_hours"),
            date_end=term("date_end"),
            revised_revenue=self._round_sql(
                SQL("COALESCE(%s, 0) + COALESCE(d.revenue, 0)", term("budget_revenue"))
            ),
            revised_cost=self._round_sql(
                SQL("COALESCE(%s, 0) + COALESCE(d.cost, 0)", term("budget_cost"))
            ),
            contracted=self._round_sql(SQL("COALESCE(s.amount, 0)")),
            join=join,
            actuals=self._actuals_sql(
                engagement_filter, SQL("l.date <= %s", as_of) if as_of else None
            ),
            changes=self._changes_sql(engagement_filter, as_of=as_of),
            contracted_sql=self._contracted_sql(engagement_filter, as_of=as_of),
            filter=engagement_filter,
        )

    @api.model
    def _milestones_sql(self, engagement_filter, day=None):
        """``(engagement_id, share)``: the recognition shares (percent) of the signed
        current deliverables, signed before ``day`` (an SQL date) when given."""
        return SQL(
            """
            SELECT d.engagement_id, SUM(COALESCE(d.recognition_pct, 0)) AS share
              FROM engagement_deliverable d
              JOIN engagement_engagement e ON e.id = d.engagement_id
             WHERE d.state = 'signed' AND d.is_current AND %(day)s AND %(filter)s
             GROUP BY d.engagement_id
            """,
            day=SQL("d.signed_on < %s", day) if day is not None else SQL("TRUE"),
            filter=engagement_filter,
        )

    @api.model
    def _round_sql(self, amount, rounding=None):
        """``amount`` rounded to the currency (``rounding``, by default the column of the
        currency ``cur``), as Odoo's ``float_round`` does."""
        rounding = rounding or SQL("cur.rounding")
        return SQL("ROUND((%s)::numeric / %s) * %s", amount, rounding, rounding)

    @api.model
    def _derived_sql(self, inputs, keys=("engagement_id",)):
        """Every figure from its inputs (a relation with the columns of
        :meth:`_inputs_sql`), the money definitions of the README, one each:

        - actual cost = labour + bills + expenses; margin = invoiced − actual cost;
          margin % = margin / invoiced × 100 (0 when nothing is invoiced);
        - progress = hours / revised hours (with an hours budget), else actual cost /
          revised cost, × 100, between 0 and 100;
        - ETC: remaining budget (revised cost − actual cost, not below 0), or burn rate
          (actual cost / progress × (100 − progress); the remaining budget before any
          progress); EAC = actual cost + ETC;
        - forecast margin % = (revised revenue − EAC) / revised revenue × 100;
        - earned: recognised progress × revised revenue (fixed price, milestones), hours ×
          revised revenue / revised hours (time and materials), contracted revenue
          (retainer); WIP = earned − invoiced. The recognised progress follows the
          engagement's recognition method: cost-to-cost (actual cost / revised cost),
          hours (the progress above) or signed milestones (the shares of the signed
          deliverables), between 0 and 100;
        - backlog: contracted revenue − earned, not below 0.
        Money is rounded to the currency; hours and percentages are kept as computed.
        ``keys``: the columns of ``inputs`` that name a row (the burn-up adds its month).
        """
        rounding = SQL("i.rounding")
        round_ = lambda amount: self._round_sql(amount, rounding)  # noqa: E731
        return SQL(
            """
            SELECT %(keys)s,
                   i.revised_revenue, i.revised_cost, i.revised_hours, i.revised_date_end,
                   i.revenue_contracted,
                   %(revenue_invoiced)s AS revenue_invoiced,
                   %(cost_labour)s AS cost_labour,
                   %(cost_bills)s AS cost_bills,
                   %(cost_expenses)s AS cost_expenses,
                   %(cost_actual)s AS cost_actual,
                   i.hours_actual,
                   %(margin)s AS margin,
                   CASE WHEN i.revenue_invoiced = 0 THEN 0
                        ELSE (i.revenue_invoiced - k.cost)::float8
                             / i.revenue_invoiced::float8 * 100
                   END AS margin_pct,
                   p.progress AS percent_complete,
                   %(etc_cost)s AS etc_cost,
                   %(eac_cost)s AS eac_cost,
                   %(forecast_margin)s AS forecast_margin,
                   CASE WHEN i.revised_revenue = 0 THEN 0
                        ELSE (i.revised_revenue - (k.cost + t.etc))::float8
                             / i.revised_revenue::float8 * 100
                   END AS forecast_margin_pct,
                   %(wip)s AS wip_amount,
                   %(backlog)s AS backlog
              FROM (%(inputs)s) i
             CROSS JOIN LATERAL (
                   SELECT (i.cost_labour + i.cost_bills + i.cost_expenses)::numeric AS cost) k
             CROSS JOIN LATERAL (
                   SELECT LEAST(GREATEST(CASE
                       WHEN i.revised_hours > 0 THEN i.hours_actual / i.revised_hours * 100
                       WHEN i.revised_cost > 0 THEN k.cost::float8 / i.revised_cost::float8 * 100
                       ELSE 0 END, 0), 100)::float8 AS progress) p
             CROSS JOIN LATERAL (
                   SELECT (CASE
                       WHEN i.etc_method = %(burn_rate)s AND p.progress > 0
                       THEN k.cost::float8 / p.progress * (100 - p.progress)
                       ELSE GREATEST(i.revised_cost - k.cost, 0)::float8
                       END)::numeric AS etc) t
             CROSS JOIN LATERAL (
                   SELECT LEAST(GREATEST(CASE
                       WHEN i.recognition_method = %(by_hours)s THEN p.progress
                       WHEN i.recognition_method = %(by_milestone)s THEN i.milestone_share
                       WHEN i.revised_cost > 0 THEN k.cost::float8 / i.revised_cost::float8 * 100
                       ELSE 0 END, 0), 100)::float8 AS progress) r
             CROSS JOIN LATERAL (
                   SELECT (CASE
                       WHEN i.billing_type IN ('fixed_price', 'milestone')
                       THEN r.progress / 100 * i.revised_revenue::float8
                       WHEN i.billing_type = 'time_materials' AND i.revised_hours > 0
                       THEN i.hours_actual * (i.revised_revenue::float8 / i.revised_hours)
                       WHEN i.billing_type = 'retainer' THEN i.revenue_contracted::float8
                       ELSE 0 END)::numeric AS earned) x
            """,
            revenue_invoiced=round_(SQL("i.revenue_invoiced")),
            cost_labour=round_(SQL("i.cost_labour")),
            cost_bills=round_(SQL("i.cost_bills")),
            cost_expenses=round_(SQL("i.cost_expenses")),
            cost_actual=round_(SQL("k.cost")),
            margin=round_(SQL("i.revenue_invoiced - k.cost")),
            etc_cost=round_(SQL("t.etc")),
            eac_cost=round_(SQL("k.cost + t.etc")),
            forecast_margin=round_(SQL("i.revised_revenue - (k.cost + t.etc)")),
            wip=round_(SQL("x.earned - i.revenue_invoiced")),
            backlog=round_(SQL("GREATEST(i.revenue_contracted - x.earned, 0)")),
            burn_rate=money.ETC_BURN_RATE,
            by_hours=money.RECOGNITION_HOURS,
            by_milestone=money.RECOGNITION_MILESTONE,
            inputs=inputs,
            keys=SQL(", ").join(SQL("i.%s", SQL.identifier(key)) for key in keys),
        )

    @api.model
    def _query(self, engagement_filter=None):
        engagement_filter = engagement_filter or SQL("TRUE")
        return self._lines._with_rates(
            SQL(
                """
            SELECT e.id AS id, e.id AS engagement_id, e.active, e.company_id, e.currency_id,
                   e.partner_id, e.user_id, e.project_manager_id, e.stage_id,
                   COALESCE(e.is_closed, FALSE) AS is_closed, e.health, e.billing_type,
                   e.date_start, e.date_end, e.target_margin_pct, %(columns)s,
                   (f.revised_revenue <> 0
                    AND f.forecast_margin_pct < COALESCE(e.target_margin_pct, 0))
                       AS forecast_below_target
              FROM engagement_engagement e
              JOIN (%(figures)s) f ON f.engagement_id = e.id
             WHERE %(filter)s
            """,
                columns=SQL(", ").join(
                    SQL("f.%s", SQL.identifier(name))
                    for name in (*FIGURE_FIELDS, "forecast_margin", "backlog")
                ),
                figures=self._derived_sql(self._inputs_sql(engagement_filter)),
                filter=engagement_filter,
            )
        )

    def init(self):
        create_report_view(self)

    # ------------------------------------------------------------------ reading

    @api.model
    def _flush_sources(self):
        """Flush what the rows are computed from (``_depends``), before a query that
        does not go through the view's own search."""
        for model_name, field_names in self._depends.items():
            self.env[model_name].flush_model(field_names)

    @api.model
    def _figures_rows(self, engagement_ids, edits=None, as_of=None):
        """``{engagement_id: {figure: value}}`` for these engagements, from the same query
        as the view, filtered at the source (``edits``, ``as_of``: see
        :meth:`_inputs_sql`)."""
        if not engagement_ids:
            return {}
        self._flush_sources()
        self._without_jit()
        engagement_filter = SQL("e.id = ANY(%s)", list(engagement_ids))
        rows = self.env.execute_query_dict(
            self._lines._with_rates(
                self._derived_sql(self._inputs_sql(engagement_filter, edits, as_of))
            )
        )
        return {row.pop("engagement_id"): row for row in rows}

    @api.model
    def _period_rows(self, engagement_ids, date_from, date_to):
        """``{engagement_id: {period_revenue, period_cost, period_margin}}``: the actuals of
        the lines dated in the period, in each engagement's currency."""
        if not engagement_ids:
            return {}
        self._flush_sources()
        self._without_jit()
        actuals = self._actuals_sql(
            SQL("e.id = ANY(%s)", list(engagement_ids)),
            SQL("l.date BETWEEN %s AND %s", date_from, date_to),
        )
        rows = self.env.execute_query(
            self._lines._with_rates(
                SQL(
                    """
                SELECT a.engagement_id, %(revenue)s, %(cost)s,
                       %(margin)s
                  FROM (%(actuals)s) a
                  JOIN engagement_engagement e ON e.id = a.engagement_id
                  JOIN res_currency cur ON cur.id = e.currency_id
                """,
                    revenue=self._round_sql(SQL("a.revenue_invoiced")),
                    cost=self._round_sql(SQL("a.cost_labour + a.cost_bills + a.cost_expenses")),
                    margin=self._round_sql(
                        SQL("a.revenue_invoiced - (a.cost_labour + a.cost_bills + a.cost_expenses)")
                    ),
                    actuals=actuals,
                )
            )
        )
        return {
            engagement_id: {
                "period_revenue": float(revenue),
                "period_cost": float(cost),
                "period_margin": float(margin),
            }
            for engagement_id, revenue, cost, margin in rows
        }

    # ------------------------------------------------------------------ actions

    def action_open_engagement(self):
        self.ensure_one()
        return self.engagement_id._get_records_action()
