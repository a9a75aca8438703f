from odoo import api, models

# What every record shows: which record it is, and whether it is archived (the ORM adds
# ``active`` to every search).
ALWAYS_READABLE = frozenset({"id", "display_name", "active"})


class EngagementPortalFieldsMixin(models.AbstractModel):
    """What a customer reads of a record over RPC is what their portal page shows them.

    A share user (portal or public) reads only ``_portal_fields``, whatever other field
    the model has or gains later: a new field stays internal until it is put on the
    customer's page and named here. Internal users are not concerned, and the portal
    pages themselves render as superuser.
    """

    _name = "engagement.portal.fields.mixin"
    _description = "Engagement Fields a Customer Reads"
    # The fields the customer's page shows of this model.
    _portal_fields = frozenset()

    @api.model
    def _has_field_access(self, field, operation):
        # Cheapest first: most fields a page reads are the customer's too.
        if (
            field.name not in ALWAYS_READABLE
            and field.name not in self._portal_fields
            and not self.env.su
            and self.env.user.share
        ):
            return False
        return super()._has_field_access(field, operation)
