import base64
import binascii
import hashlib

from odoo import _, api, fields, models
from odoo.exceptions import UserError
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
    """A customer's sign-off, shared by deliverables and change orders.

    Records who signed, when, the drawn signature and a hash of the signed document,
    so a later change of the document can be detected; refuses a document upload that
    is too large or not a document (``_check_document``).
    """

    _name = "engagement.signature.mixin"
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

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_document_values(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_document_values(vals)
        return super().write(vals)

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
            record.sudo().write(
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
