from odoo import fields, models


class EngagementDeliverableType(models.Model):
    """A kind of document the customer signs off (SOW, BRD, ...), with its internal review."""

    _name = "engagement.deliverable.type"
    _inherit = ["engagement.portal.fields.mixin"]
    _description = "Engagement Deliverable Type"
    _order = "sequence, id"
    # The name, and the order deliverables are listed in.
    _portal_fields = frozenset({"name", "sequence"})

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)
    review_group_id = fields.Many2one(
        "res.groups",
        string="Internal Review By",
        ondelete="restrict",
        help="When set, a member of this group approves the deliverable before it is "
        "submitted to the customer.",
    )
    active = fields.Boolean(default=True)

    _name_unique = models.Constraint("UNIQUE(name)", "A deliverable type name is unique.")
