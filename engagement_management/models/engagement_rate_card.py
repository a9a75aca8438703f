from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class EngagementRateCard(models.Model):
    """What an hour of each role is sold at and costs: the rates an estimate starts from.

    The company's default card is a setting; a customer may have its own. Bill rates are
    the sales side, read by every engagement user; cost rates are Finance's and the
    managers' (the lines' ``cost_rate``).
    """

    _name = "engagement.rate.card"
    _description = "Engagement Rate Card"
    _inherit = ["mail.thread"]
    _order = "name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        tracking=True,
        default=lambda self: self.env.company.currency_id,
    )
    line_ids = fields.One2many(
        "engagement.rate.card.line", "rate_card_id", string="Rates", copy=True
    )
    note = fields.Text(help="Where the rates come from, and until when they hold.")

    @api.constrains("currency_id", "line_ids")
    def _check_currency_fixed_once_used(self):
        """An estimate priced in a card's currency keeps meaning what it said."""
        used = (
            self.env["engagement.estimate"]
            .sudo()
            .search_count(
                [("rate_card_id", "in", self.ids), ("currency_id", "not in", self.currency_id.ids)],
                limit=1,
            )
        )
        if used:
            raise ValidationError(
                _("A rate card used by estimates keeps its currency: create a new card.")
            )

    def _rate_line(self, role):
        """The line of ``role`` on this card (empty when the card has none)."""
        self.ensure_one()
        return self.line_ids.filtered(lambda line: line.role_id == role)[:1]
