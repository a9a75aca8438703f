import base64
import json

from markupsafe import escape

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_is_zero

from ..tools import lock_for_change
from .engagement_engagement import FINANCE_GROUPS, GROUP_FINANCE, GROUP_MANAGER

ACTIVITY_TYPE = "engagement_management.mail_activity_type_engagement_change_order"

STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("approved", "Approved"),
    ("signed", "Signed"),
    ("applied", "Applied"),
    ("rejected", "Rejected"),
    ("cancelled", "Cancelled"),
]
# Not applied and not ended: what the "no open change orders" gate waits for.
OPEN_STATES = ("draft", "submitted", "approved", "signed")
# The terms a customer agrees to: editable while the change order is a draft only.
TERMS_FIELDS = frozenset(
    {
        "engagement_id",
        "title",
        "description",
        "category",
        "reason",
        "requested_by_id",
        "date_requested",
        "revenue_delta",
        "cost_delta",
        "hours_delta",
        "schedule_delta_days",
        "countersigned_file",
        "countersigned_filename",
    }
)


class EngagementChangeOrder(models.Model):
    """A change of an engagement's scope, schedule or price, agreed with the customer.

    ``draft`` → ``submitted`` → ``approved`` (engagement manager, and Finance above the
    company's threshold) → ``signed`` (the customer) → ``applied`` (re-baselines the
    engagement and bills the revenue delta). ``rejected`` and ``cancelled`` end it. Each
    step is one ``action_*`` method; the state moves through nothing else.
    """

    _name = "engagement.change.order"
    _description = "Engagement Change Order"
    _inherit = [
        "engagement.portal.mixin",
        "engagement.signature.mixin",
        "engagement.approval.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]
    _order = "id desc"
    _check_company_auto = True
    _rec_names_search = ["name", "title"]
    _document_fields = (("countersigned_file", "countersigned_filename"),)
    # What the customer's page and PDF of a change order show (/my/change_orders): the
    # price of the change, never its cost or what was said of it inside.
    _portal_fields = frozenset(
        {
            "name",
            "title",
            "engagement_id",
            "partner_id",
            "company_id",
            "currency_id",
            "category",
            "date_requested",
            "description",
            "reason",
            "revenue_delta",
            "hours_delta",
            "schedule_delta_days",
            "state",
            "sent_on",
            "manager_approved_by_id",
            "manager_approved_on",
            "signed_by",
            "signed_on",
            "signature",
            "signed_document_hash",
            "signed_document_intact",
            "customer_reject_reason",
            "access_url",
        }
    )

    # Identity
    name = fields.Char(
        string="Number", required=True, readonly=True, copy=False, default="/", index="trigram"
    )
    engagement_id = fields.Many2one(
        "engagement.engagement",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
        check_company=True,
    )
    company_id = fields.Many2one(related="engagement_id.company_id", store=True, index=True)
    # The currency and the customer are terms: taken from the engagement while a draft,
    # then kept, whatever later happens to the engagement.
    currency_id = fields.Many2one(
        "res.currency", compute="_compute_terms_from_engagement", store=True, precompute=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        compute="_compute_terms_from_engagement",
        store=True,
        precompute=True,
        index=True,
    )
    engagement_manager_id = fields.Many2one(
        related="engagement_id.user_id", string="Engagement Manager", store=True
    )
    billing_type = fields.Selection(related="engagement_id.billing_type")
    title = fields.Char(required=True, tracking=True)
    description = fields.Html()
    category = fields.Selection(
        [
            ("scope", "Scope"),
            ("schedule", "Schedule"),
            ("resources", "Resources"),
            ("rate", "Rate"),
            ("other", "Other"),
        ],
        required=True,
        default="scope",
        tracking=True,
    )
    reason = fields.Text(help="Why the change is needed: who asked for it and what happened.")
    requested_by_id = fields.Many2one(
        "res.partner",
        string="Requested By",
        help="The person, at the customer's or ours, who asked for the change.",
    )
    date_requested = fields.Date(
        string="Request Date", default=fields.Date.context_today, required=True, copy=False
    )
    compensated_change_order_id = fields.Many2one(
        "engagement.change.order",
        string="Compensates",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="The applied change order this one undoes.",
    )

    # Impact: each may be negative (a de-scope); at least one is not zero.
    revenue_delta = fields.Monetary(string="Revenue Impact", tracking=True)
    cost_delta = fields.Monetary(string="Cost Impact", tracking=True)
    hours_delta = fields.Float(string="Hours Impact", tracking=True)
    schedule_delta_days = fields.Integer(string="Schedule Impact (Days)", tracking=True)

    # Workflow
    state = fields.Selection(
        STATES, default="draft", required=True, readonly=True, copy=False, tracking=True, index=True
    )
    submitted_by_id = fields.Many2one("res.users", string="Submitted By", readonly=True, copy=False)
    submitted_on = fields.Datetime(readonly=True, copy=False)
    sent_on = fields.Datetime(
        string="Sent to the Customer On",
        readonly=True,
        copy=False,
        help="When the approved change order went to the customer: from then on they see it.",
    )
    needs_finance_approval = fields.Boolean(
        compute="_compute_needs_finance_approval",
        store=True,
        help="Its impact is above the company's threshold: Finance approves too. Decided "
        "while a draft, then kept with the terms.",
    )
    rejected_by_id = fields.Many2one("res.users", string="Rejected By", readonly=True, copy=False)
    rejected_on = fields.Datetime(readonly=True, copy=False)
    rejection_reason = fields.Text(
        readonly=True,
        copy=False,
        help="Why it was turned down inside; never shown to the customer.",
    )
    customer_reject_reason = fields.Text(
        string="Customer's Reason", readonly=True, copy=False, help="What the customer wrote."
    )
    signature_method = fields.Selection(
        [("customer", "Signed by the Customer"), ("countersigned", "Countersigned Copy Uploaded")],
        readonly=True,
        copy=False,
    )
    countersigned_file = fields.Binary(
        string="Countersigned Copy", attachment=True, copy=False, groups=GROUP_MANAGER
    )
    countersigned_filename = fields.Char(copy=False, groups=GROUP_MANAGER)
    applied_by_id = fields.Many2one("res.users", string="Applied By", readonly=True, copy=False)
    applied_on = fields.Datetime(readonly=True, copy=False)
    sale_order_line_id = fields.Many2one(
        "sale.order.line",
        string="Sales Order Line",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        groups="sales_team.group_sale_salesman," + FINANCE_GROUPS,
        help="The line that bills the revenue impact.",
    )
    sale_order_id = fields.Many2one(
        related="sale_order_line_id.order_id",
        string="Sales Order",
        groups="sales_team.group_sale_salesman," + FINANCE_GROUPS,
    )

    # ------------------------------------------------------------------ computes

    @api.depends("name", "title")
    def _compute_display_name(self):
        for order in self:
            if order.name and order.name != "/":
                order.display_name = f"{order.name} {order.title or ''}".strip()
            else:
                order.display_name = order.title or _("New Change Order")

    @api.depends("engagement_id.currency_id", "engagement_id.partner_id")
    def _compute_terms_from_engagement(self):
        for order in self:
            if order.state == "draft" or not order.currency_id:
                order.currency_id = order.engagement_id.currency_id
                order.partner_id = order.engagement_id.partner_id

    @api.depends("revenue_delta", "cost_delta", "currency_id", "company_id", "date_requested")
    def _compute_needs_finance_approval(self):
        for order in self:
            # Decided while a draft: submitted, it keeps the rule it was submitted under.
            if order.state == "draft":
                order.needs_finance_approval = order._exceeds_finance_threshold()

    def _exceeds_finance_threshold(self):
        """Whether the impact is above the company's Finance approval threshold."""
        self.ensure_one()
        company = self.company_id or self.env.company
        impact = max(abs(self.revenue_delta), abs(self.cost_delta))
        if self.currency_id and self.currency_id != company.currency_id:
            impact = self.currency_id._convert(
                impact,
                company.currency_id,
                company,
                self.date_requested or fields.Date.today(),
            )
        threshold = company.engagement_co_finance_threshold
        return company.currency_id.compare_amounts(impact, threshold) > 0

    def _compute_access_url(self):
        super()._compute_access_url()
        for order in self:
            order.access_url = f"/my/change_orders/{order.id}"

    _check_delta_bounded = models.Constraint(
        "CHECK(ABS(COALESCE(revenue_delta, 0)) < 1000000000000000 "
        "AND ABS(COALESCE(cost_delta, 0)) < 1000000000000000 "
        "AND ABS(COALESCE(hours_delta, 0)) < 1000000000)",
        "A change order's revenue and cost stay under 10^15, hours under 10^9: check the figure.",
    )

    # ------------------------------------------------------------------ constraints

    @api.constrains("revenue_delta", "cost_delta", "hours_delta", "schedule_delta_days")
    def _check_has_impact(self):
        for order in self:
            if not order._has_impact():
                raise ValidationError(
                    _(
                        "The change order “%s” changes nothing: give it a revenue, cost, "
                        "hours or schedule impact.",
                        order.display_name,
                    )
                )

    def _has_impact(self):
        self.ensure_one()
        currency = self.currency_id or self.env.company.currency_id
        return not (
            currency.is_zero(self.revenue_delta)
            and currency.is_zero(self.cost_delta)
            and float_is_zero(self.hours_delta, precision_digits=2)
            and not self.schedule_delta_days
        )

    # ------------------------------------------------------------------ CRUD

    # ------------------------------------------------------------------ the guard's hooks

    def _workflow_fields(self):
        return super()._workflow_fields() | {
            "name",
            "currency_id",
            "partner_id",
            "needs_finance_approval",
            "submitted_by_id",
            "submitted_on",
            "sent_on",
            "manager_approved_by_id",
            "manager_approved_on",
            "finance_approved_by_id",
            "finance_approved_on",
            "rejected_by_id",
            "rejected_on",
            "rejection_reason",
            "customer_reject_reason",
            "signature_method",
            "applied_by_id",
            "applied_on",
            "sale_order_line_id",
            "compensated_change_order_id",
        }

    def _workflow_create_fields(self):
        # The number comes from the sequence in create; what a compensation undoes is
        # set when it is raised.
        return super()._workflow_create_fields() | {"name", "compensated_change_order_id"}

    def _is_frozen(self):
        """An applied change order is on the engagement's record for good."""
        self.ensure_one()
        return self.state == "applied"

    def _terms_fields(self):
        return TERMS_FIELDS

    def _terms_editable(self):
        """The terms change while a draft; the countersigned copy is filed while the
        customer's answer is awaited."""
        self.ensure_one()
        return self.state == "draft"

    def _check_frozen(self, vals):
        # The copy the customer countersigned is uploaded once approved, before it is filed.
        uploads = {"countersigned_file", "countersigned_filename"} & set(vals)
        if uploads and not self._in_workflow():
            waiting = self.filtered(lambda order: order.state in ("draft", "submitted", "approved"))
            if waiting != self:
                raise UserError(
                    _(
                        "%s is no longer waiting for a countersigned copy.",
                        (self - waiting)[0].display_name,
                    )
                )
            vals = {name: value for name, value in vals.items() if name not in uploads}
        return super()._check_frozen(vals)

    def _locked_binary_fields(self):
        """The countersigned copy is filed while the customer's answer is awaited
        (after approval), so it freezes with the signature, not with the terms."""
        self.ensure_one()
        if self.state in ("signed", "applied"):
            return frozenset({"signature", "countersigned_file"})
        if self.signed_on and not self._in_workflow():
            return frozenset({"signature"})
        return frozenset()

    # ------------------------------------------------------------------ CRUD

    @api.model_create_multi
    def create(self, vals_list):
        Engagement = self.env["engagement.engagement"]
        for vals in vals_list:
            company = Engagement.browse(vals.get("engagement_id")).sudo().company_id
            vals["name"] = (
                self.env["ir.sequence"]
                .with_company(company or self.env.company)
                .next_by_code("engagement.change.order")
                or "/"
            )
        return super().create(vals_list)

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        for order, vals in zip(self, vals_list, strict=True):
            vals["title"] = _("%s (copy)", order.title)
        return vals_list

    # ------------------------------------------------------------------ helpers

    def _check_group(self, group, message):
        if not (self.env.is_superuser() or self.env.user.has_group(group)):
            raise AccessError(message)

    def _workflow_write(self, vals):
        return self.sudo()._workflow().write(vals)

    def _log(self, body, author=None):
        """Post on the change order and on its engagement, as the acting user (or
        ``author``, the customer's partner, for what the customer did on the portal)."""
        author = (author or self.env.user.partner_id).id
        for order in self:
            order.sudo().message_post(body=body, subtype_xmlid="mail.mt_note", author_id=author)
            order.engagement_id.sudo().message_post(
                body=_("%(order)s: %(body)s", order=order.display_name, body=body),
                subtype_xmlid="mail.mt_note",
                author_id=author,
            )

    def _get_signed_document(self):
        """The countersigned copy when one was uploaded, else the terms the customer signs."""
        self.ensure_one()
        upload = self.sudo().countersigned_file
        if upload:
            return base64.b64decode(upload)
        return self._signed_terms()

    def _signed_terms(self, by_name=False):
        """The terms as signed, as bytes: who they bind by id, so that renaming the
        engagement or the customer does not read as an altered document (``by_name``:
        the form of 19.0.1.0.0, by display name, for the migration)."""
        self.ensure_one()
        terms = {
            "number": self.name,
            "engagement": self.engagement_id.id,
            "customer": self.partner_id.id,
            "title": self.title,
            "description": self.description or "",
            "currency": self.currency_id.name,
            "revenue_delta": self.revenue_delta,
            "cost_delta": self.cost_delta,
            "hours_delta": self.hours_delta,
            "schedule_delta_days": self.schedule_delta_days,
        }
        if by_name:
            terms["engagement"] = self.engagement_id.sudo().display_name
            terms["customer"] = self.partner_id.sudo().display_name
        return json.dumps(terms, sort_keys=True, default=str).encode()

    def _get_report_base_filename(self):
        self.ensure_one()
        return _("Change Order %s", self.name)

    # ------------------------------------------------------------------ portal

    def _portal_can_sign(self):
        """Whether the customer may sign (or reject) this change order on the portal."""
        self.ensure_one()
        return self.state == "approved"

    def _portal_is_visible(self):
        """The customer sees what was sent to them once approved; what was only ever
        discussed inside (drafts, orders rejected or cancelled before approval) stays
        internal. The portal record rule says the same."""
        self.ensure_one()
        return bool(self.sent_on)

    def _is_customer_answer(self):
        """The customer answers: through the portal, which checked their access and calls
        as superuser with ``engagement_portal_answer``, or as a share user under sudo.
        The flag alone grants nothing: without the superuser it is refused."""
        return self.env.is_superuser() and bool(
            self.env.context.get("engagement_portal_answer") or self.env.user.share
        )

    def _customer_answer_partner(self, partner=None):
        """The partner who answered for the customer: ``partner`` as given by the portal,
        else the portal user's own; none for a token link opened without logging in."""
        if isinstance(partner, int):
            partner = self.env["res.partner"].browse(partner).exists()
        user = self.env.user
        if not partner and user.share and not user._is_public():
            partner = user.partner_id
        return partner or self.env["res.partner"]

    def _notify_manager(self, summary, body):
        """A to-do for the engagement manager: the customer answered on the portal."""
        for order in self:
            order._schedule_todo(order.engagement_manager_id, summary, body)

    def _schedule_todo(self, user, summary, body):
        self.ensure_one()
        if user:
            # What the customer typed is text, never markup.
            self.sudo().activity_schedule(
                ACTIVITY_TYPE, summary=summary, note=escape(body), user_id=user.id
            )

    def _close_manager_todos(self, feedback=None):
        """The manager's to-dos of _notify_manager are over once the order is applied
        (done, with ``feedback``) or cancelled (removed): nothing is left to chase."""
        for order in self:
            manager = order.engagement_manager_id
            if not manager:
                continue
            if feedback:
                order.sudo().activity_feedback(
                    [ACTIVITY_TYPE], user_id=manager.id, feedback=feedback
                )
            else:
                order.sudo().activity_unlink([ACTIVITY_TYPE], user_id=manager.id)

    # ------------------------------------------------------------------ workflow

    def action_submit(self):
        """The PM or another member of the engagement submits the draft for approval."""
        self.check_access("write")
        lock_for_change(self)
        self._check_state(("draft",), _("submitted"))
        now = fields.Datetime.now()
        self._workflow_write(
            {"state": "submitted", "submitted_by_id": self.env.user.id, "submitted_on": now}
        )
        self._log(_("Submitted for approval by %s.", self.env.user.name))
        return True

    def action_approve(self):
        """The engagement manager approves; above the company's threshold Finance approves
        too, as a second, separate person (engagement.approval.mixin). Approved once
        every approval it needs is in."""
        self.check_access("read")
        is_manager, is_finance = self._approval_roles()
        lock_for_change(self)
        self._check_state(("submitted",), _("approved"))
        now = fields.Datetime.now()
        # every refusal before any write: a refused approval changes nothing
        plan = self._plan_approvals(is_manager, is_finance)
        for order, role, vals, complete in plan:
            if complete:
                vals = dict(vals, state="approved", sent_on=now)
            order._workflow_write(vals)
            if complete:
                # The link the customer signs with.
                order._portal_ensure_token()
                order.engagement_id._send_customer_mail(
                    "engagement_management.mail_template_engagement_change_order_sent", order
                )
            order._log(order._approval_log_body(role, complete))
        return True

    def _approval_refused_message(self):
        return _(
            "Only engagement managers (and Finance, above the threshold) approve change orders."
        )

    def _finance_approval_missing_message(self):
        self.ensure_one()
        return _(
            "%s is above the Finance approval threshold: it still needs the approval of Finance.",
            self.display_name,
        )

    def action_reject(self, reason=None, partner=None):
        """A manager (or Finance, for what it must approve) turns the change down; the
        customer turns down an approved one on the portal, with a reason."""
        self.check_access("read")
        user = self.env.user
        if user.share or self.env.context.get("engagement_portal_answer"):
            return self._reject_for_customer(reason, partner=partner)
        is_manager = self.env.is_superuser() or user.has_group(GROUP_MANAGER)
        is_finance = user.has_group(GROUP_FINANCE)
        lock_for_change(self)
        self._check_state(("submitted", "approved"), _("rejected"))
        for order in self:
            if not (is_manager or (is_finance and order.needs_finance_approval)):
                raise AccessError(_("Only engagement managers can reject %s.", order.display_name))
        reason = (reason or "").strip()
        self._workflow_write(
            {
                "state": "rejected",
                "rejected_by_id": user.id,
                "rejected_on": fields.Datetime.now(),
                "rejection_reason": reason or False,
                "access_token": False,
            }
        )
        if reason:
            body = _("Rejected by %(user)s. Reason: %(reason)s", user=user.name, reason=reason)
        else:
            body = _("Rejected by %s.", user.name)
        self._log(body)
        # Whoever submitted it hears of it: they own the conversation with the customer.
        for order in self:
            if order.submitted_by_id != user:
                order._schedule_todo(
                    order.submitted_by_id,
                    _("Change order rejected: %s", order.display_name),
                    body,
                )
        return True

    def _reject_for_customer(self, reason, partner=None):
        """The portal's rejection (as superuser, once it checked the customer's access):
        an approved change order only, and always with a reason."""
        if not self._is_customer_answer():
            raise AccessError(_("Customers reject change orders on the portal."))
        reason = (reason or "").strip()
        if not reason:
            raise UserError(_("Tell us why you reject the change order."))
        lock_for_change(self)
        self._check_state(("approved",), _("rejected"))
        partner = self._customer_answer_partner(partner)
        self._workflow_write(
            {
                "state": "rejected",
                "rejected_by_id": partner.user_ids.filtered("share")[:1].id,
                "rejected_on": fields.Datetime.now(),
                "customer_reject_reason": reason,
                "access_token": False,
            }
        )
        for order in self:
            who = partner.display_name or order.partner_id.display_name
            body = _(
                "Rejected by the customer (%(who)s) on the portal. Reason: %(reason)s",
                who=who,
                reason=reason,
            )
            order._log(body, author=partner or order.partner_id)
            order._notify_manager(
                _("Change order rejected by the customer: %s", order.display_name), body
            )
        return True

    def action_sign(self, signed_by, signature=None, partner=None):
        """The customer's signature of an approved change order, from the portal (its
        routes check the customer's access, then call this as superuser; ``partner`` is
        who signed). A signature given on paper is filed with the countersigned copy
        (``action_upload_countersigned``). The signing link is spent."""
        self._check_customer_answer()
        lock_for_change(self)
        self._check_state(("approved",), _("signed"))
        customer_answer = self._is_customer_answer()
        partner = self._customer_answer_partner(partner) if customer_answer else None
        self._record_signature(signed_by, signature=signature, partner=partner or None)
        self._workflow_write(
            {"state": "signed", "signature_method": "customer", "access_token": False}
        )
        for order in self:
            body = _("Signed by %(signer)s for the customer.", signer=order.signed_by)
            if customer_answer:
                order._log(body, author=partner or order.partner_id)
                order._notify_manager(
                    _("Apply the change order signed by the customer: %s", order.display_name),
                    body,
                )
            else:
                order._log(body)
        return True

    def action_upload_countersigned(self, signed_by=None):
        """A manager files the copy the customer signed on paper (uploaded beforehand in
        ``countersigned_file``); that counts as the customer's signature."""
        self._check_group(GROUP_MANAGER, _("Only engagement managers file countersigned copies."))
        self.check_access("read")
        lock_for_change(self)
        self._check_state(("approved",), _("marked as countersigned"))
        for order in self:
            if not order.sudo().countersigned_file:
                raise UserError(_("Upload the countersigned copy of %s first.", order.display_name))
        for order in self:
            signer = signed_by or order.partner_id.display_name
            order._record_signature(signer)
            order._workflow_write({"state": "signed", "signature_method": "countersigned"})
            order._log(
                _(
                    "Countersigned copy %(file)s filed by %(user)s (signed by %(signer)s).",
                    file=order.sudo().countersigned_filename or "",
                    user=self.env.user.name,
                    signer=signer,
                )
            )
        return True

    def action_apply(self):
        """The engagement manager applies the signed change: the engagement's revised
        budget and end date include it, and fixed-price and milestone engagements get a
        sales order line for the revenue impact."""
        self._check_group(GROUP_MANAGER, _("Only engagement managers apply change orders."))
        self.check_access("write")
        lock_for_change(self)
        self._check_state(("signed",), _("applied"))
        now = fields.Datetime.now()
        for order in self:
            line = order._create_sale_order_line()
            vals = {"state": "applied", "applied_by_id": self.env.user.id, "applied_on": now}
            if line:
                vals["sale_order_line_id"] = line.id
            order._workflow_write(vals)
            if line:
                order._log(
                    _(
                        "Applied by %(user)s; the revenue impact is billed on %(order)s.",
                        user=self.env.user.name,
                        order=line.order_id.name,
                    )
                )
            else:
                order._log(
                    _("Applied by %s; the engagement's budget is revised.", self.env.user.name)
                )
        self._close_manager_todos(feedback=_("Applied by %s.", self.env.user.name))
        return True

    def action_cancel(self):
        """Members cancel drafts and submitted change orders; managers any not applied."""
        self.check_access("read")
        lock_for_change(self)
        self._check_state(("draft", "submitted", "approved", "signed"), _("cancelled"))
        if any(order.state in ("approved", "signed") for order in self):
            self._check_group(
                GROUP_MANAGER, _("Only engagement managers cancel an approved change order.")
            )
        else:
            self.check_access("write")
        self._workflow_write({"state": "cancelled"})
        self._log(_("Cancelled by %s.", self.env.user.name))
        self._close_manager_todos()
        return True

    def action_create_compensating(self):
        """Undo an applied change order the only way there is: a new one, its opposite."""
        self.ensure_one()
        if self.state != "applied":
            raise UserError(_("Only an applied change order is undone by a compensating one."))
        compensating = self.create(
            {
                "engagement_id": self.engagement_id.id,
                "title": _("Reversal of %s", self.display_name),
                "category": self.category,
                "reason": _("Undoes %s.", self.name),
                "revenue_delta": -self.revenue_delta,
                "cost_delta": -self.cost_delta,
                "hours_delta": -self.hours_delta,
                "schedule_delta_days": -self.schedule_delta_days,
                "compensated_change_order_id": self.id,
            }
        )
        self._log(
            _("%(user)s raised %(new)s to undo it.", user=self.env.user.name, new=compensating.name)
        )
        return compensating._get_records_action()

    # ------------------------------------------------------------------ billing

    def _bills_on_sale_order(self):
        self.ensure_one()
        return self.engagement_id.billing_type in ("fixed_price", "milestone") and not (
            self.currency_id.is_zero(self.revenue_delta)
        )

    def _get_target_sale_order(self):
        """The engagement's latest confirmed order, or a new quotation when there is none
        or it is locked."""
        self.ensure_one()
        orders = self.engagement_id.sudo().sale_order_ids.filtered(lambda so: so.state == "sale")
        order = orders.sorted(lambda so: (so.date_order, so.id), reverse=True)[:1]
        if order and not order.locked:
            return order
        engagement = self.engagement_id.sudo()
        return (
            self.env["sale.order"]
            .sudo()
            .create(
                {
                    "partner_id": engagement.partner_id.id,
                    "company_id": engagement.company_id.id,
                    "engagement_id": engagement.id,
                    "opportunity_id": engagement.lead_id.id,
                    "origin": self.name,
                    "user_id": (engagement.sales_user_id or self.env.user).id,
                }
            )
        )

    def _create_sale_order_line(self):
        self.ensure_one()
        if not self._bills_on_sale_order():
            return self.env["sale.order.line"]
        order = self._get_target_sale_order()
        product = self.env.ref("engagement_management.product_product_change_order").sudo()
        price = self.currency_id._convert(
            self.revenue_delta, order.currency_id, order.company_id, fields.Date.context_today(self)
        )
        return (
            self.env["sale.order.line"]
            .sudo()
            .create(
                {
                    "order_id": order.id,
                    "product_id": product.id,
                    "name": _(
                        "Change order %(number)s: %(title)s", number=self.name, title=self.title
                    ),
                    "product_uom_qty": 1.0,
                    "price_unit": price,
                    "engagement_change_order_id": self.id,
                }
            )
        )

    # ------------------------------------------------------------------ actions

    def action_view_sale_order(self):
        self.ensure_one()
        return self.sale_order_id._get_records_action()
