import base64
import binascii
import hashlib

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import human_size
from odoo.tools.mimetypes import guess_mimetype

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAX_SIGNATURE_BYTES = 2 * 1024 * 1024

# What a signed document may be, told by its content (never by the name a user gave the
# file): PDF, office documents, images. No HTML, SVG or script: the portal serves them.
DOCUMENT_MIMETYPES = frozenset(
    {
        "application/pdf",
        "application/msword",
        "application/vnd.ms-excel",
        "application/vnd.ms-powerpoint",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/vnd.oasis.opendocument.presentation",
        "application/rtf",
        "text/rtf",
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "image/tiff",
    }
)
DOCUMENT_MAX_SIZE_PARAM = "engagement_management.document_max_size_mb"
DEFAULT_DOCUMENT_MAX_SIZE_MB = 25.0


class EngagementSignatureMixin(models.AbstractModel):
    """A customer's sign-off, and the workflow guard of the documents signed that way
    (deliverables and change orders).

    Records who signed, when, the drawn signature and a hash of the signed document,
    so a later change of the document is detected; refuses a document upload that is
    too large or not a document (``_check_document``).

    On top of ``engagement.workflow.mixin`` (state, stamps and signature are the
    workflow's), one guard for both models, told by hooks:

    - ``_is_frozen()``: the record is what the customer agreed to (signed, applied):
      nothing changes but ``_frozen_writable_fields()``, not even through the workflow,
      and its signed binary fields (``_locked_binary_fields``) are frozen at the
      attachment level too;
    - ``_terms_fields()`` change only while ``_terms_editable()``;
    - ``_is_deletable()`` says what may be deleted.
    """

    _name = "engagement.signature.mixin"
    _inherit = ["engagement.workflow.mixin"]
    _description = "Engagement Customer Signature"
    # The uploaded documents, as (binary field, its file name field) pairs: every create
    # and write of them passes ``_check_document``.
    _document_fields = ()

    signed_by = fields.Char(string="Signed By", copy=False, readonly=True)
    signed_partner_id = fields.Many2one("res.partner", string="Signer", copy=False, readonly=True)
    signature = fields.Binary(copy=False, attachment=True, readonly=True)
    signed_on = fields.Datetime(string="Signed On", copy=False, readonly=True)
    signed_document_hash = fields.Char(
        string="Signed Document Hash",
        copy=False,
        readonly=True,
        help="SHA-256 of the document as it was signed.",
    )
    signed_document_intact = fields.Boolean(
        compute="_compute_signed_document_intact",
        compute_sudo=True,
        help="The document's bytes still match the hash taken when it was signed.",
    )

    # ------------------------------------------------------------------ the guard's hooks

    def _workflow_fields(self):
        return super()._workflow_fields() | {
            "state",
            "signed_by",
            "signed_partner_id",
            "signature",
            "signed_on",
            "signed_document_hash",
        }

    def _workflow_create_defaults(self):
        return {**super()._workflow_create_defaults(), "state": "draft"}

    def _is_frozen(self):
        """Hook: whether this record is what the customer agreed to, for good."""
        self.ensure_one()
        return False

    def _frozen_writable_fields(self):
        """Hook: the bookkeeping a frozen record still accepts: its chatter, followers,
        activities and ratings, and its portal token being spent."""
        return (
            frozenset(self.env["mail.thread"]._fields)
            | frozenset(self.env["mail.activity.mixin"]._fields)
            | {"access_token"}
        )

    def _terms_fields(self):
        """Hook: what the customer is asked to agree to."""
        return frozenset()

    def _terms_editable(self):
        """Hook: whether the terms may still change (the draft, before any review)."""
        self.ensure_one()
        return self.state == "draft"

    def _is_deletable(self):
        """Hook: whether this record may be deleted (a draft)."""
        self.ensure_one()
        return self.state == "draft"

    def _locked_binary_fields(self):
        """The signature once drawn; the documents once their terms are frozen (under
        review, sent, signed), bar the workflow's own filing of a paper signature; all
        of it, for good, once frozen."""
        self.ensure_one()
        documents = {field for field, __ in self._document_fields}
        if self._is_frozen():
            return frozenset({"signature", *documents})
        if self._in_workflow():
            return frozenset()
        locked = {"signature"} if self.signed_on else set()
        if not self._terms_editable():
            locked |= documents
        return frozenset(locked)

    # ------------------------------------------------------------------ the guard

    def _check_frozen(self, vals):
        changing = set(vals) - self._frozen_writable_fields()
        if not changing:
            return
        frozen = self.filtered(lambda record: record._is_frozen())
        if frozen:
            raise UserError(
                _(
                    "%(records)s is %(state)s and cannot be changed: it is what the "
                    "customer agreed to (%(fields)s). Raise a new version or a new one.",
                    records=", ".join(frozen.mapped("display_name")),
                    state=frozen[0]._state_label().lower(),
                    fields=", ".join(sorted(changing)),
                )
            )
        if self._in_workflow():
            return
        terms = changing & self._terms_fields()
        locked = self.filtered(lambda record: not record._terms_editable())
        if terms and locked:
            raise UserError(
                _(
                    "%(records)s is %(state)s: its terms are frozen (%(fields)s). Raise a "
                    "new version or a new one to change them.",
                    records=", ".join(locked.mapped("display_name")),
                    state=locked[0]._state_label(),
                    fields=", ".join(sorted(terms)),
                )
            )

    def _check_unlink_allowed(self):
        super()._check_unlink_allowed()
        kept = self.filtered(lambda record: not record._is_deletable())
        if kept:
            raise UserError(
                _(
                    "%(records)s is %(state)s: it is kept on the record and cannot be "
                    "deleted (only drafts can be); cancel it instead.",
                    records=", ".join(kept.mapped("display_name")),
                    state=kept[0]._state_label(),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_document_values(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_frozen(vals)
        self._check_document_values(vals)
        return super().write(vals)

    @api.depends("signed_document_hash")
    def _compute_signed_document_intact(self):
        for record in self:
            if not record.signed_document_hash:
                record.signed_document_intact = True
                continue
            record.signed_document_intact = (
                hashlib.sha256(record._get_signed_document() or b"").hexdigest()
                == record.signed_document_hash
            )

    def _check_document_values(self, vals):
        for field_name, filename_field in self._document_fields:
            if vals.get(field_name):
                self._check_document(vals[field_name], filename=vals.get(filename_field))

    @api.model
    def _get_document_max_size_mb(self):
        value = self.env["ir.config_parameter"].sudo().get_param(DOCUMENT_MAX_SIZE_PARAM)
        try:
            limit = float(value)
        except (TypeError, ValueError):
            return DEFAULT_DOCUMENT_MAX_SIZE_MB
        return limit if limit > 0 else DEFAULT_DOCUMENT_MAX_SIZE_MB

    @api.model
    def _check_document(self, data, filename=None):
        """The one check of an uploaded document (``data`` in base64), whichever way it
        comes: form, import, RPC, the paper-signature wizard, the countersigned copy.

        Refuses, before anything is stored, a file over the size limit (Settings) or
        whose content is not a PDF, an office document or an image.
        """
        name = filename or _("The document")
        try:
            raw = base64.b64decode(data)
        except (binascii.Error, ValueError, TypeError) as error:
            raise UserError(_("%s is not a valid file.", name)) from error
        limit_mb = self._get_document_max_size_mb()
        limit = int(limit_mb * 1024 * 1024)
        if len(raw) > limit:
            raise UserError(
                _(
                    "%(name)s is %(size)s: documents are limited to %(limit)s "
                    "(Settings, Engagements).",
                    name=name,
                    size=human_size(len(raw)),
                    limit=human_size(limit),
                )
            )
        mimetype = guess_mimetype(raw, default="application/octet-stream")
        if mimetype not in DOCUMENT_MIMETYPES:
            raise UserError(
                _(
                    "%(name)s is not an accepted document (its content is %(mimetype)s). "
                    "Upload a PDF, an office document (Word, Excel, PowerPoint, "
                    "OpenDocument, RTF) or an image (PNG, JPEG, GIF, WebP, TIFF).",
                    name=name,
                    mimetype=mimetype,
                )
            )

    def _get_signed_document(self):
        """Hook: the bytes the customer signs (the attachment, a rendered PDF, ...)."""
        return b""

    # The documents signed this way (deliverables, change orders) each have a workflow
    # ``state``: the two checks of it they share.

    def _portal_is_visible(self):
        """Whether the customer may see this document on the portal: never a draft."""
        self.ensure_one()
        return self.state != "draft"

    def _state_label(self):
        self.ensure_one()
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    def _check_state(self, allowed, action):
        """Refuse ``action`` (a past participle: "signed") unless every record's state is
        in ``allowed``."""
        for record in self:
            if record.state not in allowed:
                raise UserError(
                    _(
                        "%(record)s is %(state)s: it cannot be %(action)s.",
                        record=record.display_name,
                        state=record._state_label(),
                        action=action,
                    )
                )

    def _check_customer_answer(self):
        """The customer's own answer (a signature, a rejection) comes from the portal
        only: its routes check who the visitor is (a contact of the customer, or the
        holder of the link sent to them) and then call as superuser. Nobody inside
        answers for the customer: a signature given on paper is filed with the
        countersigned document, by an engagement manager."""
        if not self.env.su:
            raise AccessError(
                _(
                    "Only the customer answers %s, on the portal. A signature given on "
                    "paper is filed with the countersigned document.",
                    ", ".join(self.mapped("display_name")),
                )
            )

    def _check_signature_image(self, signature):
        if not signature:
            return
        try:
            raw = base64.b64decode(signature, validate=True)
        except (binascii.Error, ValueError, TypeError) as error:
            raise UserError(_("The signature is not a valid image.")) from error
        if not raw.startswith(PNG_MAGIC):
            raise UserError(_("The signature must be a PNG image."))
        if len(raw) > MAX_SIGNATURE_BYTES:
            raise UserError(_("The signature image is too large."))

    def _record_signature(self, signed_by, signature=None, partner=None):
        """Store the sign-off; the caller has checked the state and the signer's right."""
        signed_by = (signed_by or "").strip()
        if not signed_by:
            raise UserError(_("A signature needs the signer's name."))
        self._check_signature_image(signature)
        for record in self:
            record.sudo()._workflow().write(
                {
                    "signed_by": signed_by,
                    "signed_partner_id": partner.id if partner else False,
                    "signature": signature or False,
                    "signed_on": fields.Datetime.now(),
                    "signed_document_hash": hashlib.sha256(
                        record._get_signed_document() or b""
                    ).hexdigest(),
                }
            )
