from odoo import _, api, fields, models
from odoo.exceptions import UserError


class CrmLead(models.Model):
    _inherit = "crm.lead"

    # Presales involvement: delivery people meet the customer before the contract.
    project_manager_id = fields.Many2one(
        "res.users",
        string="Project Manager",
        tracking=True,
        domain="[('share', '=', False)]",
        help="The PM who joins presales, so expectations are set before the sale closes.",
    )
    business_analyst_id = fields.Many2one(
        "res.users",
        string="Business Analyst",
        tracking=True,
        domain="[('share', '=', False)]",
    )
    # Only engagement users read these: a salesperson without an engagement group opens
    # the lead form as if the addon were not there.
    engagement_ids = fields.One2many(
        "engagement.engagement",
        "lead_id",
        string="Engagements",
        groups="engagement_management.group_engagement_user",
    )
    engagement_id = fields.Many2one(
        "engagement.engagement",
        compute="_compute_engagement_id",
        string="Engagement",
        groups="engagement_management.group_engagement_user",
    )

    # The presales estimate the PM and BA price the opportunity with.
    estimate_ids = fields.One2many(
        "engagement.estimate",
        "lead_id",
        string="Estimates",
        groups="engagement_management.group_engagement_user",
    )
    estimate_count = fields.Integer(
        compute="_compute_estimate_stats", groups="engagement_management.group_engagement_user"
    )
    estimate_mismatch = fields.Boolean(
        string="Order Differs from the Estimate",
        compute="_compute_estimate_stats",
        groups="engagement_management.group_engagement_user",
        help="A confirmed order of this opportunity is for an untaxed amount other than "
        "the revenue of the approved estimate it was made from.",
    )

    @api.depends("engagement_ids")
    def _compute_engagement_id(self):
        for lead in self:
            lead.engagement_id = lead.engagement_ids[:1]

    @api.depends("estimate_ids", "order_ids.state", "order_ids.amount_untaxed")
    def _compute_estimate_stats(self):
        for lead in self:
            lead.estimate_count = len(lead.estimate_ids)
            lead.estimate_mismatch = any(
                lead.sudo().order_ids.mapped("engagement_estimate_mismatch")
            )

    def _get_approved_estimate(self):
        """The opportunity's approved estimate (empty when none is)."""
        self.ensure_one()
        return (
            self.env["engagement.estimate"]
            .sudo()
            .search(
                [("lead_id", "=", self.id), ("state", "=", "approved")],
                order="version desc",
                limit=1,
            )
        )

    @api.constrains("partner_id")
    def _check_engagement_customer(self):
        """An engagement and its opportunity are for the same customer, whichever side
        changes."""
        self.sudo().engagement_ids._check_lead_partner()

    def _prepare_engagement_values(self):
        """What an engagement takes from its opportunity; the wizard overrides any of it."""
        self.ensure_one()
        return {
            "name": self.name,
            "lead_id": self.id,
            "partner_id": self.partner_id.commercial_partner_id.id,
            "company_id": (self.company_id or self.env.company).id,
            "currency_id": (self.company_currency or self.env.company.currency_id).id,
            "sales_user_id": self.user_id.id,
            "project_manager_id": self.project_manager_id.id,
            "business_analyst_id": self.business_analyst_id.id,
            "budget_revenue": self.expected_revenue,
            # What the PM and BA priced, when they have: the estimate's totals, and the
            # template its breakdown came from (its deliverables and gates follow).
            **self._get_approved_estimate()._baseline_values(),
            **self._get_approved_estimate()._template_values(),
        }

    def _create_engagement(self, values=None):
        """The one way an opportunity becomes an engagement (button, wizard, RPC)."""
        self.ensure_one()
        if self.engagement_ids:
            raise UserError(
                _(
                    "%(lead)s already has an engagement: %(engagement)s.",
                    lead=self.name,
                    engagement=self.engagement_ids[0].display_name,
                )
            )
        if not self.partner_id:
            raise UserError(_("Set the customer of %s before creating its engagement.", self.name))
        vals = dict(self._prepare_engagement_values(), **(values or {}))
        Engagement = self.env["engagement.engagement"]
        # Salespeople hand over the sold figures without reading budgets afterwards.
        financial = {
            name: vals.pop(name)
            for name in list(vals)
            if Engagement._fields[name].groups
            and "engagement_management" in (Engagement._fields[name].groups)
        }
        engagement = Engagement.create(vals)
        if financial:
            engagement.sudo().write(financial)
        self.sudo().estimate_ids._link_engagement(engagement)
        self.sudo().order_ids.filtered(
            lambda order: not order.engagement_id
        ).engagement_id = engagement
        engagement.message_post_with_source(
            "mail.message_origin_link",
            render_values={"self": engagement, "origin": self},
            subtype_xmlid="mail.mt_note",
        )
        if self.won_status == "won":
            engagement._on_lead_won()
        return engagement

    def write(self, vals):
        pending = (
            self.filtered(lambda lead: lead.won_status != "won")
            if "stage_id" in vals or ("probability" in vals)
            else self.browse()
        )
        res = super().write(vals)
        won = pending.filtered(lambda lead: lead.won_status == "won")
        # Whoever wins the deal moves its engagement, member of it or not. Writes that win
        # no lead (lead assignment, tracking, imports) cost no query here.
        if won and (engagements := won.sudo().engagement_ids):
            engagements._on_lead_won()
        return res

    def action_create_engagement(self):
        """Create the engagement from the opportunity's own data, with no dialog."""
        engagements = self.env["engagement.engagement"]
        for lead in self:
            engagements |= lead._create_engagement()
        if len(engagements) == 1:
            return engagements._get_records_action()
        return {
            "type": "ir.actions.act_window",
            "res_model": "engagement.engagement",
            "name": _("Engagements"),
            "view_mode": "list,form",
            "domain": [("id", "in", engagements.ids)],
        }

    def action_open_create_engagement_wizard(self):
        self.ensure_one()
        if self.engagement_ids:
            raise UserError(_("%s already has an engagement.", self.name))
        return {
            "type": "ir.actions.act_window",
            "name": _("Create Engagement"),
            "res_model": "engagement.create.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_lead_id": self.id},
        }

    def action_view_engagement(self):
        self.ensure_one()
        return self.engagement_id._get_records_action()

    def action_view_estimates(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "engagement_management.engagement_estimate_action"
        )
        action.update(
            domain=[("lead_id", "=", self.id)],
            context={"default_lead_id": self.id},
        )
        return action
