"""19.0.1.1.0: the record rules the integrity fixes changed, and what they added to change
orders: when they were sent to the customer, the customer's reason apart from the
internal one, and the Finance threshold as decided at submission.

The rules are ``noupdate`` (a company may tune them): an upgrade does not reload them,
so their new domains are written here, read from the data file that defines them.
"""

import hashlib

from lxml import etree

from odoo import SUPERUSER_ID, api
from odoo.tools.misc import file_path

MODULE = "engagement_management"
# Member rules now name the roles only (following grants reading, through the new
# follower rules, which the upgrade creates); the portal sees what was sent to the
# customer, never a draft.
CHANGED_RULES = (
    "engagement_engagement_rule_member",
    "engagement_gate_line_rule_member",
    "engagement_deliverable_rule_member",
    "engagement_status_report_rule_member",
    "engagement_change_order_rule_member",
    "engagement_deliverable_rule_portal",
    "engagement_change_order_rule_portal",
)


def _rule_domains():
    tree = etree.parse(file_path(f"{MODULE}/security/engagement_security.xml"))
    return {
        name: tree.xpath(f"//record[@id='{name}']/field[@name='domain_force']")[0].text
        for name in CHANGED_RULES
    }


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    for name, domain in _rule_domains().items():
        env.ref(f"{MODULE}.{name}").domain_force = domain
    # Sent to the customer = fully approved once (the link they sign with was made then).
    cr.execute(
        """
        UPDATE engagement_change_order
           SET sent_on = GREATEST(manager_approved_on, finance_approved_on)
         WHERE sent_on IS NULL
           AND manager_approved_on IS NOT NULL
           AND (state IN ('approved', 'signed', 'applied')
                OR (state = 'rejected' AND rejected_on >= manager_approved_on)
                OR (state = 'cancelled' AND signed_on IS NOT NULL))
        """
    )
    # A rejection by a portal user was the customer's: their reason moves to its field.
    cr.execute(
        """
        UPDATE engagement_change_order co
           SET customer_reject_reason = co.rejection_reason,
               rejection_reason = NULL
          FROM res_users u
         WHERE co.rejected_by_id = u.id AND u.share AND co.customer_reject_reason IS NULL
        """
    )
    # Whether Finance had to approve: decided while a draft, kept since.
    cr.execute(
        """
        UPDATE engagement_change_order
           SET needs_finance_approval = finance_approved_by_id IS NOT NULL
         WHERE state != 'draft'
        """
    )
    pending = env["engagement.change.order"].search(
        [("state", "=", "submitted"), ("finance_approved_by_id", "=", False)]
    )
    for order in pending:
        order._workflow().needs_finance_approval = order._exceeds_finance_threshold()
    # Signed terms are hashed by id now, not by name: a genuine hash is re-taken; one
    # that no longer matched stays as it is, and keeps being reported.
    signed = env["engagement.change.order"].search(
        [("signed_document_hash", "!=", False), ("signature_method", "=", "customer")]
    )
    for order in signed:
        legacy = hashlib.sha256(order._signed_terms(by_name=True)).hexdigest()
        if legacy == order.signed_document_hash:
            # Under the ORM: an applied change order is frozen, rightly, to everyone.
            cr.execute(
                "UPDATE engagement_change_order SET signed_document_hash = %s WHERE id = %s",
                (hashlib.sha256(order._signed_terms()).hexdigest(), order.id),
            )
