"""19.0.1.1.0: the record rules the integrity fixes changed are ``noupdate``; let this
upgrade load them again (post-migrate.py sets them back to ``noupdate``)."""

# Member rules now name the roles only (following grants reading, through the new
# follower rules); the portal sees what was sent to the customer, never a draft.
CHANGED_RULES = (
    "engagement_engagement_rule_member",
    "engagement_gate_line_rule_member",
    "engagement_deliverable_rule_member",
    "engagement_status_report_rule_member",
    "engagement_change_order_rule_member",
    "engagement_deliverable_rule_portal",
    "engagement_change_order_rule_portal",
)


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        UPDATE ir_model_data
           SET noupdate = FALSE
         WHERE module = 'engagement_management' AND name IN %s
        """,
        (CHANGED_RULES,),
    )
