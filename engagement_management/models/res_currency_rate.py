from odoo import api, models


class ResCurrencyRate(models.Model):
    _inherit = "res.currency.rate"

    # A foreign-currency engagement's figures convert at these rates (see
    # account.analytic.line for why the figures are told rather than depend).
    @api.model_create_multi
    def create(self, vals_list):
        rates = super().create(vals_list)
        self.env["engagement.engagement"]._invalidate_figures()
        return rates

    def write(self, vals):
        result = super().write(vals)
        self.env["engagement.engagement"]._invalidate_figures()
        return result

    def unlink(self):
        result = super().unlink()
        self.env["engagement.engagement"]._invalidate_figures()
        return result
