from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..lib import gates as gate_rules
from ..lib import money
from ..tools import lock_for_change

GROUP_MANAGER = "engagement_management.group_engagement_manager"
GROUP_FINANCE = "engagement_management.group_engagement_finance"
# Financial figures are for the people who answer for them.
FINANCE_GROUPS = f"{GROUP_MANAGER},{GROUP_FINANCE}"
# What the customer was offered: fixed once something went to them or an order was
# confirmed; from then on the baseline moves through change orders, Finance's threshold
# included, and the figures keep their customer, company and currency.
COMMITTED_FIELDS = frozenset(
    {
        "partner_id",
        "company_id",
        "currency_id",
        "billing_type",
        "budget_revenue",
        "budget_cost",
        "budget_hours",
    }
)

# Classifications that the engagement, its reports and its snapshots share: one list each.
HEALTH_STATES = [("green", "On Track"), ("amber", "At Risk"), ("red", "Off Track")]
BILLING_TYPES = [
    ("fixed_price", "Fixed Price"),
    ("time_materials", "Time and Materials"),
    ("milestone", "Milestones"),
    ("retainer", "Retainer"),
]

# Only a Python object can carry this through the context; JSON and XML-RPC cannot,
# so no client can skip the gates by sending a context key.
_GATE_OVERRIDE = object()

# The fields _compute_figures assigns, read from engagement.portfolio.report.
FIGURE_FIELDS = (
    "revised_revenue",
    "revised_cost",
    "revised_hours",
    "revised_date_end",
    "revenue_contracted",
    "revenue_invoiced",
    "cost_labour",
    "cost_bills",
    "cost_expenses",
    "cost_actual",
    "hours_actual",
    "margin",
    "margin_pct",
    "percent_complete",
    "etc_cost",
    "eac_cost",
    "forecast_margin_pct",
    "wip_amount",
)
_FLOATS = frozenset(FIGURE_FIELDS) - {"revised_date_end"}
# The engagement's own values the figures are derived from, and their SQL types: what a
# form being edited passes in (see _inputs_sql).
EDITABLE_INPUTS = {
    "billing_type": "varchar",
    "etc_method": "varchar",
    "recognition_method": "varchar",
    "budget_revenue": "numeric",
    "budget_cost": "numeric",
    "budget_hours": "float8",
    "date_end": "date",
}


class EngagementEngagement(models.Model):
    _name = "engagement.engagement"
    _description = "Engagement"
    _inherit = [
        "engagement.portal.mixin",
        "rating.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "engagement.workflow.mixin",
    ]
    _order = "id desc"
    _check_company_auto = True
    # What the customer's page of an engagement shows (/my/engagements).
    _portal_fields = frozenset(
        {
            "name",
            "code",
            "partner_id",
            "company_id",
            "stage_id",
            "date_start",
            "date_end",
            "user_id",
            "access_url",
        }
    )
    _rec_names_search = ["name", "code", "partner_id"]

    # Identity
    name = fields.Char(required=True, tracking=True)
    code = fields.Char(string="Reference", readonly=True, copy=False, default="/", index="trigram")
    active = fields.Boolean(default=True)
    description = fields.Html()
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        default=lambda self: self.env.company.currency_id,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        tracking=True,
        check_company=True,
        index=True,
    )

    # Origin and delivery records
    lead_id = fields.Many2one(
        "crm.lead",
        string="Opportunity",
        check_company=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
    )
    lead_expected_revenue = fields.Monetary(
        related="lead_id.expected_revenue",
        string="Expected Revenue",
        currency_field="lead_currency_id",
        groups=FINANCE_GROUPS,
    )
    lead_currency_id = fields.Many2one(related="lead_id.company_currency", string="Lead Currency")
    lead_probability = fields.Float(
        related="lead_id.probability", string="Probability (%)", groups=FINANCE_GROUPS
    )
    sale_order_ids = fields.One2many("sale.order", "engagement_id", string="Sales Orders")
    sale_order_count = fields.Integer(compute="_compute_sale_order_count")
    project_id = fields.Many2one(
        "project.project",
        string="Project",
        check_company=True,
        copy=False,
        tracking=True,
        index="btree_not_null",
    )
    account_id = fields.Many2one(related="project_id.account_id", string="Analytic Account")

    # People
    user_id = fields.Many2one(
        "res.users",
        string="Engagement Manager",
        tracking=True,
        index=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
    )
    sales_user_id = fields.Many2one(
        "res.users", string="Salesperson", tracking=True, domain="[('share', '=', False)]"
    )
    project_manager_id = fields.Many2one(
        "res.users",
        string="Project Manager",
        tracking=True,
        index="btree_not_null",
        domain="[('share', '=', False)]",
    )
    business_analyst_id = fields.Many2one(
        "res.users",
        string="Business Analyst",
        tracking=True,
        index="btree_not_null",
        domain="[('share', '=', False)]",
    )

    # Stage
    stage_id = fields.Many2one(
        "engagement.stage",
        string="Stage",
        tracking=True,
        index=True,
        copy=False,
        ondelete="restrict",
        group_expand="_read_group_stage_ids",
        default=lambda self: self._default_stage_id(),
    )
    date_last_stage_update = fields.Datetime(
        string="Last Stage Update", copy=False, readonly=True, default=fields.Datetime.now
    )
    is_closed = fields.Boolean(related="stage_id.is_closed", store=True)
    stage_project_allowed = fields.Boolean(related="stage_id.project_allowed")
    gate_line_ids = fields.One2many(
        "engagement.gate.line", "engagement_id", string="Approvals and Checklist"
    )
    next_stage_id = fields.Many2one("engagement.stage", compute="_compute_next_stage")
    next_stage_missing = fields.Text(
        string="Still Needed for the Next Stage", compute="_compute_next_stage"
    )
    next_stage_ready = fields.Boolean(compute="_compute_next_stage")
    # Two healths, kept apart: the figures' (one rule, money.health, written by the
    # nightly job and Refresh Health) and the one the PM reports in the latest status
    # report. Neither is typed on the engagement.
    health = fields.Selection(
        HEALTH_STATES,
        string="Health (Figures)",
        default="green",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        help="From the figures and the company's thresholds (Settings), evaluated nightly "
        "and on Refresh Health.",
    )
    date_health_change = fields.Date(
        string="Health Since",
        default=fields.Date.context_today,
        readonly=True,
        copy=False,
        help="When the health last changed: since when an off-track engagement is off track.",
    )
    reported_health = fields.Selection(
        HEALTH_STATES,
        string="Health (Reported)",
        compute="_compute_reported_health",
        store=True,
        help="What the project manager reported in the latest status report.",
    )

    # Contract and baseline
    billing_type = fields.Selection(
        BILLING_TYPES,
        required=True,
        default="fixed_price",
        tracking=True,
    )
    date_start = fields.Date(string="Start Date", tracking=True)
    date_end = fields.Date(string="End Date", tracking=True)
    budget_revenue = fields.Monetary(
        string="Baseline Revenue", tracking=True, groups=FINANCE_GROUPS
    )
    budget_cost = fields.Monetary(string="Baseline Cost", tracking=True, groups=FINANCE_GROUPS)
    budget_hours = fields.Float(string="Baseline Hours", tracking=True)
    target_margin_pct = fields.Float(
        string="Target Margin (%)", default=30.0, groups=FINANCE_GROUPS
    )
    # Computed as superuser: members without Finance read the revised hours and end date,
    # whose compute also reads the (Finance only) baseline money.
    revised_revenue = fields.Monetary(
        compute="_compute_figures",
        compute_sudo=True,
        string="Revised Revenue",
        groups=FINANCE_GROUPS,
    )
    revised_cost = fields.Monetary(
        compute="_compute_figures",
        compute_sudo=True,
        string="Revised Cost",
        groups=FINANCE_GROUPS,
    )
    revised_hours = fields.Float(
        compute="_compute_figures", compute_sudo=True, string="Revised Hours"
    )
    revenue_contracted = fields.Monetary(
        compute="_compute_figures",
        compute_sudo=True,
        string="Contracted Revenue",
        groups=FINANCE_GROUPS,
    )
    revised_date_end = fields.Date(
        compute="_compute_figures", compute_sudo=True, string="Revised End Date"
    )

    # Change orders
    change_order_ids = fields.One2many(
        "engagement.change.order", "engagement_id", string="Change Orders"
    )
    change_order_count = fields.Integer(compute="_compute_change_order_stats")
    change_order_revenue = fields.Monetary(
        compute="_compute_change_order_stats",
        string="Net Change Order Revenue",
        groups=FINANCE_GROUPS,
        help="Revenue impact of the applied change orders.",
    )

    # Presales estimate (engagement.estimate): what the PM and BA priced
    estimate_ids = fields.One2many("engagement.estimate", "engagement_id", string="Estimates")
    estimate_id = fields.Many2one(
        "engagement.estimate",
        string="Approved Estimate",
        compute="_compute_estimate_info",
        help="The approved version of the estimate: the baseline, plan and SOW come from it.",
    )
    estimate_count = fields.Integer(compute="_compute_estimate_info")
    estimate_mismatch = fields.Boolean(
        string="Order Differs from the Estimate",
        compute="_compute_estimate_info",
        help="A confirmed order is for an untaxed amount other than the revenue of the "
        "approved estimate it was made from.",
    )
    estimate_hours_error_pct = fields.Float(
        string="Estimate Error, Hours (%)",
        compute="_compute_estimate_accuracy",
        help="Actual hours of the estimated work against the estimate: +30 is 30 % over.",
    )
    estimate_cost_error_pct = fields.Float(
        string="Estimate Error, Cost (%)",
        compute="_compute_estimate_accuracy",
        groups=FINANCE_GROUPS,
    )

    template_id = fields.Many2one(
        "engagement.template",
        string="Template",
        check_company=True,
        copy=False,
        readonly=True,
        tracking=True,
        help="Chosen when the engagement is created: its deliverables and gates come from it.",
    )
    deliverable_ids = fields.One2many(
        "engagement.deliverable", "engagement_id", string="Deliverables"
    )
    deliverable_count = fields.Integer(compute="_compute_deliverable_count")
    signed_deliverable_ids = fields.Many2many(
        "engagement.deliverable",
        string="Signed Deliverables",
        compute="_compute_signed_deliverable_ids",
        help="The latest signed version of each deliverable type.",
    )
    status_report_ids = fields.One2many(
        "engagement.status.report", "engagement_id", string="Status Reports"
    )
    raid_item_ids = fields.One2many("engagement.raid.item", "engagement_id", string="RAID Log")
    raid_open_count = fields.Integer(string="Open RAID Items", compute="_compute_raid_open_count")
    lessons_learned = fields.Html(string="Lessons Learned")
    satisfaction_score = fields.Float(
        string="Customer Satisfaction",
        readonly=True,
        copy=False,
        aggregator="avg",
        help="Average of the customer's ratings, from 1 to 5.",
    )

    # Actuals and forecast (computed in one batch per recordset, see _compute_figures)
    etc_method = fields.Selection(
        [
            (money.ETC_REMAINING_BUDGET, "Remaining Budget"),
            (money.ETC_BURN_RATE, "Burn Rate"),
        ],
        string="Estimate to Complete",
        required=True,
        default=money.ETC_REMAINING_BUDGET,
        tracking=True,
        help="Remaining budget: what is left of the revised cost. Burn rate: the cost so "
        "far extrapolated over the remaining progress.",
    )
    recognition_method = fields.Selection(
        money.RECOGNITION_METHODS,
        string="Revenue Recognition",
        required=True,
        default=money.RECOGNITION_COST,
        tracking=True,
        # Finance's policy: a PM choosing it would choose the revenue Finance posts.
        groups=FINANCE_GROUPS,
        help="How a fixed-price or milestone engagement earns its revised revenue (WIP is "
        "earned minus invoiced). Cost-to-cost: actual cost / revised cost. Hours: hours "
        "booked / revised hours (cost without an hours budget), the progress shown. Signed "
        "milestones: the recognition share of each signed deliverable. Time and materials "
        "earn hours at the contract rate, retainers what is contracted, whatever the method.",
    )
    revenue_invoiced = fields.Monetary(
        compute="_compute_figures",
        compute_sudo=True,
        string="Invoiced Revenue",
        groups=FINANCE_GROUPS,
    )
    cost_labour = fields.Monetary(
        compute="_compute_figures", compute_sudo=True, string="Labour Cost", groups=FINANCE_GROUPS
    )
    cost_bills = fields.Monetary(
        compute="_compute_figures", compute_sudo=True, string="Vendor Bills", groups=FINANCE_GROUPS
    )
    cost_expenses = fields.Monetary(
        compute="_compute_figures", compute_sudo=True, string="Expenses", groups=FINANCE_GROUPS
    )
    cost_actual = fields.Monetary(
        compute="_compute_figures", compute_sudo=True, string="Actual Cost", groups=FINANCE_GROUPS
    )
    hours_actual = fields.Float(
        compute="_compute_figures", compute_sudo=True, string="Actual Hours", groups=FINANCE_GROUPS
    )
    margin = fields.Monetary(compute="_compute_figures", compute_sudo=True, groups=FINANCE_GROUPS)
    margin_pct = fields.Float(
        compute="_compute_figures", compute_sudo=True, string="Margin (%)", groups=FINANCE_GROUPS
    )
    percent_complete = fields.Float(
        compute="_compute_figures", compute_sudo=True, string="Progress (%)", groups=FINANCE_GROUPS
    )
    etc_cost = fields.Monetary(
        compute="_compute_figures",
        compute_sudo=True,
        string="Cost to Complete (ETC)",
        groups=FINANCE_GROUPS,
    )
    eac_cost = fields.Monetary(
        compute="_compute_figures",
        compute_sudo=True,
        string="Cost at Completion (EAC)",
        groups=FINANCE_GROUPS,
    )
    forecast_margin_pct = fields.Float(
        compute="_compute_figures",
        compute_sudo=True,
        string="Forecast Margin (%)",
        groups=FINANCE_GROUPS,
    )
    wip_amount = fields.Monetary(
        compute="_compute_figures",
        compute_sudo=True,
        string="WIP (Unbilled)",
        groups=FINANCE_GROUPS,
    )

    _check_dates = models.Constraint(
        "CHECK(date_end IS NULL OR date_start IS NULL OR date_end >= date_start)",
        "An engagement cannot end before it starts.",
    )
    _check_budget_positive = models.Constraint(
        "CHECK(COALESCE(budget_revenue, 0) >= 0 AND COALESCE(budget_cost, 0) >= 0 "
        "AND COALESCE(budget_hours, 0) >= 0)",
        "Baseline revenue, cost and hours cannot be negative.",
    )
    _check_budget_bounded = models.Constraint(
        "CHECK(COALESCE(budget_revenue, 0) < 1000000000000000 "
        "AND COALESCE(budget_cost, 0) < 1000000000000000 "
        "AND COALESCE(budget_hours, 0) < 1000000000)",
        "Baseline revenue and cost stay under 10^15, hours under 10^9: check the figure.",
    )
    _project_unique = models.UniqueIndex(
        "(project_id) WHERE project_id IS NOT NULL",
        "A project delivers one engagement.",
    )
    _lead_unique = models.UniqueIndex(
        "(lead_id) WHERE lead_id IS NOT NULL",
        "An opportunity has at most one engagement.",
    )

    # ------------------------------------------------------------------ defaults

    def _default_stage_id(self):
        return self.env["engagement.stage"].search([("is_cancelled", "=", False)], limit=1)

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        return stages.search([], order=stages._order)

    # ------------------------------------------------------------------ computes

    @api.depends("code", "name")
    def _compute_display_name(self):
        for engagement in self:
            if engagement.code and engagement.code != "/":
                engagement.display_name = f"[{engagement.code}] {engagement.name}"
            else:
                engagement.display_name = engagement.name

    def _compute_access_url(self):
        super()._compute_access_url()
        for engagement in self:
            engagement.access_url = f"/my/engagements/{engagement.id}"

    def _compute_sale_order_count(self):
        counts = dict(
            self.env["sale.order"]._read_group(
                [("engagement_id", "in", self.ids)], ["engagement_id"], ["__count"]
            )
        )
        for engagement in self:
            engagement.sale_order_count = counts.get(engagement, 0)

    @api.depends("status_report_ids.health", "status_report_ids.date")
    def _compute_reported_health(self):
        for engagement in self:
            latest = engagement.status_report_ids.sorted(lambda r: (r.date, r.id))[-1:]
            engagement.reported_health = latest.health or False

    @api.depends(
        "active",
        "company_id",
        "currency_id",
        "billing_type",
        "etc_method",
        "recognition_method",
        "budget_revenue",
        "budget_cost",
        "budget_hours",
        "date_end",
        "project_id.account_id",
        "deliverable_ids.state",
        "deliverable_ids.is_current",
        "deliverable_ids.recognition_pct",
        "change_order_ids.state",
        "change_order_ids.currency_id",
        "change_order_ids.applied_on",
        "change_order_ids.revenue_delta",
        "change_order_ids.cost_delta",
        "change_order_ids.hours_delta",
        "change_order_ids.schedule_delta_days",
        "change_order_ids.sale_order_line_id.state",
        "sale_order_ids.state",
        "sale_order_ids.currency_id",
        "sale_order_ids.date_order",
        "sale_order_ids.amount_untaxed",
    )
    def _compute_figures(self):
        """Every figure, read from the one query that defines them
        (``engagement.portfolio.report``) for these engagements' saved state. The
        analytic lines and rates it also reads cannot be named here (a line reaches its
        account through a plan's column): they invalidate these fields when they change
        (account.analytic.line, res.currency.rate)."""
        report = self.env["engagement.portfolio.report"].sudo()
        saved = self.filtered("id")
        rows = report._figures_rows(saved.ids)
        edited = (self - saved).filtered(lambda engagement: engagement._origin)
        if edited:
            # A form being edited: the figures of what is typed, by the same query.
            rows |= report._figures_rows(
                edited._origin.ids,
                edits={
                    engagement._origin.id: {
                        name: engagement[name] or None for name in EDITABLE_INPUTS
                    }
                    for engagement in edited
                },
            )
        empty = dict.fromkeys(FIGURE_FIELDS, 0.0) | {"revised_date_end": False}
        for engagement in self:
            values = rows.get(engagement._origin.id)
            if values is None:
                # Not saved yet: the baseline as typed, nothing spent.
                values = empty | {
                    "revised_revenue": engagement.budget_revenue,
                    "revised_cost": engagement.budget_cost,
                    "revised_hours": engagement.budget_hours,
                    "revised_date_end": engagement.date_end,
                }
            for name in FIGURE_FIELDS:
                value = values[name]
                engagement[name] = float(value) if value is not None and name in _FLOATS else value

    @api.depends("change_order_ids.state", "change_order_ids.revenue_delta")
    def _compute_change_order_stats(self):
        groups = (
            self.env["engagement.change.order"]
            .sudo()
            ._read_group(
                [("engagement_id", "in", self._origin.ids)],
                ["engagement_id", "state"],
                ["__count", "revenue_delta:sum"],
            )
        )
        counts, revenues = {}, {}
        for engagement, state, count, revenue in groups:
            counts[engagement.id] = counts.get(engagement.id, 0) + count
            if state == "applied":
                revenues[engagement.id] = revenue
        for engagement in self:
            engagement.change_order_count = counts.get(engagement._origin.id, 0)
            engagement.change_order_revenue = revenues.get(engagement._origin.id, 0.0)

    @api.model
    def _invalidate_figures(self):
        """Forget the figures read so far in this transaction: what they are summed from
        changed (analytic lines, rates). Computed again, from the database, when read."""
        self.invalidate_model(FIGURE_FIELDS, flush=False)

    @api.depends(
        "stage_id",
        "gate_line_ids.state",
        "change_order_ids.state",
        "deliverable_ids.state",
        "estimate_ids.state",
    )
    @api.depends_context("uid")
    def _compute_next_stage(self):
        stages = self.env["engagement.stage"].search([])
        for engagement in self:
            target = gate_rules.next_stage(engagement.stage_id, stages)
            engagement.next_stage_id = target
            unmet = engagement._get_unmet_gates(target) if target else []
            engagement.next_stage_missing = "\n".join(message for __, message in unmet)
            engagement.next_stage_ready = bool(target) and not unmet

    @api.depends("deliverable_ids")
    def _compute_deliverable_count(self):
        counts = dict(
            self.env["engagement.deliverable"]._read_group(
                [("engagement_id", "in", self.ids)], ["engagement_id"], ["__count"]
            )
        )
        for engagement in self:
            engagement.deliverable_count = counts.get(engagement, 0)

    @api.depends("deliverable_ids.state", "deliverable_ids.version")
    def _compute_signed_deliverable_ids(self):
        for engagement in self:
            latest = {}
            for deliverable in engagement.deliverable_ids.filtered(lambda d: d.state == "signed"):
                kept = latest.get(deliverable.type_id)
                if not kept or deliverable.version > kept.version:
                    latest[deliverable.type_id] = deliverable
            engagement.signed_deliverable_ids = self.env["engagement.deliverable"].union(
                *latest.values()
            )

    # ------------------------------------------------------------------ estimate

    @api.depends("estimate_ids.state", "sale_order_ids.state", "sale_order_ids.amount_untaxed")
    def _compute_estimate_info(self):
        estimates = (
            self.env["engagement.estimate"]
            .sudo()
            .search([("engagement_id", "in", self._origin.ids)], order="version desc, id desc")
        )
        orders = (
            self.env["sale.order"]
            .sudo()
            .search([("engagement_id", "in", self._origin.ids), ("state", "=", "sale")])
        )
        by_engagement, mismatched = {}, set()
        for estimate in estimates:
            by_engagement.setdefault(estimate.engagement_id.id, []).append(estimate)
        for order in orders:
            if order.engagement_estimate_mismatch:
                mismatched.add(order.engagement_id.id)
        for engagement in self:
            own = by_engagement.get(engagement._origin.id, [])
            approved = next((e for e in own if e.state == "approved"), estimates.browse())
            engagement.estimate_id = approved.sudo(False)
            engagement.estimate_count = len(own)
            engagement.estimate_mismatch = engagement._origin.id in mismatched

    def _compute_estimate_accuracy(self):
        report = self.env["engagement.estimate.accuracy.report"].sudo()
        groups = {
            engagement.id: (hours_error, cost_error)
            for engagement, hours_error, cost_error in report._read_group(
                [("engagement_id", "in", self._origin.ids)],
                ["engagement_id"],
                ["hours_error_pct:sum", "cost_error_pct:sum"],
            )
        }
        for engagement in self:
            hours_error, cost_error = groups.get(engagement._origin.id, (0.0, 0.0))
            engagement.estimate_hours_error_pct = hours_error
            engagement.estimate_cost_error_pct = cost_error

    def _create_estimate_plan(self, project):
        """Hook: the delivery project's tasks come from the approved estimate."""
        self.ensure_one()
        estimate = self.sudo().estimate_id
        if estimate:
            estimate._plan_project(project)

    def action_view_estimates(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "engagement_management.engagement_estimate_action"
        )
        action.update(
            domain=[("engagement_id", "=", self.id)],
            context={"default_engagement_id": self.id},
        )
        return action

    def action_view_estimate_accuracy(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "engagement_management.engagement_estimate_accuracy_report_action"
        )
        action.update(domain=[("engagement_id", "=", self.id)], context={})
        return action

    # ------------------------------------------------------------------ gates

    def _get_unmet_gates(self, target, current=None):
        """Every criterion the move from ``current`` (default: the engagement's stage;
        ``False``: from nothing, as on create) to ``target`` still lacks, as
        ``[(stage, message)]`` in pipeline order.

        Evaluated as superuser: whether a gate holds does not depend on who asks (a user
        may not read a budget field that a gate requires to be set).
        """
        self.ensure_one()
        if current is None:
            current = self.stage_id
        current = current or None  # False or an empty record: entering from nothing
        stages = self.env["engagement.stage"].sudo().search([])
        unmet = []
        record = self.sudo()
        for stage in gate_rules.stages_to_enter(current, target, stages):
            for gate in stage.gate_ids:
                missing = gate._evaluate(record)
                if missing:
                    unmet.append((stage, missing))
        return unmet

    def _raise_unmet(self, target, unmet):
        lines = "\n".join(f"- {stage.name}: {message}" for stage, message in unmet)
        raise UserError(
            _(
                "%(engagement)s cannot move to %(target)s. Still missing:\n%(lines)s",
                engagement=self.display_name,
                target=target.name,
                lines=lines,
            )
        )

    def _gate_line_done(self, gate):
        self.ensure_one()
        return any(
            line.gate_id == gate and line.state == "done" for line in self.sudo().gate_line_ids
        )

    def _check_stage_change(self, target):
        """The one check every stage change passes: button, write, import, RPC.

        Raises with every unmet criterion of every stage entered, before anything is
        written, so a refused move changes nothing.
        """
        is_manager = self.env.user.has_group(GROUP_MANAGER)
        for engagement in self:
            direction = gate_rules.move_direction(engagement.stage_id or None, target)
            if direction == gate_rules.BACKWARD and not (is_manager or self.env.is_superuser()):
                raise AccessError(
                    _(
                        "Only engagement managers can move %(engagement)s back from "
                        "%(current)s to %(target)s.",
                        engagement=engagement.display_name,
                        current=engagement.stage_id.name,
                        target=target.name,
                    )
                )
            unmet = engagement._get_unmet_gates(target)
            if unmet:
                engagement._raise_unmet(target, unmet)

    def _sync_gate_lines(self):
        """Give each engagement one line per approval or checklist gate of the pipeline."""
        gates = (
            self.env["engagement.stage.gate"]
            .sudo()
            .search([])
            .filtered(lambda gate: gate._needs_confirmation())
        )
        if not self or not gates:
            return
        existing = set(
            self.env["engagement.gate.line"]
            .sudo()
            .search_fetch([("engagement_id", "in", self.ids)], ["engagement_id", "gate_id"])
            .mapped(lambda line: (line.engagement_id.id, line.gate_id.id))
        )
        self.env["engagement.gate.line"].sudo().create(
            [
                {"engagement_id": engagement.id, "gate_id": gate.id}
                for engagement in self
                for gate in gates
                if (engagement.id, gate.id) not in existing and gate._applies_to(engagement)
            ]
        )

    # ------------------------------------------------------------------ the guard's hooks

    def _workflow_fields(self):
        return super()._workflow_fields() | {
            "code",
            "template_id",
            "date_last_stage_update",
            "health",
            "date_health_change",
            "satisfaction_score",
        }

    def _workflow_create_fields(self):
        # The template is chosen when the engagement is created (it makes its deliverables
        # and gate lines); a reference may come with an import.
        return super()._workflow_create_fields() | {"code", "template_id"}

    def _workflow_create_defaults(self):
        return {**super()._workflow_create_defaults(), "health": "green"}

    def _is_committed(self):
        """Whether something went to the customer (a deliverable submitted, a change
        order sent) or one of its orders is confirmed."""
        self.ensure_one()
        engagement = self.sudo()
        return bool(
            engagement.deliverable_ids.filtered("submitted_on")
            or engagement.change_order_ids.filtered("sent_on")
            or engagement.sale_order_ids.filtered(lambda order: order.state == "sale")
        )

    def _check_committed_terms(self, vals):
        names = COMMITTED_FIELDS & set(vals)
        if not names or self._in_workflow():
            return
        for engagement in self:
            changing = [
                name
                for name in sorted(names)
                if engagement._fields[name].convert_to_record(
                    engagement._fields[name].convert_to_cache(vals[name], engagement),
                    engagement,
                )
                != engagement.sudo()[name]
            ]
            if changing and engagement._is_committed():
                raise UserError(
                    _(
                        "%(engagement)s is committed to its customer (a document went to "
                        "them, or an order is confirmed): %(fields)s no longer change. "
                        "Raise a change order.",
                        engagement=engagement.display_name,
                        fields=", ".join(
                            engagement._fields[name].get_description(self.env)["string"]
                            for name in changing
                        ),
                    )
                )

    def _set_stage_date(self, when):
        """Date the last stage move ``when``: history brought in (an import, the demo).
        Otherwise only a stage move stamps it (the attention list reads it)."""
        super(EngagementEngagement, self._workflow()).write({"date_last_stage_update": when})

    def _check_unlink_allowed(self):
        """What the customer signed and the change orders past their draft are kept:
        their engagement is archived, not deleted (deleting it would take them along)."""
        super()._check_unlink_allowed()
        kept = self.sudo()
        kept.deliverable_ids._check_unlink_allowed()
        kept.change_order_ids._check_unlink_allowed()

    # ------------------------------------------------------------------ CRUD

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("code", "/") == "/":
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["code"] = (
                    self.env["ir.sequence"]
                    .with_company(company)
                    .next_by_code("engagement.engagement")
                    or "/"
                )
        engagements = super().create(vals_list)
        engagements._sync_gate_lines()
        engagements.filtered("template_id")._apply_template()
        default_stage = self._default_stage_id()
        for engagement in engagements:
            # Creating straight into a later stage (import, RPC) enters every stage up to it.
            if engagement.stage_id and engagement.stage_id != default_stage:
                unmet = engagement._get_unmet_gates(engagement.stage_id, current=False)
                if unmet:
                    engagement._raise_unmet(engagement.stage_id, unmet)
        return engagements

    def write(self, vals):
        self._check_committed_terms(vals)
        moving = self.browse()
        records = self
        if vals.get("stage_id"):
            target = self.env["engagement.stage"].browse(vals["stage_id"]).exists()
            if not target:
                raise UserError(_("The stage %s does not exist.", vals["stage_id"]))
            # Of two users moving the same engagement at once, one wins and the other is
            # refused, before any gate is read: never a second move from a stale stage.
            lock_for_change(self.filtered(lambda engagement: engagement.stage_id != target))
            # Read again once locked: another transaction may have moved them meanwhile.
            moving = self.filtered(lambda engagement: engagement.stage_id != target)
            if self.env.context.get("engagement_gate_override") is not _GATE_OVERRIDE:
                moving._check_stage_change(target)
            if moving:
                # The move is tracked in the chatter whatever context the client sent.
                records = self.with_context(tracking_disable=False, mail_notrack=False)
        elif "stage_id" in vals:
            raise UserError(_("An engagement always has a stage."))
        dated = self._get_dated_changes(vals)
        res = super(EngagementEngagement, records).write(vals)
        for records, date_field in dated:
            super(EngagementEngagement, records._workflow()).write(
                {date_field: fields.Date.today()}
            )
        if moving:
            super(EngagementEngagement, moving._workflow()).write(
                {"date_last_stage_update": fields.Datetime.now()}
            )
            moving._on_stage_entered()
        # Field gates read any field, so what the next stage needs is stale after any write.
        self.invalidate_recordset(["next_stage_id", "next_stage_missing", "next_stage_ready"])
        return res

    def _get_dated_changes(self, vals):
        """``[(records, date field)]``: the engagements whose health, or forecast under
        target, ``vals`` changes, and the date that says since when (the attention list's).
        """
        dated = []
        if "health" in vals:
            changing = self.filtered(lambda engagement: engagement.health != vals["health"])
            dated.append((changing, "date_health_change"))
        return [(records, field) for records, field in dated if records]

    @api.constrains("project_id", "partner_id", "company_id")
    def _check_project_customer(self):
        self.sudo().sale_order_ids._check_engagement_customer()
        for engagement in self:
            project = engagement.sudo().project_id
            if not project:
                continue
            partner = project.partner_id.commercial_partner_id
            if (partner and partner != engagement.partner_id.commercial_partner_id) or (
                project.company_id and project.company_id != engagement.company_id
            ):
                raise ValidationError(
                    _(
                        "%(engagement)s is for %(customer)s (%(company)s): the project "
                        "%(project)s is for another customer or company.",
                        engagement=engagement.display_name,
                        customer=engagement.partner_id.display_name,
                        company=engagement.company_id.name,
                        project=project.display_name,
                    )
                )

    @api.constrains("lead_id", "partner_id")
    def _check_lead_partner(self):
        for engagement in self:
            lead_partner = engagement.lead_id.partner_id.commercial_partner_id
            if lead_partner and lead_partner != engagement.partner_id.commercial_partner_id:
                raise ValidationError(
                    _(
                        "%(engagement)s is for %(customer)s but its opportunity is for "
                        "%(lead_customer)s.",
                        engagement=engagement.display_name,
                        customer=engagement.partner_id.display_name,
                        lead_customer=lead_partner.display_name,
                    )
                )

    def _track_subtype(self, init_values):
        self.ensure_one()
        if "stage_id" in init_values:
            return self.env.ref("engagement_management.mt_engagement_stage")
        return super()._track_subtype(init_values)

    # ------------------------------------------------------------------ business

    def _on_lead_won(self):
        """A won opportunity moves its engagement out of presales when the next gates hold.

        Otherwise the engagement stays, and its manager gets an activity listing what is
        missing: winning the deal must not be lost because a PM is not named yet.
        """
        stages = self.env["engagement.stage"].search([])
        for engagement in self:
            if engagement.stage_id != self._default_stage_id():
                continue
            target = gate_rules.next_stage(engagement.stage_id, stages)
            if not target:
                continue
            unmet = engagement._get_unmet_gates(target)
            if not unmet:
                engagement.sudo().action_move_to_stage(target)
                continue
            engagement.sudo().activity_schedule(
                "engagement_management.mail_activity_type_engagement_gates",
                summary=_("Won: complete the gates for %s", target.name),
                note=_(
                    "The opportunity is won, but the engagement cannot enter %(stage)s yet. "
                    "Missing: %(missing)s",
                    stage=target.name,
                    missing="; ".join(message for __, message in unmet),
                ),
                user_id=(engagement.user_id or self.env.user).id,
            )

    def _on_stage_entered(self):
        """Entering a stage with a rating template asks the customer for a rating."""
        for engagement in self:
            template = engagement.stage_id.rating_template_id
            if template and engagement.partner_id.email:
                # Not Odoo's rating_send_request: it posts the rating link (a token that
                # rates for the customer) in the engagement's chatter.
                engagement._mail_customer(template, engagement)

    def _apply_template(self):
        for engagement in self:
            values = engagement.template_id._prepare_deliverable_values(engagement)
            self.env["engagement.deliverable"].sudo().create(values)

    def rating_apply(self, rate, token=None, rating=None, feedback=None, **kwargs):
        # The customer rates through the link mailed to them (Odoo's /rate route, which
        # calls this as superuser): nobody inside rates for them.
        if not self.env.su:
            raise AccessError(
                _("Only the customer rates an engagement, from the link sent to them.")
            )
        rating = super().rating_apply(rate, token=token, rating=rating, feedback=feedback, **kwargs)
        self._update_satisfaction_score()
        return rating

    def _update_satisfaction_score(self):
        groups = dict(
            self.env["rating.rating"]
            .sudo()
            ._read_group(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("consumed", "=", True),
                    ("rating", ">=", 1),
                ],
                ["res_id"],
                ["rating:avg"],
            )
        )
        for engagement in self:
            engagement.sudo()._workflow().satisfaction_score = groups.get(engagement.id, 0.0)

    def _create_delivery_project(self):
        """Hook: the delivery project, from the template's project template when set."""
        self.ensure_one()
        template = self.template_id.project_template_id.sudo()
        values = self._create_project_values()
        if template:
            return template.action_create_from_template(values)
        return self.env["project.project"].sudo().create(values)

    def _compute_health_from_figures(self):
        """``{engagement: health}`` from the figures and the company's thresholds."""
        overdue_high_risk = self._get_overdue_high_risk_engagement_ids()
        return {
            engagement: money.health(
                engagement.cost_actual,
                engagement.revised_cost,
                engagement.percent_complete,
                engagement.forecast_margin_pct,
                engagement.target_margin_pct,
                engagement.revised_revenue,
                cost_alert_pct=engagement.company_id.engagement_health_cost_pct,
                progress_alert_pct=engagement.company_id.engagement_health_progress_pct,
                overdue_high_risk=engagement.id in overdue_high_risk,
            )
            for engagement in self
        }

    # ------------------------------------------------------------------ RAID log

    def _get_overdue_high_risk_engagement_ids(self):
        """The ids of these engagements with an open high risk past its due date, in one
        query: the health rule's RAID input."""
        if not self.ids:
            return set()
        today = fields.Date.context_today(self)
        items = (
            self.env["engagement.raid.item"]
            .sudo()
            .search_fetch(
                [
                    ("id", "in", self.env["engagement.raid.item"]._high_risk_ids()),
                    ("engagement_id", "in", self.ids),
                    ("date_due", "<", today),
                ],
                ["engagement_id"],
            )
        )
        return set(items.engagement_id.ids)

    def _get_customer_contacts(self):
        """Who hears from the engagement by mail: its customer contact and the customer's
        contacts who take part on the portal, with an email address."""
        self.ensure_one()
        customer = self.sudo().partner_id
        portal_users = (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    ("share", "=", True),
                    ("partner_id.commercial_partner_id", "=", customer.commercial_partner_id.id),
                ]
            )
        )
        return (customer | portal_users.partner_id).filtered("email")

    def _send_customer_mail(self, template_xmlid, records):
        """Mail ``records`` (of this engagement) to the customer's contacts with the
        company's template; the template links to the customer's portal page."""
        self.ensure_one()
        template = self.env.ref(template_xmlid, raise_if_not_found=False)
        if not template or not self._get_customer_contacts():
            return
        self._portal_ensure_token()
        for record in records:
            self._mail_customer(template, record)

    def _mail_customer(self, template, record):
        """Send ``template`` rendered on ``record`` to the customer, out of every thread.

        The link in the mail carries the customer's access token, and whoever holds it
        answers as the customer: signs, rejects, answers a dependency, rates. Posted on
        the record (as Odoo does), the mail would be readable by every member of the
        engagement over RPC. So it is attached to no record and authored by the
        company: only its recipients read it. The records log the sending themselves.
        """
        self.ensure_one()
        template.sudo().send_mail(
            record.id,
            email_layout_xmlid="mail.mail_notification_light",
            email_values={
                "model": False,
                "res_id": False,
                "author_id": self.sudo().company_id.partner_id.id,
            },
        )

    @api.depends("raid_item_ids.state")
    def _compute_raid_open_count(self):
        counts = dict(
            self.env["engagement.raid.item"]._read_group(
                [("engagement_id", "in", self.ids), ("state", "!=", "closed")],
                ["engagement_id"],
                ["__count"],
            )
        )
        for engagement in self:
            engagement.raid_open_count = counts.get(engagement, 0)

    def action_view_raid_items(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "engagement_management.engagement_raid_item_action"
        )
        action["domain"] = [("engagement_id", "=", self.id)]
        action["context"] = {"default_engagement_id": self.id, "search_default_open": 1}
        return action

    def _update_health(self):
        """Write the health the figures give; a change is tracked and the manager gets
        an activity. Returns the engagements whose health changed."""
        changed = self.browse()
        labels = dict(self._fields["health"]._description_selection(self.env))
        for engagement, health in self.sudo()._compute_health_from_figures().items():
            if engagement.health == health:
                continue
            previous = engagement.health
            engagement._workflow().health = health
            changed |= engagement
            # The note names no figure: the engagement manager may not be allowed to
            # read them, and activities are read by every member of the engagement.
            engagement.activity_schedule(
                "engagement_management.mail_activity_type_engagement_health",
                summary=_("Health: %s", labels[health]),
                note=_(
                    "The figures moved %(engagement)s from %(previous)s to %(health)s: "
                    "compare its cost, progress and forecast margin with the budget and "
                    "the target on its Profitability tab.",
                    engagement=engagement.display_name,
                    previous=labels[previous],
                    health=labels[health],
                ),
                user_id=(engagement.user_id or self.env.user).id,
            )
        return changed.sudo(False)

    @api.model
    def _cron_update_health(self):
        self.search([("is_closed", "=", False)])._update_health()

    def _create_project_values(self):
        self.ensure_one()
        return {
            "name": self.name,
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "user_id": (self.project_manager_id or self.user_id).id,
            "allow_billable": True,
            "date_start": self.date_start,
            "date": self.date_end,
        }

    # ------------------------------------------------------------------ actions

    def action_move_to_stage(self, stage):
        """Move to ``stage`` (a record or an id); refused with every missing item."""
        if isinstance(stage, models.BaseModel):
            stage = stage.id
        self.write({"stage_id": stage})
        return True

    def action_next_stage(self):
        for engagement in self:
            if not engagement.next_stage_id:
                raise UserError(_("%s is at the end of its pipeline.", engagement.display_name))
            engagement.action_move_to_stage(engagement.next_stage_id)
        return True

    def action_override_stage(self, stage, reason):
        """Administrators move past unmet gates; the reason stays in the chatter."""
        if not self.env.user.has_group("engagement_management.group_engagement_admin"):
            raise AccessError(_("Only engagement administrators can override stage gates."))
        reason = (reason or "").strip()
        if not reason:
            raise UserError(_("Overriding a stage gate needs a reason."))
        if isinstance(stage, int):
            stage = self.env["engagement.stage"].browse(stage)
        stage = stage.exists()
        if not stage:
            raise UserError(_("The stage to move to does not exist."))
        for engagement in self:
            unmet = engagement._get_unmet_gates(stage)
            previous = engagement.stage_id
            engagement.with_context(engagement_gate_override=_GATE_OVERRIDE).write(
                {"stage_id": stage.id}
            )
            missing = "; ".join(message for __, message in unmet) or _("nothing")
            engagement.message_post(
                body=_(
                    "Stage gates overridden by %(user)s: %(previous)s → %(stage)s. "
                    "Reason: %(reason)s. Unmet at the time: %(missing)s.",
                    user=self.env.user.name,
                    previous=previous.name,
                    stage=stage.name,
                    reason=reason,
                    missing=missing,
                ),
                subtype_xmlid="engagement_management.mt_engagement_gate_override",
            )
        return True

    def action_refresh_health(self):
        """Finance and managers recompute health from the figures now, not at night."""
        if not self.env.user.has_groups(FINANCE_GROUPS):
            raise AccessError(_("Only engagement managers and Finance can refresh health."))
        self.check_access("read")
        self._update_health()
        return True

    def action_open_override_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Override Stage Gates"),
            "res_model": "engagement.stage.override.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_engagement_id": self.id},
        }

    def action_create_project(self):
        """Create (or link) the delivery project; allowed from the planning stage on."""
        self.ensure_one()
        if self.project_id:
            raise UserError(_("%s already has a project.", self.display_name))
        if not self.stage_id.project_allowed:
            raise UserError(
                _(
                    "The project is created from the planning stage on; %(engagement)s "
                    "is in %(stage)s.",
                    engagement=self.display_name,
                    stage=self.stage_id.name,
                )
            )
        # The order's project (sale_project) is found whatever the user may read of orders.
        project = self.sudo().sale_order_ids.filtered(lambda so: so.state == "sale").project_ids[:1]
        project = project.sudo(False)
        # Whoever may run the engagement may open its delivery project, project rights
        # or not, as sale_project does when an order creates one.
        self.check_access("write")
        if not project:
            project = self._create_delivery_project()
        if not project.account_id:
            project.sudo()._create_analytic_account()
        self.project_id = project
        self._create_estimate_plan(project)
        return self.action_view_project()

    def action_view_project(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "project.project",
            "view_mode": "form",
            "res_id": self.project_id.id,
        }

    def action_view_burnup(self):
        """The burn-up chart: cost against the revised budget and the EAC, month by month
        (the revenue lines one filter away)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "engagement_management.engagement_burnup_report_action"
        )
        action["display_name"] = _("Burn-up: %s", self.display_name)
        action["domain"] = [("engagement_id", "=", self.id)]
        return action

    def action_view_deliverables(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "engagement_management.engagement_deliverable_action"
        )
        action.update(
            domain=[("engagement_id", "=", self.id)],
            context={"default_engagement_id": self.id, "search_default_current": 1},
        )
        return action

    def action_view_lead(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.lead",
            "view_mode": "form",
            "res_id": self.lead_id.id,
        }

    def action_view_change_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "engagement_management.engagement_change_order_action"
        )
        action.update(
            domain=[("engagement_id", "=", self.id)],
            context={"default_engagement_id": self.id},
        )
        return action

    def action_view_sale_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale.action_quotations_with_onboarding"
        )
        action.update(
            domain=[("engagement_id", "=", self.id)],
            context={
                "default_engagement_id": self.id,
                "default_partner_id": self.partner_id.id,
                "default_opportunity_id": self.lead_id.id,
            },
        )
        if self.sale_order_count == 1:
            action.update(view_mode="form", views=[(False, "form")], res_id=self.sale_order_ids.id)
        return action
