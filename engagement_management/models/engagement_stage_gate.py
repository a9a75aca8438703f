from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import is_html_empty

from .engagement_change_order import OPEN_STATES


class EngagementStageGate(models.Model):
    """A criterion that must hold for an engagement to enter ``stage_id``.

    Each ``gate_type`` is evaluated by one method, ``_evaluate_<gate_type>``; later
    features add a type with ``selection_add`` and its method, nothing else.
    """

    _name = "engagement.stage.gate"
    _description = "Engagement Stage Gate"
    _order = "stage_id, sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    stage_id = fields.Many2one("engagement.stage", required=True, ondelete="cascade", index=True)
    gate_type = fields.Selection(
        [
            ("field_set", "Field Is Set"),
            ("approval", "Approval by a Group"),
            ("checklist", "Checklist Item Done"),
            ("no_open_change_orders", "No Open Change Orders"),
            ("deliverable_signed", "Deliverable Signed"),
            ("deliverables_closed", "Every Deliverable Signed or Cancelled"),
            ("estimate_approved", "Estimate Approved"),
            ("no_open_high_risk", "No Open High Risk"),
        ],
        required=True,
        default="checklist",
    )
    field_id = fields.Many2one(
        "ir.model.fields",
        string="Field",
        ondelete="cascade",
        domain="[('model', '=', 'engagement.engagement'), ('store', '=', True), "
        "('ttype', 'not in', ('boolean', 'one2many', 'many2many', 'binary'))]",
        help="The engagement field that must have a value.",
    )
    group_id = fields.Many2one(
        "res.groups",
        string="Approving Group",
        ondelete="restrict",
        help="Only members of this group can give the approval.",
    )
    deliverable_type_id = fields.Many2one(
        "engagement.deliverable.type",
        string="Deliverable Type",
        ondelete="restrict",
        help="A version of this type must be signed by the customer.",
    )
    template_ids = fields.Many2many(
        "engagement.template",
        "engagement_stage_gate_template_rel",
        "gate_id",
        "template_id",
        string="Only for Templates",
        help="When set, the gate applies only to engagements made from these templates.",
    )
    raid_score_threshold = fields.Integer(
        string="High Risk Score",
        default=15,
        help="A risk of the RAID log whose score (probability × impact) reaches this "
        "value holds the gate until it is closed.",
    )
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)

    @api.constrains("gate_type", "deliverable_type_id")
    def _check_deliverable_gate(self):
        for gate in self:
            if gate.gate_type == "deliverable_signed" and not gate.deliverable_type_id:
                raise ValidationError(
                    _("The gate “%s” needs a signed deliverable: choose its type.", gate.name)
                )

    @api.constrains("gate_type", "field_id", "group_id")
    def _check_gate_configuration(self):
        for gate in self:
            if gate.gate_type == "field_set" and not gate.field_id:
                raise ValidationError(
                    _("The gate “%s” checks a field: choose which one.", gate.name)
                )
            if gate.gate_type == "approval" and not gate.group_id:
                raise ValidationError(
                    _("The gate “%s” is an approval: choose the approving group.", gate.name)
                )

    @api.constrains("gate_type", "raid_score_threshold")
    def _check_raid_threshold(self):
        for gate in self:
            if gate.gate_type == "no_open_high_risk" and not 1 <= gate.raid_score_threshold <= 25:
                raise ValidationError(
                    _(
                        "The gate “%(gate)s” needs a high-risk score from 1 to 25 "
                        "(probability × impact).",
                        gate=gate.name,
                    )
                )

    def _needs_confirmation(self):
        """Gates held by a person's explicit confirmation on the engagement."""
        self.ensure_one()
        return self.gate_type in ("approval", "checklist")

    def _applies_to(self, engagement):
        """Template-specific gates hold only for engagements of their templates."""
        self.ensure_one()
        return not self.template_ids or engagement.template_id in self.template_ids

    def _evaluate(self, engagement):
        """Return ``False`` when the gate holds for ``engagement``, else what is missing."""
        self.ensure_one()
        if not self._applies_to(engagement):
            return False
        return getattr(self, f"_evaluate_{self.gate_type}")(engagement)

    def _evaluate_field_set(self, engagement):
        value = engagement[self.field_id.name]
        if value and not (self.field_id.ttype == "html" and is_html_empty(value)):
            return False
        return _("%(field)s is not set", field=self.field_id.field_description)

    def _evaluate_approval(self, engagement):
        if engagement._gate_line_done(self):
            return False
        return _("approval “%(gate)s” by %(group)s", gate=self.name, group=self.group_id.name)

    def _evaluate_checklist(self, engagement):
        if engagement._gate_line_done(self):
            return False
        return _("checklist item “%s” is not done", self.name)

    def _evaluate_no_open_change_orders(self, engagement):
        open_orders = engagement.change_order_ids.filtered(lambda order: order.state in OPEN_STATES)
        if not open_orders:
            return False
        return _(
            "change orders still open: %(orders)s",
            orders=", ".join(open_orders.mapped("name")),
        )

    def _evaluate_deliverable_signed(self, engagement):
        if any(
            deliverable.type_id == self.deliverable_type_id and deliverable.state == "signed"
            for deliverable in engagement.deliverable_ids
        ):
            return False
        return _("%s signed by the customer", self.deliverable_type_id.name)

    def _evaluate_deliverables_closed(self, engagement):
        open_ones = engagement.deliverable_ids.filtered(
            lambda d: d.is_current and d.state not in ("signed", "cancelled")
        )
        if not open_ones:
            return False
        return _(
            "deliverables neither signed nor cancelled: %s",
            ", ".join(open_ones.mapped("display_name")),
        )

    def _evaluate_estimate_approved(self, engagement):
        if engagement.estimate_id:
            return False
        return _("the estimate of the PM and BA is not approved")

    def _evaluate_no_open_high_risk(self, engagement):
        high = engagement.raid_item_ids.filtered(
            lambda item: (
                item.kind == "risk"
                and item.state != "closed"
                and item.score >= self.raid_score_threshold
            )
        )
        if not high:
            return False
        return _(
            "risks still open with a score of %(score)s or more: %(risks)s",
            score=self.raid_score_threshold,
            risks=", ".join(f"{item.name} ({item.score})" for item in high),
        )

    @api.model_create_multi
    def create(self, vals_list):
        gates = super().create(vals_list)
        gates._sync_engagement_lines()
        return gates

    def write(self, vals):
        res = super().write(vals)
        if {"gate_type", "active", "template_ids"} & set(vals):
            self._sync_engagement_lines()
        return res

    def _sync_engagement_lines(self):
        """A gate added to a stage applies to open engagements too, so they get its line."""
        engagements = (
            self.env["engagement.engagement"].sudo().search([("stage_id.is_closed", "=", False)])
        )
        engagements._sync_gate_lines()
