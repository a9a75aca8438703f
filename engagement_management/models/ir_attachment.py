from collections import defaultdict

from odoo import _, api, models
from odoo.exceptions import UserError


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    def _check_engagement_locked(self, vals=None):
        """Refuse to change, add or remove the stored content of a binary field that its
        record froze (a signed document, a signature): the record's own guard is not
        asked when the attachment is written directly."""
        targets = defaultdict(set)  # {(model, field): {record ids}}
        for attachment in self.sudo():
            targets[attachment.res_model, attachment.res_field].add(attachment.res_id)
        if vals is not None:
            for attachment in self.sudo() or [None]:
                model = vals.get("res_model", attachment and attachment.res_model)
                field = vals.get("res_field", attachment and attachment.res_field)
                res_id = vals.get("res_id", attachment and attachment.res_id)
                targets[model, field].add(res_id)
        for (model_name, field_name), ids in targets.items():
            if not (model_name and field_name) or model_name not in self.env:
                continue
            Model = self.env[model_name]
            if not isinstance(Model, self.env.registry["engagement.workflow.mixin"]):
                continue
            for record in Model.sudo().browse(filter(None, ids)).exists():
                if field_name in record._locked_binary_fields():
                    raise UserError(
                        _(
                            "%(record)s is signed: its %(field)s cannot change.",
                            record=record.display_name,
                            field=Model._fields[field_name].string,
                        )
                    )

    @api.model_create_multi
    def create(self, vals_list):
        attachments = super().create(vals_list)
        # Checked on what was created: the context's defaults (default_res_field...)
        # are only known then.
        attachments._check_engagement_locked()
        return attachments

    def write(self, vals):
        self._check_engagement_locked(vals)
        return super().write(vals)

    def unlink(self):
        self._check_engagement_locked()
        return super().unlink()
