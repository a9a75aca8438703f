"""19.0.1.1.0: the changed rules are ``noupdate`` again, and change orders get what the
integrity fixes added: when they were sent to the customer, the customer's reason apart
from the internal one, and the Finance threshold as decided at submission."""

import importlib.util
import os

from odoo import SUPERUSER_ID, api

_spec = importlib.util.spec_from_file_location(
    "pre_migrate", os.path.join(os.path.dirname(__file__), "pre-migrate.py")
)
_pre = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_pre)


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        UPDATE ir_model_data
           SET noupdate = TRUE
         WHERE module = 'engagement_management' AND name IN %s
        """,
        (_pre.CHANGED_RULES,),
    )
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
    env = api.Environment(cr, SUPERUSER_ID, {})
    pending = env["engagement.change.order"].search(
        [("state", "=", "submitted"), ("finance_approved_by_id", "=", False)]
    )
    for order in pending:
        order._workflow().needs_finance_approval = order._exceeds_finance_threshold()
