import base64

from markupsafe import escape

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import lock_for_change
from .engagement_engagement import GROUP_FINANCE, GROUP_MANAGER


class EngagementDeliverable(models.Model):
    _name = "engagement.deliverable"
    _description = "Engagement Deliverable"
    _inherit = [
        "engagement.portal.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "engagement.signature.mixin",
    ]
    _order = "engagement_id, type_id, version desc, id desc"
    _check_company_auto = True
    _document_fields = (("attachment", "attachment_name"),)
    # What the customer's page of a deliverable shows (/my/deliverables).
    _portal_fields = frozenset(
        {
            "name",
            "engagement_id",
            "partner_id",
            "company_id",
            "type_id",
            "version",
            "is_current",
            "state",
            "submitted_on",
            "attachment",
            "attachment_name",
            "signed_by",
            "signed_on",
            "signature",
            "signed_document_hash",
            "signed_document_intact",
            "reject_reason",
            "access_url",
        }
    )

    # Identity
    name = fields.Char(required=True, tracking=True)
    engagement_id = fields.Many2one(
        "engagement.engagement", required=True, ondelete="cascade", index=True, check_company=True
    )
    company_id = fields.Many2one(related="engagement_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="engagement_id.partner_id", string="Customer")
    type_id = fields.Many2one(
        "engagement.deliverable.type", string="Type", required=True, ondelete="restrict"
    )
    user_id = fields.Many2one(
        "res.users",
        string="Owner",
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
        tracking=True,
    )
    date_due = fields.Date(string="Due Date", tracking=True)
    recognition_pct = fields.Float(
        string="Revenue Recognised on Signature (%)",
        tracking=True,
        help="For an engagement recognising revenue on signed milestones: the share of "
        "its revised revenue earned once the customer signs this deliverable. Part of "
        "the terms: it no longer changes once the deliverable goes to review.",
    )
    engagement_recognition_method = fields.Selection(
        related="engagement_id.recognition_method", string="Recognition Method"
    )
    _check_recognition_pct = models.Constraint(
        "CHECK(recognition_pct IS NULL OR (recognition_pct >= 0 AND recognition_pct <= 100))",
        "A deliverable's revenue recognition share is between 0 and 100 %.",
    )
    description = fields.Text()
    attachment = fields.Binary(string="Document", attachment=True, copy=True)
    attachment_name = fields.Char(string="File Name")
    # A SOW generated from an approved estimate (engagement.estimate.action_generate_sow):
    # its document is that rendering, regenerated from an estimate, never uploaded, so
    # the customer signs what was priced. Kept by its new versions.
    estimate_id = fields.Many2one(
        "engagement.estimate",
        string="Generated From",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
        check_company=True,
    )

    # Versions
    version = fields.Integer(default=1, readonly=True, copy=False)
    previous_id = fields.Many2one(
        "engagement.deliverable", string="Previous Version", readonly=True, copy=False
    )
    superseded_by_id = fields.Many2one(
        "engagement.deliverable", string="Superseded By", readonly=True, copy=False
    )
    is_current = fields.Boolean(string="Current Version", default=True, readonly=True, copy=False)

    # Flow
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("submitted", "Submitted"),
            ("signed", "Signed"),
            ("rejected", "Rejected"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
    )
    review_group_id = fields.Many2one(related="type_id.review_group_id")
    review_state = fields.Selection(
        [
            ("none", "Not Requested"),
            ("pending", "Pending"),
            ("approved", "Approved"),
            ("returned", "Sent Back"),
        ],
        string="Internal Review",
        default="none",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
    )
    reviewed_by_id = fields.Many2one("res.users", string="Reviewed By", readonly=True, copy=False)
    reviewed_on = fields.Datetime(readonly=True, copy=False)
    submitted_on = fields.Datetime(readonly=True, copy=False)
    reject_reason = fields.Text(string="Rejection Reason", readonly=True, copy=False)
    signed_on_paper = fields.Boolean(readonly=True, copy=False)

    # ------------------------------------------------------------------ computes

    @api.depends("name", "version")
    def _compute_display_name(self):
        for deliverable in self:
            deliverable.display_name = f"{deliverable.name} (v{deliverable.version})"

    def _compute_access_url(self):
        super()._compute_access_url()
        for deliverable in self:
            deliverable.access_url = f"/my/deliverables/{deliverable.id}"

    # ------------------------------------------------------------------ the guard's hooks

    def _workflow_fields(self):
        return super()._workflow_fields() | {
            "review_state",
            "reviewed_by_id",
            "reviewed_on",
            "submitted_on",
            "reject_reason",
            "signed_on_paper",
            "version",
            "previous_id",
            "superseded_by_id",
            "is_current",
            "estimate_id",
        }

    def _workflow_create_defaults(self):
        return {
            **super()._workflow_create_defaults(),
            "review_state": "none",
            "version": 1,
            "is_current": True,
        }

    def _is_frozen(self):
        """A signed version is the record of what the customer agreed to."""
        self.ensure_one()
        return self.state == "signed"

    def _frozen_writable_fields(self):
        # Being superseded by a new version is all that still happens to a signed one.
        return super()._frozen_writable_fields() | {"is_current", "superseded_by_id"}

    @api.model_create_multi
    def create(self, vals_list):
        deliverables = super().create(vals_list)
        # Checked on what was created, not on the values: a share can also come from a
        # client's default_ context key or a default of the field.
        if any(deliverable.recognition_pct for deliverable in deliverables):
            deliverables._check_recognition_share_rights()
        return deliverables

    def write(self, vals):
        if "recognition_pct" in vals and any(
            deliverable.recognition_pct != (vals["recognition_pct"] or 0.0) for deliverable in self
        ):
            self._check_recognition_share_rights()
        return super().write(vals)

    def _check_recognition_share_rights(self):
        """The share of revenue a signature recognises decides what Finance posts: it is
        Finance's and managers' to set, not the PM's who delivers. A new version carries
        its predecessor's share through the workflow."""
        if self.env.su or self._in_workflow():
            return
        user = self.env.user
        if not (user.has_group(GROUP_FINANCE) or user.has_group(GROUP_MANAGER)):
            raise AccessError(
                _("Only Finance and managers set the revenue a deliverable's signature recognises.")
            )

    def _terms_fields(self):
        return frozenset(
            {"engagement_id", "type_id", "attachment", "attachment_name", "recognition_pct"}
        )

    def _terms_editable(self):
        """The document reviewers approved is the one the customer gets: it changes
        while a draft is not in review or approved, and in a new version after that. A
        SOW generated from an estimate changes by generating it again only."""
        self.ensure_one()
        return (
            self.state == "draft"
            and self.review_state in ("none", "returned")
            and not self.estimate_id
        )

    def _is_deletable(self):
        self.ensure_one()
        return self.state != "signed"

    def _portal_is_visible(self):
        """The customer sees what was sent to them; a draft never sent stays internal."""
        self.ensure_one()
        return bool(self.submitted_on)

    # ------------------------------------------------------------------ signature hook

    def _get_signed_document(self):
        self.ensure_one()
        data = self.sudo().with_context(bin_size=False).attachment
        return base64.b64decode(data) if data else b""

    # ------------------------------------------------------------------ helpers

    def _log(self, body, author=None):
        """Log on the deliverable and its engagement, as ``author`` (default: the user)."""
        author = author or self.env.user.partner_id
        for deliverable in self:
            for record in (deliverable, deliverable.engagement_id):
                record.sudo().message_post(
                    body=body, subtype_xmlid="mail.mt_note", author_id=author.id
                )

    def _is_review_member(self):
        self.ensure_one()
        return self.env.is_superuser() or self.review_group_id in self.env.user.all_group_ids

    # ------------------------------------------------------------------ internal review

    def action_request_review(self):
        lock_for_change(self)
        self._check_state(("draft",), _("sent to review"))
        for deliverable in self:
            if not deliverable.review_group_id:
                raise UserError(_("%s needs no internal review.", deliverable.display_name))
            if not deliverable.attachment:
                raise UserError(_("Attach the document of %s first.", deliverable.display_name))
        self.check_access("write")
        self._workflow().write({"review_state": "pending"})
        for deliverable in self:
            deliverable._log(
                _(
                    "%(deliverable)s sent to %(group)s for review by %(user)s.",
                    deliverable=deliverable.display_name,
                    group=deliverable.review_group_id.name,
                    user=self.env.user.name,
                )
            )
        return True

    def _check_can_review(self):
        for deliverable in self:
            if deliverable.review_state != "pending":
                raise UserError(_("%s is not waiting for a review.", deliverable.display_name))
            if not deliverable._is_review_member():
                raise AccessError(
                    _(
                        "Only members of %(group)s can review %(deliverable)s.",
                        group=deliverable.review_group_id.name,
                        deliverable=deliverable.display_name,
                    )
                )

    def action_review_approve(self):
        lock_for_change(self)
        self._check_can_review()
        # Reviewers (Legal, Finance) need not be able to edit the engagement.
        self._workflow().sudo().write(
            {
                "review_state": "approved",
                "reviewed_by_id": self.env.user.id,
                "reviewed_on": fields.Datetime.now(),
            }
        )
        for deliverable in self:
            deliverable._log(
                _(
                    "%(deliverable)s approved by %(user)s (%(group)s).",
                    deliverable=deliverable.display_name,
                    user=self.env.user.name,
                    group=deliverable.review_group_id.name,
                )
            )
        return True

    def action_review_return(self, reason):
        reason = (reason or "").strip()
        if not reason:
            raise UserError(_("Sending a deliverable back needs a reason."))
        lock_for_change(self)
        self._check_can_review()
        self._workflow().sudo().write(
            {
                "review_state": "returned",
                "reviewed_by_id": self.env.user.id,
                "reviewed_on": fields.Datetime.now(),
            }
        )
        for deliverable in self:
            deliverable._log(
                _(
                    "%(deliverable)s sent back by %(user)s (%(group)s): %(reason)s",
                    deliverable=deliverable.display_name,
                    user=self.env.user.name,
                    group=deliverable.review_group_id.name,
                    reason=reason,
                )
            )
        return True

    # ------------------------------------------------------------------ customer flow

    def action_submit(self):
        """Send the draft to the customer for signature (after its internal review)."""
        lock_for_change(self)
        self._check_state(("draft",), _("submitted"))
        for deliverable in self:
            if not deliverable.is_current:
                raise UserError(_("%s has a newer version.", deliverable.display_name))
            if not deliverable.attachment:
                raise UserError(_("Attach the document of %s first.", deliverable.display_name))
            if deliverable.review_group_id and deliverable.review_state != "approved":
                raise UserError(
                    _(
                        "%(deliverable)s must be approved by %(group)s before it goes to "
                        "the customer.",
                        deliverable=deliverable.display_name,
                        group=deliverable.review_group_id.name,
                    )
                )
        self.check_access("write")
        self._workflow().write({"state": "submitted", "submitted_on": fields.Datetime.now()})
        for deliverable in self:
            deliverable._portal_ensure_token()
            deliverable.engagement_id._send_customer_mail(
                "engagement_management.mail_template_engagement_deliverable_sent", deliverable
            )
            deliverable._log(
                _(
                    "%(deliverable)s submitted to the customer for signature by %(user)s.",
                    deliverable=deliverable.display_name,
                    user=self.env.user.name,
                )
            )
        return True

    def _check_signable(self):
        self._check_state(("submitted",), _("signed"))
        for deliverable in self:
            if not deliverable.is_current:
                raise UserError(_("%s has a newer version.", deliverable.display_name))

    def _portal_can_sign(self):
        """Whether the customer may sign (or reject) this record on the portal."""
        self.ensure_one()
        return self.state == "submitted" and self.is_current

    def action_sign(self, signed_by, signature=None, partner=None):
        """Record the customer's signature; the portal calls this after its access check.
        Of two signers at once, one signs; the other is told to reload."""
        lock_for_change(self)
        self._check_signable()
        self._check_customer_answer()
        if isinstance(partner, int):
            partner = self.env["res.partner"].browse(partner).exists()
        self._workflow()._record_signature(signed_by, signature=signature, partner=partner)
        self._mark_signed(partner)
        return True

    def _mark_signed(self, partner=None, paper=False):
        for deliverable in self:
            # The link that was used to sign is spent: a new token for the next visit.
            deliverable._workflow().sudo().write(
                {"state": "signed", "signed_on_paper": paper, "access_token": False}
            )
            how = _("on paper") if paper else _("on the portal")
            body = _(
                "%(deliverable)s signed %(how)s by %(signer)s.",
                deliverable=deliverable.display_name,
                how=how,
                signer=deliverable.signed_by,
            )
            author = partner or (
                self.env.user.partner_id
                if not self.env.user._is_public()
                else deliverable.engagement_id.partner_id
            )
            deliverable._log(body, author=author)
            deliverable._notify_manager(body)

    def _notify_manager(self, body):
        self.ensure_one()
        manager = self.engagement_id.user_id
        if manager:
            self.engagement_id.sudo().activity_schedule(
                "engagement_management.mail_activity_type_engagement_customer_answer",
                summary=_("Customer sign-off: %s", self.display_name),
                # What the customer typed is text, never markup.
                note=escape(body),
                user_id=manager.id,
            )

    def action_reject(self, reason, partner=None):
        reason = (reason or "").strip()
        if not reason:
            raise UserError(_("Rejecting a deliverable needs a reason."))
        lock_for_change(self)
        self._check_signable()
        self._check_customer_answer()
        if isinstance(partner, int):
            partner = self.env["res.partner"].browse(partner).exists()
        self._workflow().sudo().write(
            {"state": "rejected", "reject_reason": reason, "access_token": False}
        )
        for deliverable in self:
            body = _(
                "%(deliverable)s rejected by the customer: %(reason)s",
                deliverable=deliverable.display_name,
                reason=reason,
            )
            deliverable._log(body, author=partner)
            deliverable._notify_manager(body)
        return True

    def action_mark_signed_paper(self, attachment, attachment_name, signed_by):
        """Managers record a signature given on paper with the countersigned document."""
        if not self.env.user.has_group(GROUP_MANAGER):
            raise AccessError(_("Only engagement managers can record a paper signature."))
        if not attachment:
            raise UserError(_("Upload the countersigned document."))
        lock_for_change(self)
        self._check_signable()
        self._workflow().write({"attachment": attachment, "attachment_name": attachment_name})
        self._workflow()._record_signature(signed_by)
        self._mark_signed(paper=True)
        return True

    def action_cancel(self):
        lock_for_change(self)
        self._check_state(("draft", "submitted", "rejected"), _("cancelled"))
        self.check_access("write")
        self._workflow().sudo().write({"state": "cancelled", "access_token": False})
        for deliverable in self:
            deliverable._log(
                _(
                    "%(deliverable)s cancelled by %(user)s.",
                    deliverable=deliverable.display_name,
                    user=self.env.user.name,
                )
            )
        return True

    # ------------------------------------------------------------------ versions

    def _get_new_version_values(self):
        """Hook: values of the new version (as OCA base_revision's ``_get_new_rev_data``)."""
        self.ensure_one()
        return {
            "version": self.version + 1,
            "previous_id": self.id,
            "state": "draft",
            "review_state": "none",
        }

    def _get_superseded_values(self, new_version):
        """Hook: what the previous version becomes once superseded."""
        self.ensure_one()
        values = {"is_current": False, "superseded_by_id": new_version.id}
        if self.state in ("draft", "submitted"):
            values.update(state="cancelled", access_token=False)
        return values

    def action_new_version(self):
        self.ensure_one()
        lock_for_change(self)
        if not self.is_current:
            raise UserError(_("%s already has a newer version.", self.display_name))
        self.check_access("write")
        new_version = self._workflow().copy(self._get_new_version_values())
        self._workflow().sudo().write(self._get_superseded_values(new_version))
        self._log(
            _(
                "%(new)s supersedes %(old)s (by %(user)s).",
                new=new_version.display_name,
                old=self.display_name,
                user=self.env.user.name,
            )
        )
        return new_version._get_records_action()

    def action_preview(self):
        self.ensure_one()
        return {"type": "ir.actions.act_url", "target": "self", "url": self.get_portal_url()}

    def action_open_paper_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Signed on Paper"),
            "res_model": "engagement.deliverable.paper.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_deliverable_id": self.id},
        }

    def action_open_return_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Send Back"),
            "res_model": "engagement.deliverable.return.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_deliverable_id": self.id},
        }
