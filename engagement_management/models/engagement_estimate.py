import base64

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import float_compare, float_round, html2plaintext

from ..tools import lock_for_change
from .engagement_engagement import BILLING_TYPES, FINANCE_GROUPS, GROUP_FINANCE, GROUP_MANAGER

ACTIVITY_TYPE = "engagement_management.mail_activity_type_engagement_estimate"
SOW_TYPE = "engagement_management.engagement_deliverable_type_sow"
SOW_REPORT = "engagement_management.engagement_estimate_sow_report"
SALES_OR_FINANCE = "sales_team.group_sale_salesman," + FINANCE_GROUPS

STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("approved", "Approved"),
    ("superseded", "Superseded"),
]
# Billing types whose quotation sells a fixed price per phase, invoiced on delivered
# milestones; the others sell each role's hours, invoiced on timesheets.
PER_PHASE_BILLING = ("fixed_price", "milestone", "retainer")
# What an order line made from the estimate sells of its plan (sale.order.line).
PLAN_LINK_FIELDS = ("engagement_estimate_phase", "engagement_estimate_role_id")


class EngagementEstimate(models.Model):
    """What the PM and BA price before the sale closes: a work breakdown by phase and
    role, at a rate card's rates.

    ``draft`` → ``submitted`` (by its PM or BA) → ``approved`` (the engagement manager,
    and Finance as well when the margin is under the target: two different people,
    engagement.approval.mixin) → ``superseded`` once a later version is approved. An
    estimate past its draft is frozen, lines included: a change is a new version
    (``action_new_version``). The approved estimate becomes the quotation
    (``action_create_quotation``), the engagement's baseline, the delivery project's
    tasks and the SOW; at the close the accuracy report measures it.
    """

    _name = "engagement.estimate"
    _description = "Engagement Estimate"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "engagement.approval.mixin",
        "engagement.workflow.mixin",
    ]
    _order = "id desc"
    _check_company_auto = True
    _rec_names_search = ["name", "lead_id"]

    # Identity and origin
    name = fields.Char(required=True, tracking=True, index="trigram")
    lead_id = fields.Many2one(
        "crm.lead",
        string="Opportunity",
        index="btree_not_null",
        ondelete="restrict",
        check_company=True,
        tracking=True,
    )
    engagement_id = fields.Many2one(
        "engagement.engagement",
        index="btree_not_null",
        ondelete="restrict",
        check_company=True,
        tracking=True,
        help="Set from the opportunity's engagement, or when the engagement is created.",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        compute="_compute_partner_id",
        store=True,
        precompute=True,
        index=True,
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        compute="_compute_company_id",
        store=True,
        precompute=True,
        readonly=False,
    )
    project_manager_id = fields.Many2one(
        "res.users", compute="_compute_people", string="Project Manager"
    )
    business_analyst_id = fields.Many2one(
        "res.users", compute="_compute_people", string="Business Analyst"
    )
    billing_type = fields.Selection(
        BILLING_TYPES,
        required=True,
        default="fixed_price",
        tracking=True,
        help="How the quotation sells the work: fixed price, milestones and retainers per "
        "phase on delivered milestones; time and materials per role on timesheets.",
    )

    # Pricing
    rate_card_id = fields.Many2one(
        "engagement.rate.card",
        string="Rate Card",
        compute="_compute_rate_card_id",
        store=True,
        precompute=True,
        readonly=False,
        check_company=True,
        tracking=True,
        help="The customer's card, else the company's default (Settings).",
    )
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        compute="_compute_currency_id",
        store=True,
        precompute=True,
        readonly=False,
    )
    line_ids = fields.One2many(
        "engagement.estimate.line", "estimate_id", string="Work Breakdown", copy=True
    )
    template_id = fields.Many2one(
        "engagement.template",
        string="Template",
        check_company=True,
        tracking=True,
        help="The standard breakdown it started from (Apply Template); the engagement made "
        "from the opportunity takes it, and the accuracy report groups by it.",
    )
    contingency_pct = fields.Float(
        string="Contingency (%)",
        tracking=True,
        help="Added to the hours, cost and revenue of the breakdown: 10.0 is 10 %.",
    )
    assumptions = fields.Html()
    exclusions = fields.Html()
    target_margin_pct = fields.Float(
        string="Target Margin (%)",
        groups=FINANCE_GROUPS,
        copy=False,
        default=lambda self: self.env.company.engagement_estimate_target_margin_pct,
        tracking=True,
        help="Under this margin Finance approves too. Managers may raise it; only Finance "
        "lowers it.",
    )

    # Totals (the breakdown plus contingency). The money is Finance's and the managers',
    # as on the engagement: approved, the revenue is the engagement's Finance-only
    # baseline revenue, so whoever may not read that may not read it here either.
    hours_total = fields.Float(string="Hours", compute="_compute_totals", store=True)
    revenue_total = fields.Monetary(
        string="Revenue", compute="_compute_totals", store=True, groups=FINANCE_GROUPS
    )
    cost_total = fields.Monetary(
        string="Cost", compute="_compute_totals", store=True, groups=FINANCE_GROUPS
    )
    margin_pct = fields.Float(
        string="Margin (%)",
        compute="_compute_totals",
        store=True,
        groups=FINANCE_GROUPS,
        aggregator="avg",
    )

    # Workflow
    state = fields.Selection(
        STATES, default="draft", required=True, readonly=True, copy=False, tracking=True, index=True
    )
    version = fields.Integer(default=1, readonly=True, copy=False)
    previous_id = fields.Many2one(
        "engagement.estimate", string="Previous Version", readonly=True, copy=False
    )
    # Finance's and the managers' only: whether the margin is under the target tells a
    # PM who varies hours and rates where the cost side is.
    needs_finance_approval = fields.Boolean(
        compute="_compute_needs_finance_approval",
        store=True,
        groups=FINANCE_GROUPS,
        help="Its margin is under the target: Finance approves too. Decided while a draft.",
    )
    submitted_by_id = fields.Many2one("res.users", string="Submitted By", readonly=True, copy=False)
    submitted_on = fields.Datetime(readonly=True, copy=False)
    date_approved = fields.Datetime(string="Approved On", readonly=True, copy=False)
    sale_order_ids = fields.One2many(
        "sale.order",
        "engagement_estimate_id",
        string="Quotations",
        groups=SALES_OR_FINANCE,
    )
    quotation_count = fields.Integer(compute="_compute_quotation_count")
    sow_deliverable_ids = fields.One2many(
        "engagement.deliverable",
        "estimate_id",
        string="SOW Deliverables",
        help="The SOW versions generated from this estimate (Generate SOW).",
    )

    _contingency_range = models.Constraint(
        "CHECK(COALESCE(contingency_pct, 0) >= 0 AND COALESCE(contingency_pct, 0) <= 100)",
        "The contingency is between 0 and 100 %.",
    )

    # ------------------------------------------------------------------ computes

    @api.depends("name", "version")
    def _compute_display_name(self):
        for estimate in self:
            estimate.display_name = _(
                "%(name)s (v%(version)s)", name=estimate.name or "", version=estimate.version
            )

    @api.depends("lead_id.partner_id", "engagement_id.partner_id")
    def _compute_partner_id(self):
        for estimate in self:
            partner = estimate.engagement_id.partner_id or estimate.lead_id.partner_id
            estimate.partner_id = partner.commercial_partner_id

    @api.depends("lead_id", "engagement_id")
    def _compute_company_id(self):
        for estimate in self:
            estimate.company_id = (
                estimate.engagement_id.company_id
                or estimate.lead_id.company_id
                or estimate.company_id
                or self.env.company
            )

    @api.depends("lead_id", "engagement_id")
    def _compute_people(self):
        for estimate in self:
            source = estimate.sudo().engagement_id or estimate.sudo().lead_id
            estimate.project_manager_id = source.project_manager_id
            estimate.business_analyst_id = source.business_analyst_id

    @api.depends("partner_id", "company_id")
    def _compute_rate_card_id(self):
        for estimate in self:
            if estimate.rate_card_id or estimate.state != "draft":
                estimate.rate_card_id = estimate.rate_card_id
                continue
            company = estimate.company_id or self.env.company
            partner = estimate.partner_id.with_company(company)
            estimate.rate_card_id = (
                partner.engagement_rate_card_id or company.engagement_rate_card_id
            )

    @api.depends("rate_card_id", "company_id")
    def _compute_currency_id(self):
        for estimate in self:
            if estimate.state != "draft" and estimate.currency_id:
                estimate.currency_id = estimate.currency_id
                continue
            estimate.currency_id = (
                estimate.rate_card_id.currency_id
                or estimate.currency_id
                or (estimate.company_id or self.env.company).currency_id
            )

    @api.depends("line_ids.hours", "line_ids.revenue", "line_ids.cost", "contingency_pct")
    def _compute_totals(self):
        for estimate in self:
            factor = 1.0 + (estimate.contingency_pct or 0.0) / 100.0
            lines = estimate.sudo().line_ids
            round_ = estimate.currency_id.round if estimate.currency_id else (lambda x: x)
            hours = float_round(sum(lines.mapped("hours")) * factor, precision_digits=2)
            revenue = round_(sum(lines.mapped("revenue")) * factor)
            cost = round_(sum(lines.mapped("cost")) * factor)
            estimate.hours_total = hours
            estimate.revenue_total = revenue
            estimate.cost_total = cost
            estimate.margin_pct = (revenue - cost) / revenue * 100.0 if revenue else 0.0

    @api.depends("margin_pct", "target_margin_pct", "revenue_total")
    def _compute_needs_finance_approval(self):
        for estimate in self:
            # Decided while a draft: submitted, it keeps the rule it was submitted under.
            if estimate.state == "draft":
                estimate.needs_finance_approval = estimate._under_target_margin()

    def _under_target_margin(self):
        """Whether the margin is under the target (no revenue: nothing to protect)."""
        self.ensure_one()
        estimate = self.sudo()
        return bool(estimate.revenue_total) and estimate.margin_pct < estimate.target_margin_pct

    def _compute_quotation_count(self):
        counts = dict(
            self.env["sale.order"]
            .sudo()
            ._read_group(
                [("engagement_estimate_id", "in", self.ids)],
                ["engagement_estimate_id"],
                ["__count"],
            )
        )
        for estimate in self:
            estimate.quotation_count = counts.get(estimate, 0)

    # ------------------------------------------------------------------ constraints

    @api.constrains("lead_id", "engagement_id", "name")
    def _check_origin(self):
        for estimate in self:
            if not (estimate.lead_id or estimate.engagement_id):
                raise ValidationError(
                    _("The estimate “%s” prices an opportunity or an engagement.", estimate.name)
                )
            # Both set: the engagement is the one made from that opportunity (an estimate of
            # one's own opportunity must not price, and then set, another's engagement).
            lead = estimate.sudo().engagement_id.lead_id
            if estimate.lead_id and estimate.engagement_id and lead != estimate.lead_id:
                raise ValidationError(
                    _(
                        "The estimate “%(estimate)s” is for %(lead)s, not for the "
                        "opportunity of %(engagement)s.",
                        estimate=estimate.name,
                        lead=estimate.lead_id.name,
                        engagement=estimate.engagement_id.display_name,
                    )
                )

    @api.constrains("rate_card_id", "currency_id", "company_id")
    def _check_rate_card(self):
        for estimate in self:
            card = estimate.sudo().rate_card_id
            if not card:
                continue
            if card.company_id != estimate.company_id:
                raise ValidationError(
                    _(
                        "The rate card %(card)s is of %(company)s: the estimate “%(estimate)s” "
                        "is priced for %(own)s.",
                        card=card.name,
                        company=card.company_id.name,
                        estimate=estimate.name,
                        own=estimate.company_id.name,
                    )
                )
            if card.currency_id != estimate.currency_id:
                raise ValidationError(
                    _(
                        "The rate card %(card)s is in %(currency)s: the estimate “%(estimate)s” "
                        "is in %(own)s.",
                        card=card.name,
                        currency=card.currency_id.name,
                        estimate=estimate.name,
                        own=estimate.currency_id.name,
                    )
                )

    # ------------------------------------------------------------------ the guard's hooks

    def _workflow_fields(self):
        return super()._workflow_fields() | {
            "lead_id",
            "engagement_id",
            "state",
            "version",
            "previous_id",
            "needs_finance_approval",
            "submitted_by_id",
            "submitted_on",
            "manager_approved_by_id",
            "manager_approved_on",
            "finance_approved_by_id",
            "finance_approved_on",
            "date_approved",
        }

    def _workflow_create_fields(self):
        # What it prices is said once, on creation; a new version is the workflow's.
        return super()._workflow_create_fields() | {"lead_id", "engagement_id"}

    def _workflow_create_defaults(self):
        return {**super()._workflow_create_defaults(), "state": "draft", "version": 1}

    def _bookkeeping_fields(self):
        """What a submitted or approved estimate still accepts: its chatter, followers
        and activities."""
        return frozenset(self.env["mail.thread"]._fields) | frozenset(
            self.env["mail.activity.mixin"]._fields
        )

    def _check_editable(self, vals):
        """Past its draft an estimate is frozen: what was approved is what was priced."""
        if self._in_workflow():
            return
        changing = set(vals) - self._bookkeeping_fields()
        frozen = self.filtered(lambda estimate: estimate.state != "draft")
        if changing and frozen:
            raise UserError(
                _(
                    "%(estimate)s is %(state)s: it no longer changes (%(fields)s). Create a "
                    "new version.",
                    estimate=frozen[0].display_name,
                    state=frozen[0]._state_label().lower(),
                    fields=", ".join(sorted(changing)),
                )
            )

    def _check_unlink_allowed(self):
        super()._check_unlink_allowed()
        kept = self.filtered(lambda estimate: estimate.state != "draft" or estimate.version > 1)
        if kept:
            raise UserError(
                _(
                    "%s cannot be deleted: only the first draft of an estimate is. A later "
                    "one is superseded by a new version.",
                    ", ".join(kept.mapped("display_name")),
                )
            )

    def _approval_refused_message(self):
        return _(
            "Only engagement managers (and Finance, under the target margin) approve estimates."
        )

    def _finance_approval_missing_message(self):
        self.ensure_one()
        return _(
            "%s is under the target margin: it still needs the approval of Finance.",
            self.display_name,
        )

    # ------------------------------------------------------------------ CRUD

    @api.model_create_multi
    def create(self, vals_list):
        Lead = self.env["crm.lead"].sudo()
        Engagement = self.env["engagement.engagement"].sudo()
        for vals in vals_list:
            # Whichever it was created from, it knows both the opportunity and the
            # engagement when there is one.
            if vals.get("lead_id") and not vals.get("engagement_id"):
                engagement = Lead.browse(vals["lead_id"]).engagement_ids[:1]
                if engagement:
                    vals["engagement_id"] = engagement.id
            elif vals.get("engagement_id") and not vals.get("lead_id"):
                lead = Engagement.browse(vals["engagement_id"]).lead_id
                if lead:
                    vals["lead_id"] = lead.id
            if not vals.get("name"):
                source = Lead.browse(vals.get("lead_id")) or Engagement.browse(
                    vals.get("engagement_id")
                )
                vals["name"] = _("Estimate: %s", source.name or _("New"))
        estimates = super().create(vals_list)
        for estimate, vals in zip(estimates, vals_list, strict=True):
            estimate._check_target_margin_floor(given="target_margin_pct" in vals)
        return estimates

    def write(self, vals):
        self._check_editable(vals)
        if "target_margin_pct" in vals:
            for estimate in self:
                estimate._check_target_margin_change(
                    vals["target_margin_pct"], estimate.sudo().target_margin_pct
                )
        return super().write(vals)

    def _target_margin_floor(self):
        """The lowest target margin someone outside Finance may give this estimate: its
        own company's (not the company the client happens to be in), or the highest that
        another estimate of the same opportunity or engagement has, so that a copy or a
        new draft does not undo a target Finance raised."""
        self.ensure_one()
        estimate = self.sudo()
        floors = [estimate.company_id.engagement_estimate_target_margin_pct]
        origins = [
            Domain(name, "=", estimate[name].id)
            for name in ("lead_id", "engagement_id")
            if estimate[name]
        ]
        if origins:
            siblings = estimate.search(Domain.OR(origins) & Domain("id", "!=", estimate.id))
            floors += siblings.mapped("target_margin_pct")
        return max(floors)

    def _check_target_margin_floor(self, given):
        """A new estimate's target margin is at least its floor unless Finance set it:
        one given lower is refused; one that came lower from a default (a default_
        context key, another company's setting) or a copy is raised to the floor."""
        self.ensure_one()
        if self._sets_target_margin_freely():
            return
        floor = self._target_margin_floor()
        target = self.sudo().target_margin_pct
        if given:
            self._check_target_margin_change(target, floor)
        elif float_compare(target, floor, precision_digits=2) < 0:
            self.with_context(tracking_disable=True)._workflow_write({"target_margin_pct": floor})

    def _check_target_margin_change(self, value, current):
        """A manager may raise the target margin, only Finance lowers it: a manager who
        lowered it would approve alone what Finance must approve (the workflow carries
        it to a new version)."""
        if self._sets_target_margin_freely():
            return
        if float_compare(value or 0.0, current or 0.0, precision_digits=2) < 0:
            raise AccessError(_("Only Finance lowers the target margin of an estimate."))

    def _sets_target_margin_freely(self):
        return self._in_workflow() or self.env.su or self.env.user.has_group(GROUP_FINANCE)

    # ------------------------------------------------------------------ helpers

    def _state_label(self):
        self.ensure_one()
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    def _check_state(self, allowed, action):
        for estimate in self:
            if estimate.state not in allowed:
                raise UserError(
                    _(
                        "%(estimate)s is %(state)s: it cannot be %(action)s.",
                        estimate=estimate.display_name,
                        state=estimate._state_label(),
                        action=action,
                    )
                )

    def _workflow_write(self, vals):
        return self.sudo()._workflow().write(vals)

    def _log(self, body):
        """Post on the estimate and on its engagement (when there is one), as the user."""
        author = self.env.user.partner_id.id
        for estimate in self:
            estimate.sudo().message_post(body=body, subtype_xmlid="mail.mt_note", author_id=author)
            if estimate.engagement_id:
                estimate.engagement_id.sudo().message_post(
                    body=_("%(estimate)s: %(body)s", estimate=estimate.display_name, body=body),
                    subtype_xmlid="mail.mt_note",
                    author_id=author,
                )

    def _managers_to_notify(self):
        """Who approves it: the engagement's manager, else every engagement manager."""
        self.ensure_one()
        manager = self.sudo().engagement_id.user_id
        if manager:
            return manager
        group = self.env.ref(GROUP_MANAGER)
        return group.sudo().all_user_ids.filtered(
            lambda user: not user.share and self.company_id in user.company_ids
        )

    def _supersede_previous(self):
        """The versions an approval replaces: every other approved version of the same
        opportunity or engagement."""
        for estimate in self:
            domain = [("id", "!=", estimate.id), ("state", "=", "approved")]
            if estimate.lead_id:
                domain.append(("lead_id", "=", estimate.lead_id.id))
            else:
                domain.append(("engagement_id", "=", estimate.engagement_id.id))
            previous = self.sudo().search(domain)
            previous._workflow_write({"state": "superseded"})
            for old in previous:
                old._log(_("Superseded by %s.", estimate.display_name))

    def _baseline_values(self):
        """What an engagement takes from its approved estimate as its baseline (nothing
        without one)."""
        if not self:
            return {}
        self.ensure_one()
        estimate = self.sudo()
        return {
            "budget_revenue": estimate.revenue_total,
            "budget_cost": estimate.cost_total,
            "budget_hours": estimate.hours_total,
            "billing_type": estimate.billing_type,
        }

    def _template_values(self):
        """The template the engagement made from this estimate's opportunity takes (it
        is chosen once, at the creation: not part of the baseline a later approval
        moves)."""
        template = self.sudo().template_id
        return {"template_id": template.id} if template else {}

    def _apply_to_engagement(self):
        """Once approved: the engagement (there may be none yet) takes the totals as its
        baseline, unless it is committed to its customer (then a change order moves it)."""
        for estimate in self.sudo():
            engagement = estimate.engagement_id
            if not engagement:
                continue
            if engagement._is_committed():
                estimate._log(
                    _(
                        "%s is committed to its customer: its baseline is unchanged; raise a "
                        "change order for the difference.",
                        engagement.display_name,
                    )
                )
                continue
            engagement.write(estimate._baseline_values())

    def _link_engagement(self, engagement):
        """The engagement created from the opportunity is the one these estimates price;
        the approved one's assumptions open its RAID log, owned by its PM."""
        self.filtered(lambda estimate: not estimate.engagement_id)._workflow_write(
            {"engagement_id": engagement.id}
        )
        approved = self.filtered(lambda estimate: estimate.state == "approved")[:1]
        if approved.assumptions:
            self.env["engagement.raid.item"].sudo()._create_from_assumptions(
                engagement, html2plaintext(approved.assumptions)
            )

    # ------------------------------------------------------------------ workflow

    def action_submit(self):
        """The PM or BA submits the draft for approval; the approver gets an activity."""
        self.check_access("write")
        lock_for_change(self)
        self._check_state(("draft",), _("submitted"))
        for estimate in self:
            lines = estimate.line_ids
            if not lines:
                raise UserError(_("%s has no work breakdown to submit.", estimate.display_name))
        self._workflow_write(
            {
                "state": "submitted",
                "submitted_by_id": self.env.user.id,
                "submitted_on": fields.Datetime.now(),
            }
        )
        for estimate in self:
            estimate._log(_("Submitted for approval by %s.", self.env.user.name))
            for manager in estimate._managers_to_notify():
                estimate.sudo().activity_schedule(
                    ACTIVITY_TYPE,
                    summary=_("Approve the estimate %s", estimate.display_name),
                    user_id=manager.id,
                )
        return True

    def action_approve(self):
        """The engagement manager approves; under the target margin Finance approves too,
        as another person, and neither is the one who submitted it. Once approved it is
        frozen, supersedes the previous version and sets the engagement's baseline."""
        self.check_access("read")
        is_manager, is_finance = self._approval_roles()
        lock_for_change(self)
        self._check_state(("submitted",), _("approved"))
        plan = self._plan_approvals(is_manager, is_finance)
        now = fields.Datetime.now()
        for estimate, role, vals, complete in plan:
            if complete:
                vals = dict(vals, state="approved", date_approved=now)
            estimate._workflow_write(vals)
            estimate._log(estimate._approval_log_body(role, complete))
            if complete:
                estimate.sudo().activity_feedback(
                    [ACTIVITY_TYPE], feedback=_("Approved by %s.", self.env.user.name)
                )
                estimate._supersede_previous()
                estimate._apply_to_engagement()
        return True

    def action_reset_to_draft(self):
        """A submitted estimate goes back to its authors (the approver's answer, or its
        submitter taking it back); the approvals given so far are void."""
        self.check_access("read")
        lock_for_change(self)
        self._check_state(("submitted",), _("reset to draft"))
        user = self.env.user
        is_approver = self.env.is_superuser() or user.has_groups(FINANCE_GROUPS)
        for estimate in self:
            if not (is_approver or estimate.submitted_by_id == user):
                raise AccessError(
                    _(
                        "Only its approvers, or who submitted it, send %s back to draft.",
                        estimate.display_name,
                    )
                )
        self._workflow_write(
            {
                "state": "draft",
                "manager_approved_by_id": False,
                "manager_approved_on": False,
                "finance_approved_by_id": False,
                "finance_approved_on": False,
            }
        )
        self.sudo().activity_unlink([ACTIVITY_TYPE])
        self._log(_("Sent back to draft by %s.", user.name))
        return True

    def action_apply_template(self):
        """The PM or BA starts the draft from its template's standard breakdown: the
        template's lines are added, priced at the estimate's rate card, and its billing
        type taken when it has one."""
        self.ensure_one()
        self.check_access("write")
        self._check_state(("draft",), _("given a template's breakdown"))
        template = self.template_id
        if not template:
            raise UserError(_("Choose the template of %s first.", self.display_name))
        if not template.estimate_line_ids:
            raise UserError(_("The template %s has no standard breakdown.", template.name))
        vals = {
            "line_ids": [
                fields.Command.create(line_vals)
                for line_vals in template.estimate_line_ids._prepare_estimate_line_values()
            ]
        }
        if template.billing_type:
            vals["billing_type"] = template.billing_type
        self.write(vals)
        return True

    def action_new_version(self):
        """A new draft of an approved (or superseded) estimate, its lines copied; it
        replaces the approved one when it is approved in turn."""
        self.ensure_one()
        self.check_access("read")
        self.env["engagement.estimate"].check_access("create")
        self._check_state(("approved", "superseded"), _("given a new version"))
        pending = self.sudo().search(
            [("previous_id", "=", self.id), ("state", "in", ("draft", "submitted"))], limit=1
        )
        if pending:
            raise UserError(
                _("%s is already being revised: see its new version.", self.display_name)
            )
        latest = self.sudo().search(
            [("lead_id", "=", self.lead_id.id), ("engagement_id", "=", self.engagement_id.id)],
            order="version desc",
            limit=1,
        )
        # Created as the user: who may not price the opportunity may not revise its
        # estimate. What the user may not write (the target, the rates) the workflow
        # carries over, so that a revision starts from what was approved: Finance's
        # raised target, the card, and each rate said otherwise with its reason (a line
        # at the card's rates takes the card's rates of today).
        self.check_access("write")
        approved = self.sudo()
        new = self.with_context(tracking_disable=True).copy(
            {
                "name": self.name,
                "rate_card_id": approved.rate_card_id.id,
                "line_ids": [
                    fields.Command.create(vals) for vals in approved.line_ids._new_version_values()
                ],
            }
        )
        new.with_context(tracking_disable=True)._workflow_write(
            {
                "version": max(latest.version, self.version) + 1,
                "previous_id": self.id,
                "target_margin_pct": approved.target_margin_pct,
            }
        )
        for old_line, new_line in zip(approved.line_ids, new.sudo().line_ids, strict=True):
            if old_line.rate_override_reason:
                new_line.write({"bill_rate": old_line.bill_rate, "cost_rate": old_line.cost_rate})
        self._log(
            _("New version %(version)s by %(user)s.", version=new.version, user=self.env.user.name)
        )
        return new._get_records_action()

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        for estimate, vals in zip(self, vals_list, strict=True):
            if not (default or {}).get("name"):
                vals["name"] = _("%s (copy)", estimate.name)
        return vals_list

    def action_create_quotation(self):
        """Sales turns the approved estimate into a quotation for the customer."""
        self.ensure_one()
        self.check_access("read")
        if not self.env["sale.order"].has_access("create"):
            raise AccessError(_("Only salespeople make quotations from estimates."))
        self._check_state(("approved",), _("quoted"))
        estimate = self.sudo()
        partner = estimate.partner_id
        if not partner:
            raise UserError(_("Set the customer of %s first.", self.display_name))
        values = {
            "partner_id": partner.id,
            "company_id": estimate.company_id.id,
            "opportunity_id": estimate.lead_id.id,
            "origin": self.display_name,
            "note": estimate.assumptions or False,
        }
        if estimate.lead_id.user_id:
            values["user_id"] = estimate.lead_id.user_id.id
        if estimate.engagement_id:
            values["engagement_id"] = estimate.engagement_id.id
        order = self.env["sale.order"].with_company(estimate.company_id).create(values)
        if order.currency_id != estimate.currency_id:
            raise UserError(
                _(
                    "%(estimate)s is in %(currency)s but %(customer)s's quotations are in "
                    "%(order_currency)s: give the customer a pricelist in %(currency)s.",
                    estimate=self.display_name,
                    currency=estimate.currency_id.name,
                    customer=partner.display_name,
                    order_currency=order.currency_id.name,
                )
            )
        order.sudo().engagement_estimate_id = estimate
        # Created as the user; what each line sells of the plan (its phase or role) is
        # the estimate's, written past the lines' guard.
        vals_list = estimate._prepare_quotation_lines()
        links = [
            {name: vals.pop(name) for name in PLAN_LINK_FIELDS if name in vals}
            for vals in vals_list
        ]
        order_lines = (
            self.env["sale.order.line"]
            .with_company(estimate.company_id)
            .create([dict(vals, order_id=order.id) for vals in vals_list])
        )
        for order_line, link in zip(order_lines.sudo(), links, strict=True):
            if link:
                order_line.write(link)
        self._log(
            Markup(_("Quotation %(order)s made by %(user)s from this version."))
            % {"order": order._get_html_link(), "user": self.env.user.name}
        )
        return order._get_records_action()

    def _quotation_product(self, per_phase):
        """The addon's service a line sells when the rate card names none."""
        xmlid = (
            "engagement_management.product_product_estimate_phase"
            if per_phase
            else "engagement_management.product_product_estimate_time"
        )
        return self.env.ref(xmlid).sudo()

    def _prepare_quotation_lines(self):
        """The order lines: per phase at a fixed price (the contingency its own line), or
        per role and rate on timesheets (the contingency in the hours). Hook."""
        self.ensure_one()
        estimate = self.sudo()
        factor = 1.0 + (estimate.contingency_pct or 0.0) / 100.0
        lines = []
        if estimate.billing_type in PER_PHASE_BILLING:
            product = self._quotation_product(per_phase=True)
            phases = {}
            for line in estimate.line_ids:
                phases.setdefault(line.phase, []).append(line)
            for phase, items in phases.items():
                lines.append(
                    {
                        "product_id": product.id,
                        "name": _(
                            "%(phase)s: %(work)s",
                            phase=phase,
                            work=", ".join(item.name for item in items),
                        ),
                        "product_uom_qty": 1.0,
                        "price_unit": sum(item.revenue for item in items),
                        "engagement_estimate_phase": phase,
                    }
                )
            breakdown = sum(estimate.line_ids.mapped("revenue"))
            contingency = estimate.currency_id.round(estimate.revenue_total - breakdown)
            if not estimate.currency_id.is_zero(contingency):
                lines.append(
                    {
                        "product_id": product.id,
                        "name": _("Contingency (%s %%)", estimate.contingency_pct),
                        "product_uom_qty": 1.0,
                        "price_unit": contingency,
                    }
                )
            return lines
        roles = {}
        for line in estimate.line_ids:
            key = (line.role_id, line.bill_rate)
            roles.setdefault(key, []).append(line)
        for (role, rate), items in roles.items():
            card_line = estimate.rate_card_id._rate_line(role) if estimate.rate_card_id else None
            product = (card_line and card_line.product_id) or self._quotation_product(
                per_phase=False
            )
            lines.append(
                {
                    "product_id": product.id,
                    "name": _(
                        "%(role)s: %(phases)s",
                        role=role.name,
                        phases=", ".join(dict.fromkeys(item.phase for item in items)),
                    ),
                    "product_uom_qty": float_round(
                        sum(item.hours for item in items) * factor, precision_digits=2
                    ),
                    "price_unit": rate,
                    "engagement_estimate_role_id": role.id,
                }
            )
        return lines

    def _create_project_tasks(self, project):
        """The plan starts from the estimate: a task per phase with its hours and roles,
        and under it a sub-task per line of the breakdown (its timesheets are the line's
        actual hours in the accuracy report)."""
        self.ensure_one()
        estimate = self.sudo()
        Task = self.env["project.task"].sudo()
        if Task.search_count(
            [("project_id", "=", project.id), ("engagement_estimate_id", "=", estimate.id)], limit=1
        ):
            return Task
        phases = {}
        for line in estimate.line_ids:
            phases.setdefault(line.phase, self.env["engagement.estimate.line"])
            phases[line.phase] |= line
        tasks = Task
        for sequence, (phase, lines) in enumerate(phases.items()):
            tasks |= Task.create(
                {
                    "name": phase,
                    "project_id": project.id,
                    "sequence": sequence,
                    "allocated_hours": sum(lines.mapped("hours")),
                    "role_ids": [fields.Command.set(lines.role_id.ids)],
                    "engagement_estimate_id": estimate.id,
                    "child_ids": [
                        fields.Command.create(
                            {
                                "name": line.name,
                                "project_id": project.id,
                                "allocated_hours": line.hours,
                                "role_ids": [fields.Command.set(line.role_id.ids)],
                                "engagement_estimate_id": estimate.id,
                                "engagement_estimate_line_id": line.id,
                            }
                        )
                        for line in lines
                    ],
                }
            )
        return tasks

    def _confirmed_order_lines(self):
        """The lines of this estimate's confirmed orders (as superuser: the plan is
        made whatever its maker may read of orders)."""
        self.ensure_one()
        return (
            self.env["sale.order.line"]
            .sudo()
            .search(
                [
                    ("order_id.engagement_estimate_id", "=", self.id),
                    ("order_id.state", "=", "sale"),
                    ("display_type", "=", False),
                ]
            )
        )

    def _create_project_milestones(self, project):
        """Sold per phase, the delivery project gets a milestone per phase line of the
        confirmed orders (sale_project invoices the line once its milestone is reached),
        the phase's tasks under it; the contingency line gets one of its own. Lines that
        have one already are left alone."""
        self.ensure_one()
        estimate = self.sudo()
        if estimate.billing_type not in PER_PHASE_BILLING:
            return self.env["project.milestone"]
        lines = estimate._confirmed_order_lines().filtered(
            lambda line: line.product_id.service_policy == "delivered_milestones"
        )
        Milestone = self.env["project.milestone"].sudo()
        lines -= Milestone.search([("sale_line_id", "in", lines.ids)]).sale_line_id
        if not lines:
            return Milestone
        project = project.sudo()
        if not project.allow_milestones:
            project.allow_milestones = True
        tasks = (
            self.env["project.task"]
            .sudo()
            .search([("project_id", "=", project.id), ("engagement_estimate_id", "=", estimate.id)])
        )
        milestones = Milestone
        for line in lines.sorted(lambda line: (line.sequence, line.id)):
            phase = line.engagement_estimate_phase
            milestone = Milestone.create(
                {
                    "name": phase or line.name,
                    "project_id": project.id,
                    "sale_line_id": line.id,
                    "quantity_percentage": 1.0,
                }
            )
            if phase:
                phase_tasks = tasks.filtered(
                    lambda task, phase=phase: task.name == phase and not task.parent_id
                )
                (phase_tasks | phase_tasks.child_ids).milestone_id = milestone
            milestones |= milestone
        return milestones

    def _map_project_employees(self, project):
        """Sold by role (time and materials), each employee known to do a role on the
        delivery project (assigned to one of its tasks of that role) bills their
        timesheets at that role's order line (sale_timesheet's employee rates). An
        employee mapped already keeps their mapping."""
        self.ensure_one()
        estimate = self.sudo()
        if estimate.billing_type in PER_PHASE_BILLING:
            return self.env["project.sale.line.employee.map"]
        lines = estimate._confirmed_order_lines().filtered("engagement_estimate_role_id")
        if not lines:
            return self.env["project.sale.line.employee.map"]
        project = project.sudo()
        if not project.sale_line_id:
            # Timesheets of no one mapped bill at the first role's line.
            project.sale_line_id = lines[:1]
        tasks = self.env["project.task"].sudo().search([("project_id", "=", project.id)])
        mapped = project.sale_line_employee_ids.employee_id
        values = []
        for line in lines.sorted(lambda line: (line.sequence, line.id)):
            role = line.engagement_estimate_role_id
            users = tasks.filtered(lambda task, role=role: role in task.role_ids).user_ids
            employees = users.employee_ids.filtered(
                lambda employee: employee.company_id == project.company_id
            )
            for employee in employees - mapped:
                values.append(
                    {"project_id": project.id, "employee_id": employee.id, "sale_line_id": line.id}
                )
                mapped |= employee
        return self.env["project.sale.line.employee.map"].sudo().create(values)

    def _plan_project(self, project):
        """The delivery project from the estimate: its tasks, and the milestones or
        employee rates its confirmed orders sell. Safe to call again (the plan is
        added once, the milestones and mappings for what has none)."""
        self.ensure_one()
        self._create_project_tasks(project)
        self._create_project_milestones(project)
        self._map_project_employees(project)

    # ------------------------------------------------------------------ the SOW

    def _sow_phases(self):
        """``[{phase, work, hours, revenue}]``: the scope by phase, as the SOW prints it
        (the breakdown's figures, the contingency on its own)."""
        self.ensure_one()
        phases = {}
        for line in self.sudo().line_ids:
            phase = phases.setdefault(
                line.phase, {"phase": line.phase, "work": [], "hours": 0.0, "revenue": 0.0}
            )
            phase["work"].append(line.name)
            phase["hours"] += line.hours
            phase["revenue"] += line.revenue
        for phase in phases.values():
            phase["work"] = ", ".join(phase["work"])
        return list(phases.values())

    def _sow_timeline(self):
        """``{start, end}``: the engagement's dates, else the opportunity's expected close."""
        self.ensure_one()
        engagement = self.sudo().engagement_id
        start = engagement.date_start
        end = engagement.date_end or self.sudo().lead_id.date_deadline
        return {
            "start": start and fields.Date.to_string(start),
            "end": end and fields.Date.to_string(end),
        }

    def _check_reads_price(self):
        """The SOW prints the price, which is the engagement's Finance-only baseline."""
        if not (self.env.su or self.env.user.has_groups(FINANCE_GROUPS)):
            raise AccessError(
                _("Only engagement managers and Finance read the price of an estimate.")
            )

    def action_print_sow(self):
        """The SOW of the approved estimate, as a PDF the customer signs."""
        self.check_access("read")
        self._check_reads_price()
        self._check_state(("approved",), _("printed as a SOW"))
        return self.env.ref(SOW_REPORT).report_action(self)

    def _current_sow(self):
        """The engagement's current SOW deliverable (empty when it has none)."""
        self.ensure_one()
        sow_type = self.env.ref(SOW_TYPE)
        return self.env["engagement.deliverable"].search(
            [
                ("engagement_id", "=", self.engagement_id.id),
                ("type_id", "=", sow_type.id),
                ("is_current", "=", True),
            ],
            order="version desc, id desc",
            limit=1,
        )

    def _render_sow_pdf(self):
        """The SOW of this estimate as a PDF (the QWeb report, as printed)."""
        self.ensure_one()
        content, content_type = self.env["ir.actions.report"]._render_qweb_pdf(SOW_REPORT, self.ids)
        if content_type != "pdf":
            raise UserError(_("The SOW of %s could not be rendered as a PDF.", self.display_name))
        return content

    def action_generate_sow(self):
        """The approved estimate becomes the engagement's SOW deliverable: its draft takes
        the rendered PDF, or a new version does when the SOW went further (in review,
        sent, signed), so that the customer signs on the portal what was priced. Who may
        not read the price (or edit the engagement's deliverables) generates nothing."""
        self.ensure_one()
        self.check_access("read")
        self._check_reads_price()
        self._check_state(("approved",), _("generated as the SOW"))
        if not self.engagement_id:
            raise UserError(_("Create the engagement of %s before its SOW.", self.display_name))
        Deliverable = self.env["engagement.deliverable"]
        Deliverable.check_access("create")
        self.engagement_id.check_access("write")
        lock_for_change(self)
        sow = self._current_sow()
        if sow:
            lock_for_change(sow)
            if not (sow.state == "draft" and sow.review_state in ("none", "returned")):
                action = sow.action_new_version()
                sow = Deliverable.browse(action["res_id"])
        values = {
            "attachment": base64.b64encode(self._render_sow_pdf()),
            "attachment_name": _(
                "SOW - %(name)s v%(version)s.pdf", name=self.name, version=self.version
            ),
            "estimate_id": self.id,
        }
        # As the user: the deliverable's access rules hold; the workflow context lets the
        # generated document (and where it came from) be written, as nothing else may.
        if sow:
            sow._workflow().write(values)
        else:
            sow = Deliverable._workflow().create(
                {
                    **values,
                    "engagement_id": self.engagement_id.id,
                    "type_id": self.env.ref(SOW_TYPE).id,
                    "name": self.env.ref(SOW_TYPE).name,
                    "user_id": (
                        self.engagement_id.project_manager_id or self.engagement_id.user_id
                    ).id,
                }
            )
        body = Markup(_("SOW %(sow)s generated from this version by %(user)s.")) % {
            "sow": sow._get_html_link(),
            "user": self.env.user.name,
        }
        self._log(body)
        sow._log(
            _(
                "%(deliverable)s generated from %(estimate)s by %(user)s.",
                deliverable=sow.display_name,
                estimate=self.display_name,
                user=self.env.user.name,
            )
        )
        return sow._get_records_action()

    # ------------------------------------------------------------------ actions

    def action_view_sow(self):
        self.ensure_one()
        sow = self.sow_deliverable_ids.filtered("is_current")[:1] or self.sow_deliverable_ids[:1]
        return sow._get_records_action()

    def action_view_quotations(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale.action_quotations_with_onboarding"
        )
        action["domain"] = [("engagement_estimate_id", "=", self.id)]
        action["context"] = {}
        return action
