from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from .engagement_engagement import GROUP_MANAGER

RAID_KINDS = [
    ("risk", "Risk"),
    ("assumption", "Assumption"),
    ("issue", "Issue"),
    ("dependency", "Dependency"),
]
RAID_STATES = [("open", "Open"), ("mitigating", "Mitigating"), ("closed", "Closed")]
# Probability and impact are rated from 1 (low) to 5 (high).
RAID_RATINGS = [(str(value), str(value)) for value in range(1, 6)]
# States a customer may give the dependencies they own on the portal.
CUSTOMER_STATES = ("open", "closed")


class EngagementRaidItem(models.Model):
    """One line of the engagement's RAID log: a risk, an assumption, an issue or a
    dependency, with an owner, a score and a state.

    A risk's score is its probability times its impact (1 to 25); a risk at or above the
    company's high score is a *high risk*: the health rule, the attention list and the
    *No Open High Risk* gate read it. A dependency the customer owns (``partner_id``) is
    theirs to answer on the portal: they give its state and an answer, nothing else; the
    answer is the customer's only (``customer_answer`` is never written from inside).
    """

    _name = "engagement.raid.item"
    _description = "Engagement RAID Item"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "engagement.portal.fields.mixin",
        "engagement.workflow.mixin",
    ]
    _order = "engagement_id, state_sequence, score desc, date_due, id"
    _check_company_auto = True
    # What the customer's engagement page shows of the items shared with them.
    _portal_fields = frozenset(
        {
            "engagement_id",
            "kind",
            "name",
            "description",
            "partner_id",
            "date_due",
            "state",
            "customer_answer",
            "date_answered",
            "customer_visible",
        }
    )

    # Identity
    engagement_id = fields.Many2one(
        "engagement.engagement",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
        tracking=True,
    )
    company_id = fields.Many2one(related="engagement_id.company_id", store=True, index=True)
    kind = fields.Selection(RAID_KINDS, required=True, default="risk", tracking=True)
    name = fields.Char(string="Title", required=True, tracking=True)
    description = fields.Text()
    active = fields.Boolean(default=True, tracking=True)

    # Who answers for it, and by when
    owner_id = fields.Many2one(
        "res.users",
        string="Owner",
        domain="[('share', '=', False)]",
        default=lambda self: self.env.user,
        tracking=True,
        help="The person inside who answers for this item.",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer Owner",
        tracking=True,
        help="The customer's contact who owns this dependency: they answer it on the portal.",
    )
    date_due = fields.Date(string="Due Date", tracking=True)

    # Score
    probability = fields.Selection(RAID_RATINGS, default="3", tracking=True)
    impact = fields.Selection(RAID_RATINGS, default="3", tracking=True)
    score = fields.Integer(
        compute="_compute_score",
        store=True,
        aggregator="max",
        help="Probability × impact, from 1 to 25.",
    )
    is_high = fields.Boolean(
        string="High Risk",
        compute="_compute_is_high",
        search="_search_is_high",
        help="An open risk whose score reaches the company's high-risk score.",
    )

    # Progress
    state = fields.Selection(RAID_STATES, required=True, default="open", tracking=True)
    state_sequence = fields.Integer(compute="_compute_state_sequence", store=True)
    mitigation = fields.Text(help="What is done to reduce the risk or solve the issue.")
    change_order_id = fields.Many2one(
        "engagement.change.order",
        string="Change Order",
        check_company=True,
        domain="[('engagement_id', '=', engagement_id)]",
        tracking=True,
        help="The change order this risk or issue became.",
    )
    is_overdue = fields.Boolean(compute="_compute_is_overdue", search="_search_is_overdue")

    # The customer's side
    customer_visible = fields.Boolean(
        string="Shared with the Customer",
        tracking=True,
        help="The customer's contacts read this item on their portal page.",
    )
    customer_answer = fields.Text(
        readonly=True, copy=False, tracking=True, help="What the customer answered on the portal."
    )
    date_answered = fields.Datetime(readonly=True, copy=False)
    answered_partner_id = fields.Many2one(
        "res.partner", string="Answered By", readonly=True, copy=False
    )

    @api.depends("probability", "impact")
    def _compute_score(self):
        for item in self:
            item.score = int(item.probability or 0) * int(item.impact or 0)

    @api.depends("score", "kind", "state", "company_id.engagement_raid_high_score")
    def _compute_is_high(self):
        for item in self:
            item.is_high = item._is_high_risk()

    def _search_is_high(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Search high risks with = or != and a boolean."))
        positive = (operator == "=") == value
        ids = self._high_risk_ids()
        return [("id", "in" if positive else "not in", ids)]

    @api.depends("state")
    def _compute_state_sequence(self):
        order = {state: index for index, (state, _label) in enumerate(RAID_STATES)}
        for item in self:
            item.state_sequence = order.get(item.state, 0)

    @api.depends("date_due", "state")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for item in self:
            item.is_overdue = bool(
                item.state != "closed" and item.date_due and item.date_due < today
            )

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Search overdue items with = or != and a boolean."))
        domain = [
            ("state", "!=", "closed"),
            ("date_due", "<", fields.Date.context_today(self)),
        ]
        if (operator == "=") == value:
            return domain
        return ["!", "&", *domain]

    @api.depends("kind", "name")
    def _compute_display_name(self):
        labels = dict(RAID_KINDS)
        for item in self:
            item.display_name = f"{labels.get(item.kind, '')}: {item.name or ''}"

    # ------------------------------------------------------------------ constraints

    @api.constrains("change_order_id", "engagement_id")
    def _check_change_order_engagement(self):
        for item in self:
            if item.change_order_id and item.change_order_id.engagement_id != item.engagement_id:
                raise ValidationError(
                    _(
                        "%(item)s can only become a change order of its own engagement.",
                        item=item.display_name,
                    )
                )

    @api.constrains("partner_id", "engagement_id")
    def _check_customer_owner(self):
        for item in self:
            partner = item.partner_id
            if not partner:
                continue
            customer = item.engagement_id.partner_id.commercial_partner_id
            if partner.commercial_partner_id != customer:
                raise ValidationError(
                    _(
                        "%(partner)s does not work for %(customer)s: a customer-owned item "
                        "belongs to one of the engagement's customer contacts.",
                        partner=partner.display_name,
                        customer=customer.display_name,
                    )
                )

    # ------------------------------------------------------------------ rules

    def _high_score(self):
        self.ensure_one()
        return self.engagement_id.company_id.engagement_raid_high_score or 0

    def _is_high_risk(self):
        """An open (or mitigated, not closed) risk at or above the company's high score."""
        self.ensure_one()
        high = self._high_score()
        return bool(self.kind == "risk" and self.state != "closed" and high and self.score >= high)

    @api.model
    def _high_risk_ids(self):
        """The ids of every open high risk, in one query (a rule, not a view: whoever
        asks, the same risks are high)."""
        self.env["engagement.raid.item"].flush_model(
            ["kind", "state", "score", "company_id", "active"]
        )
        self.env["res.company"].flush_model(["engagement_raid_high_score"])
        rows = self.env.execute_query(
            SQL(
                """SELECT r.id FROM engagement_raid_item r
                     JOIN res_company c ON c.id = r.company_id
                    WHERE r.kind = 'risk' AND r.state != 'closed' AND r.active
                      AND COALESCE(c.engagement_raid_high_score, 0) > 0
                      AND r.score >= c.engagement_raid_high_score"""
            )
        )
        return [row[0] for row in rows]

    @api.model
    def _create_from_assumptions(self, engagement, text):
        """One open assumption per non-empty line of ``text`` (a presales estimate's
        assumptions), owned by the engagement's project manager. Returns them."""
        lines = [line.strip(" \t-•*") for line in (text or "").splitlines()]
        owner = engagement.project_manager_id or engagement.user_id
        return self.create(
            [
                {
                    "engagement_id": engagement.id,
                    "kind": "assumption",
                    "name": line[:200],
                    "description": line if len(line) > 200 else False,
                    "owner_id": owner.id,
                }
                for line in lines
                if line
            ]
        )

    # ------------------------------------------------------------------ guard hooks

    def _workflow_fields(self):
        # The customer's answer is theirs: only the portal writes it.
        return super()._workflow_fields() | {
            "customer_answer",
            "date_answered",
            "answered_partner_id",
        }

    # ------------------------------------------------------------------ CRUD

    @api.model_create_multi
    def create(self, vals_list):
        items = super().create(vals_list)
        items._notify_customer_owner()
        return items

    def write(self, vals):
        # Archiving takes an item off the gate, the health rule and the attention list,
        # as deleting it would: for managers, as deleting is, and in the chatter.
        if "active" in vals and not (self.env.su or self.env.user.has_group(GROUP_MANAGER)):
            raise AccessError(_("Only engagement managers archive or restore RAID items."))
        assigned = self.browse()
        if vals.get("partner_id") or vals.get("customer_visible"):
            assigned = self.filtered(
                lambda item: (
                    not (item.partner_id and item.customer_visible)
                    or (vals.get("partner_id") and item.partner_id.id != vals["partner_id"])
                )
            )
        res = super().write(vals)
        assigned._notify_customer_owner()
        return res

    def _notify_customer_owner(self):
        """A dependency shared with the customer and given to one of their contacts
        mails that contact a link to the engagement's page."""
        template = self.env.ref(
            "engagement_management.mail_template_engagement_raid_assigned",
            raise_if_not_found=False,
        )
        for item in self:
            if not (template and item.customer_visible and item.partner_id.email):
                continue
            if item.kind != "dependency" or item.state == "closed":
                continue
            item.engagement_id._portal_ensure_token()
            item.engagement_id._mail_customer(template, item)

    # ------------------------------------------------------------------ portal

    def _portal_url(self):
        """The customer's link to this item: its engagement's page, at the item."""
        self.ensure_one()
        return self.engagement_id.sudo().get_portal_url(anchor=f"raid_item_{self.id}")

    def _portal_may_answer_as(self, partner):
        """Whether ``partner`` (a logged-in contact; ``None`` for a token link) answers
        this item: a dependency shared with the customer that one of their contacts owns."""
        self.ensure_one()
        if not (self.customer_visible and self.kind == "dependency" and self.partner_id):
            return False
        if partner is None:
            return True
        return partner.commercial_partner_id == self.partner_id.commercial_partner_id

    def _portal_answer(self, state, answer, partner=None):
        """The customer marks the dependency done (or open again) and answers. Called by
        the portal route as superuser after its own check; writes these fields only."""
        self.ensure_one()
        if state not in CUSTOMER_STATES:
            raise UserError(_("Choose whether the dependency is done or still open."))
        answer = (answer or "").strip()
        if state == self.state and not answer:
            raise UserError(_("Nothing to send: give an answer or change the state."))
        values = {"state": state}
        if answer:
            values.update(
                customer_answer=answer,
                date_answered=fields.Datetime.now(),
                answered_partner_id=partner.id if partner else False,
            )
        self._workflow().write(values)
        who = partner.name if partner else _("the customer (from the link sent to them)")
        labels = dict(RAID_STATES)
        body = _(
            "%(item)s answered by %(who)s: %(state)s.",
            item=self.display_name,
            who=who,
            state=labels[state],
        )
        self.engagement_id.message_post(
            body=Markup("%s<br/>%s") % (body, answer) if answer else body,
            subtype_xmlid="mail.mt_note",
            author_id=partner.id if partner else None,
        )
        if self.owner_id:
            self.activity_schedule(
                "engagement_management.mail_activity_type_engagement_raid",
                summary=_("The customer answered %s", self.name),
                note=answer or body,
                user_id=self.owner_id.id,
            )
        return True
