from datetime import timedelta

from odoo import _, api, fields, models
from odoo.tools import SQL
from odoo.tools.sql import drop_view_if_exists

REASONS = [
    ("blocked", "Blocked at a Gate"),
    ("health_red", "Health Off Track"),
    ("margin", "Forecast Margin Under Target"),
    ("change_order", "Change Order Awaiting Approval or Signature"),
    ("deliverable", "Deliverable Awaiting Signature"),
    ("overdue", "End Date Passed"),
    ("high_risk", "High Risk, New or Overdue"),  # the RAID log's part (see _select_raid)
]
# The row id is the source record's id times this, plus the reason's position: stable
# from one read to the next, and unique across reasons.
_ID_FACTOR = 8


class EngagementAttentionItem(models.Model):
    """Engagements that need someone now: one row per engagement × reason (per change
    order or deliverable for the reasons about them), read in one query.

    *Blocked at a gate* is defined simply: an open engagement whose stage has not changed
    for the company's number of days (telling whether the next stage's gates are met
    needs the gates' Python rules, one engagement at a time). *Forecast margin under
    target* reads the figures' own query (``engagement.portfolio.report``), so it is
    never older than the last timesheet or change order; it has no "since".

    The rows are a query, not a view: "for N days" and "ended before today" are read on
    Odoo's clock and the user's today, as the detail counts its days, not on PostgreSQL's.
    """

    _name = "engagement.attention.item"
    _description = "Engagement Attention Item"
    _inherit = ["engagement.report.mixin"]
    _auto = False
    _order = "date_since, engagement_id, id"
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
            "health",
            "date_health_change",
            "is_closed",
            "date_last_stage_update",
            "date_end",
        ],
        "engagement.stage": ["sequence"],
        "engagement.portfolio.report": ["forecast_below_target"],
        "engagement.change.order": [
            "engagement_id",
            "state",
            "submitted_on",
            "manager_approved_on",
        ],
        "engagement.deliverable": ["engagement_id", "state", "is_current", "submitted_on"],
        "res.company": [
            "engagement_attention_blocked_days",
            "engagement_attention_signature_days",
            "engagement_raid_high_score",
        ],
        # The RAID log's part (see _select_raid).
        "engagement.raid.item": [
            "engagement_id",
            "kind",
            "state",
            "score",
            "date_due",
            "active",
            "create_date",
        ],
    }

    engagement_id = fields.Many2one("engagement.engagement", string="Engagement", readonly=True)
    reason = fields.Selection(REASONS, readonly=True)
    detail = fields.Char(compute="_compute_detail")
    date_since = fields.Date(string="Since", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    stage_id = fields.Many2one("engagement.stage", string="Stage", readonly=True)
    user_id = fields.Many2one("res.users", string="Engagement Manager", readonly=True)
    project_manager_id = fields.Many2one("res.users", string="Project Manager", readonly=True)
    business_analyst_id = fields.Many2one("res.users", string="Business Analyst", readonly=True)
    change_order_id = fields.Many2one(
        "engagement.change.order", string="Change Order", readonly=True
    )
    deliverable_id = fields.Many2one("engagement.deliverable", string="Deliverable", readonly=True)
    raid_item_id = fields.Many2one("engagement.raid.item", string="RAID Item", readonly=True)

    @api.depends("reason", "date_since")
    def _compute_detail(self):
        today = fields.Date.context_today(self)
        for item in self:
            days = (today - item.date_since).days if item.date_since else 0
            if item.reason == "blocked":
                item.detail = _(
                    "In %(stage)s for %(days)s days", stage=item.stage_id.name, days=days
                )
            elif item.reason == "health_red":
                item.detail = _("Health off track for %s days", days)
            elif item.reason == "margin":
                item.detail = _("Forecast margin under the target margin")
            elif item.reason == "change_order":
                order = item.change_order_id.sudo()
                item.detail = _(
                    "%(order)s is %(state)s",
                    order=order.display_name,
                    state=order._state_label(),
                )
            elif item.reason == "deliverable":
                item.detail = _(
                    "%(deliverable)s waits for the customer's signature for %(days)s days",
                    deliverable=item.deliverable_id.sudo().display_name,
                    days=days,
                )
            elif item.reason == "high_risk":
                item.detail = item._raid_detail()
            elif item.reason == "overdue":
                item.detail = _(
                    "Ended on %(date)s, still in %(stage)s",
                    date=item.date_since,
                    stage=item.stage_id.name,
                )
            else:
                item.detail = False

    # ------------------------------------------------------------------ SQL

    @api.model
    def _engagement_columns(self):
        return SQL(
            """e.company_id AS company_id,
               e.partner_id AS partner_id,
               e.stage_id AS stage_id,
               e.user_id AS user_id,
               e.project_manager_id AS project_manager_id,
               e.business_analyst_id AS business_analyst_id"""
        )

    @api.model
    def _select(self):
        now = fields.Datetime.now()
        cols = self._engagement_columns()
        blocked_days = SQL("make_interval(days => c.engagement_attention_blocked_days)")
        signature_days = SQL("make_interval(days => c.engagement_attention_signature_days)")
        return SQL(
            """
            SELECT e.id * %(f)s + 1 AS id, e.id AS engagement_id, 'blocked' AS reason,
                   e.date_last_stage_update::date AS date_since, %(cols)s,
                   NULL::integer AS change_order_id, NULL::integer AS deliverable_id
              FROM open_engagement e JOIN res_company c ON c.id = e.company_id
             WHERE e.date_last_stage_update < %(now)s - %(blocked_days)s
            UNION ALL
            SELECT e.id * %(f)s + 2, e.id, 'health_red', e.date_health_change, %(cols)s,
                   NULL, NULL
              FROM open_engagement e
             WHERE e.health = 'red'
            UNION ALL
            SELECT e.id * %(f)s + 3, e.id, 'margin', NULL::date, %(cols)s,
                   NULL, NULL
              FROM open_engagement e
              JOIN engagement_portfolio_report f ON f.engagement_id = e.id
             WHERE f.forecast_below_target
            UNION ALL
            SELECT co.id * %(f)s + 4, e.id, 'change_order',
                   COALESCE(co.manager_approved_on, co.submitted_on)::date, %(cols)s,
                   co.id, NULL
              FROM open_engagement e
              JOIN engagement_change_order co ON co.engagement_id = e.id
             WHERE co.state IN ('submitted', 'approved')
            UNION ALL
            SELECT d.id * %(f)s + 5, e.id, 'deliverable', d.submitted_on::date, %(cols)s,
                   NULL, d.id
              FROM open_engagement e
              JOIN res_company c ON c.id = e.company_id
              JOIN engagement_deliverable d ON d.engagement_id = e.id
             WHERE d.state = 'submitted' AND d.is_current
               AND d.submitted_on < %(now)s - %(signature_days)s
            UNION ALL
            SELECT e.id * %(f)s + 6, e.id, 'overdue', e.date_end, %(cols)s, NULL, NULL
              FROM open_engagement e
              JOIN engagement_stage s ON s.id = e.stage_id
             WHERE e.date_end < %(today)s
               AND s.sequence < (%(acceptance)s)
            """,
            f=_ID_FACTOR,
            cols=cols,
            now=now,
            today=fields.Date.context_today(self),
            blocked_days=blocked_days,
            signature_days=signature_days,
            acceptance=self._acceptance_sequence_sql(),
        )

    # ------------------------------------------------------------------ the RAID log's part
    # Self-contained: the rows of the RAID log are added to the others in _query, which
    # gives the other parts an empty raid_item_id, so _select itself is left as it is.

    @api.model
    def _select_raid(self):
        """Open high risks (score at the company's high score) logged in the last seven
        days or past their due date."""
        today = fields.Date.context_today(self)
        return SQL(
            """
            SELECT r.id * %(f)s + 7 AS id, e.id AS engagement_id, 'high_risk' AS reason,
                   CASE WHEN r.date_due < %(today)s THEN r.date_due
                        ELSE r.create_date::date END AS date_since, %(cols)s,
                   NULL::integer AS change_order_id, NULL::integer AS deliverable_id,
                   r.id AS raid_item_id
              FROM open_engagement e
              JOIN res_company c ON c.id = e.company_id
              JOIN engagement_raid_item r ON r.engagement_id = e.id
             WHERE r.active AND r.kind = 'risk' AND r.state != 'closed'
               AND COALESCE(c.engagement_raid_high_score, 0) > 0
               AND r.score >= c.engagement_raid_high_score
               AND (r.date_due < %(today)s OR r.create_date >= %(since)s)
            """,
            f=_ID_FACTOR,
            cols=self._engagement_columns(),
            today=today,
            since=fields.Datetime.now() - timedelta(days=7),
        )

    def _raid_detail(self):
        self.ensure_one()
        risk = self.raid_item_id.sudo()
        if risk.date_due and risk.date_due < fields.Date.context_today(self):
            return _(
                "%(risk)s (score %(score)s) is past its due date, %(date)s",
                risk=risk.name,
                score=risk.score,
                date=risk.date_due,
            )
        return _("New high risk: %(risk)s (score %(score)s)", risk=risk.name, score=risk.score)

    @api.model
    def _acceptance_sequence_sql(self):
        """The sequence of the Acceptance stage, read when the view is queried (the stage
        records do not exist yet when the view is created at install)."""
        return SQL(
            """SELECT s.sequence FROM engagement_stage s
                 JOIN ir_model_data imd ON imd.res_id = s.id
                                       AND imd.model = 'engagement.stage'
                                       AND imd.module = 'engagement_management'
                                       AND imd.name = 'engagement_stage_acceptance'"""
        )

    @api.model
    def _with(self):
        return SQL(
            """WITH open_engagement AS (
                SELECT id, company_id, partner_id, stage_id, user_id, project_manager_id,
                       business_analyst_id, health, date_health_change,
                       date_last_stage_update, date_end
                  FROM engagement_engagement
                 WHERE active AND NOT COALESCE(is_closed, FALSE)
            )"""
        )

    @api.model
    def _query(self):
        return SQL(
            "%s SELECT base.*, NULL::integer AS raid_item_id FROM (%s) base UNION ALL %s",
            self._with(),
            self._select(),
            self._select_raid(),
        )

    @property
    def _table_query(self):
        return self._query()

    def init(self):
        # The rows were a view before they depended on Odoo's clock.
        drop_view_if_exists(self.env.cr, self._table)

    # ------------------------------------------------------------------ actions

    def action_open_record(self):
        """Open the record where the action is: the change order, the deliverable or
        the engagement."""
        self.ensure_one()
        record = (
            self.change_order_id or self.deliverable_id or self.raid_item_id or self.engagement_id
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "views": [(False, "form")],
            "target": "current",
        }
