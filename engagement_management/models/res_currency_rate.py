from odoo import models


class ResCurrencyRate(models.Model):
    # A foreign-currency engagement's figures convert at these rates.
    _name = "res.currency.rate"
    _inherit = ["res.currency.rate", "engagement.figures.source.mixin"]
