import base64
import binascii
import hashlib

from odoo import _, fields, models
from odoo.exceptions import UserError

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAX_SIGNATURE_BYTES = 2 * 1024 * 1024


class EngagementSignatureMixin(models.AbstractModel):
    """A customer's sign-off, shared by deliverables and change orders.

    Records who signed, when, the drawn signature and a hash of the signed document,
    so a later change of the document can be detected.
    """

    _name = "engagement.signature.mixin"
    _description = "Engagement Customer Signature"

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

    def _get_signed_document(self):
        """Hook: the bytes the customer signs (the attachment, a rendered PDF, ...)."""
        return b""

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
