"""19.0.1.2.0: the ``noupdate`` records whose definition changed since 19.0.1.1.0 are
loaded again from the data files (``tools/migration.py``); a company's edits of them are
replaced by the new definition, and every other ``noupdate`` record is kept as it is.

Revenue recognition arrives: the engagements that exist keep the progress rule their
figures (and the margin reviews already closed) were made with, by hours; new ones
recognise cost-to-cost, the default. Companies on the generic chart get the journal and
accounts a fresh install gives them (revenue recognition itself stays off until Finance
turns it on).

``REFRESHED`` names them (XML ids of this module, without the module):
tests/static/test_migrations.py fails when a ``noupdate`` record changed since the last
release and is not named here.
"""

from odoo import SUPERUSER_ID, api

from odoo.addons.engagement_management.hooks import _configure_revenue_recognition
from odoo.addons.engagement_management.tools.migration import reload_noupdate_records

REFRESHED = (
    # Members no longer read the "forecast margin under target" reason: it tells the
    # forecast margin, which is Finance's and managers'.
    "engagement_attention_item_rule_member",
)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    reload_noupdate_records(env, REFRESHED)
    cr.execute("UPDATE engagement_engagement SET recognition_method = 'hours'")
    _configure_revenue_recognition(env)
