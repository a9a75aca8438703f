"""19.0.1.2.0: members no longer read the attention list's "forecast margin under target"
(it tells the forecast margin, which is Finance's and managers'). The rule is
``noupdate``: its new domain is written here, read from the data file that defines it."""

from lxml import etree

from odoo import SUPERUSER_ID, api
from odoo.tools.misc import file_path

MODULE = "engagement_management"
RULE = "engagement_attention_item_rule_member"


def migrate(cr, version):
    if not version:
        return
    tree = etree.parse(file_path(f"{MODULE}/security/engagement_portfolio_security.xml"))
    domain = tree.xpath(f"//record[@id='{RULE}']/field[@name='domain_force']")[0].text
    env = api.Environment(cr, SUPERUSER_ID, {})
    env.ref(f"{MODULE}.{RULE}").domain_force = domain
