"""19.0.1.2.0: the ``noupdate`` records whose definition changed since 19.0.1.1.0 are
loaded again from the data files (``tools/migration.py``); a company's edits of them are
replaced by the new definition, and every other ``noupdate`` record is kept as it is.

``REFRESHED`` names them (XML ids of this module, without the module):
tests/static/test_migrations.py fails when a ``noupdate`` record changed since the last
release and is not named here.
"""

from odoo import SUPERUSER_ID, api

from odoo.addons.engagement_management.tools.migration import reload_noupdate_records

REFRESHED = (
    # Members no longer read the "forecast margin under target" reason: it tells the
    # forecast margin, which is Finance's and managers'.
    "engagement_attention_item_rule_member",
)


def migrate(cr, version):
    if not version or not REFRESHED:
        return
    reload_noupdate_records(api.Environment(cr, SUPERUSER_ID, {}), REFRESHED)
