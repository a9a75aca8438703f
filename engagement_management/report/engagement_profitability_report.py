from odoo import api, fields, models
from odoo.tools import SQL

from ..lib import money
from ..models.engagement_engagement import BILLING_TYPES
from ..tools import create_report_view


class EngagementProfitabilityReport(models.Model):
    """Actual revenue, cost and hours of engagements, by engagement × month × line kind.

    One row per analytic line of an engagement's account, with its engagement's
    dimensions and its kind; the views group the rows by engagement, month and kind.
    (Pre-aggregating by day in the view made the manager × month pivot ten times slower
    at 200,000 lines: PostgreSQL then sorts before it can aggregate.) Amounts are in the
    company's currency, as the analytic lines are; the engagement's own figures convert
    them to its currency at each line's date.
    This view is also where the engagement's actual figures are read from, so the
    classification of a line (:meth:`_kind_sql`) has one definition.
    """

    _name = "engagement.profitability.report"
    _description = "Engagement Profitability Analysis"
    _auto = False
    _order = "date desc, engagement_id"
    _rec_name = "engagement_id"

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
    def _select(self):
        kind = self._kind_sql()
        return SQL(
            """
            SELECT aal.id AS id,
                   e.id AS engagement_id,
                   e.company_id AS company_id,
                   c.currency_id AS currency_id,
                   e.partner_id AS partner_id,
                   e.user_id AS user_id,
                   e.stage_id AS stage_id,
                   e.billing_type AS billing_type,
                   aal.date AS date,
                   %(kind)s AS kind,
                   CASE WHEN %(kind)s = %(revenue)s THEN aal.amount ELSE 0 END AS revenue,
                   CASE WHEN %(kind)s = %(revenue)s THEN 0 ELSE -aal.amount END AS cost,
                   aal.amount AS margin,
                   CASE WHEN %(kind)s = %(labour)s THEN aal.unit_amount ELSE 0 END AS hours
            """,
            kind=kind,
            revenue=money.REVENUE_INVOICED,
            labour=money.COST_LABOUR,
        )

    @api.model
    def _from(self):
        return SQL(
            """
            FROM account_analytic_line aal
            JOIN project_project p ON p.account_id = aal.account_id
            JOIN engagement_engagement e ON e.project_id = p.id
            JOIN res_company c ON c.id = e.company_id
            """
        )

    @api.model
    def _where(self):
        return SQL("")

    @api.model
    def _query(self):
        return SQL("%s %s %s", self._select(), self._from(), self._where())

    def init(self):
        create_report_view(self)
