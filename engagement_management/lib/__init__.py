"""Pure-Python logic of the addon: no Odoo import, so it is tested outside Odoo."""
