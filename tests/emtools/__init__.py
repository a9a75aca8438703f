"""Helpers shared by the suites that run outside Odoo's process (no odoo import)."""
