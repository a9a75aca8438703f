from odoo import api, models


class EngagementFiguresSourceMixin(models.AbstractModel):
    """What the engagements' figures are summed from but cannot depend on (analytic
    lines reach their account through an analytic plan's column; rates are looked up by
    date): a record that changes forgets the figures read so far in the transaction, and
    they are read again from the database (see engagement.engagement._compute_figures)."""

    _name = "engagement.figures.source.mixin"
    _description = "Source of Engagement Figures"

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self.env["engagement.engagement"]._invalidate_figures()
        return records

    def write(self, vals):
        result = super().write(vals)
        self.env["engagement.engagement"]._invalidate_figures()
        return result

    def unlink(self):
        result = super().unlink()
        self.env["engagement.engagement"]._invalidate_figures()
        return result
