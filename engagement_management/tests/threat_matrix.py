"""What each control protects, and from whom: the tables behind the attacker tests.

Plain Python, no Odoo import, like ``access_matrix.py``. A test fails when the addon
gains a workflow-owned field, a read-only field, a stored file or a portal route that
has no row here: each new thing is decided on, never left open by default.
"""

# Per model that uses the workflow guard: the fields only its workflow writes. A plain
# create or write of any of them is refused to every user, superuser included.
WORKFLOW_FIELDS = {
    "engagement.engagement": {
        "code",
        "template_id",
        "date_last_stage_update",
        "health",
        "date_health_change",
        "satisfaction_score",
    },
    "engagement.deliverable": {
        "state",
        "review_state",
        "reviewed_by_id",
        "reviewed_on",
        "submitted_on",
        "reject_reason",
        "signed_on_paper",
        "version",
        "previous_id",
        "superseded_by_id",
        "is_current",
        "estimate_id",
        "signed_by",
        "signed_partner_id",
        "signature",
        "signed_on",
        "signed_document_hash",
    },
    "engagement.change.order": {
        "name",
        "state",
        "currency_id",
        "partner_id",
        "needs_finance_approval",
        "submitted_by_id",
        "submitted_on",
        "sent_on",
        "manager_approved_by_id",
        "manager_approved_on",
        "finance_approved_by_id",
        "finance_approved_on",
        "rejected_by_id",
        "rejected_on",
        "rejection_reason",
        "customer_reject_reason",
        "signature_method",
        "applied_by_id",
        "applied_on",
        "sale_order_line_id",
        "compensated_change_order_id",
        "signed_by",
        "signed_partner_id",
        "signature",
        "signed_on",
        "signed_document_hash",
    },
    "engagement.gate.line": {"state", "done_by_id", "done_date"},
    "engagement.status.report": {"user_id", "raid_snapshot", "is_published", "date_published"},
    # The customer's answer to a dependency they own: written by the portal route only.
    "engagement.raid.item": {"customer_answer", "date_answered", "answered_partner_id"},
    "engagement.margin.review": {"state", "date_closed"},
    "engagement.estimate": {
        "lead_id",
        "engagement_id",
        "state",
        "version",
        "previous_id",
        "needs_finance_approval",
        "submitted_by_id",
        "submitted_on",
        "manager_approved_by_id",
        "manager_approved_on",
        "finance_approved_by_id",
        "finance_approved_on",
        "date_approved",
    },
    "engagement.estimate.line": {"estimate_id"},
    "engagement.margin.review.line": {
        "review_id",
        "engagement_id",
        "currency_id",
        "state",
        "decided_by_id",
        "date_decided",
        "revenue_contracted",
        "revenue_invoiced",
        "cost_actual",
        "margin",
        "margin_pct",
        "percent_complete",
        "eac_cost",
        "forecast_margin_pct",
        "wip_amount",
        "health",
        "period_revenue",
        "period_cost",
        "period_margin",
        # What the close posted: the entries are the ledger's, changed by Odoo's rules.
        "wip_invoiced",
        "wip_earned",
        "wip_period_amount",
        "wip_excluded",
        "wip_exclusion_reason",
        "wip_posted_amount",
        "wip_move_id",
        "wip_reversal_move_id",
    },
}

# Stored fields the form shows read-only that the workflow does not own, and why that is
# safe. (Read-only related and computed fields are refused to a plain write anyway.)
READONLY_NOT_WORKFLOW = {}

# Every binary field of the addon stored as an attachment, and when its file freezes.
BINARY_FIELDS = {
    ("engagement.deliverable", "attachment"): "signed",
    ("engagement.deliverable", "signature"): "signed",
    ("engagement.change.order", "signature"): "signed",
    ("engagement.change.order", "countersigned_file"): "signed",
    # A transient upload, copied onto the deliverable by the paper-signature flow.
    ("engagement.deliverable.paper.wizard", "attachment"): None,
}

# Every portal route of the addon: who is answered there.
ROUTES = {
    "/my/engagements": "the customer's contacts: their engagements",
    "/my/engagements/page/<int:page>": "the customer's contacts: their engagements",
    "/my/engagements/<int:engagement_id>": "the customer's contacts, or the link holder",
    "/my/deliverables/<int:deliverable_id>": "what was sent to the customer: contacts, link",
    "/my/deliverables/<int:deliverable_id>/document": "the same; never an altered signed file",
    "/my/deliverables/<int:deliverable_id>/sign": "the customer answers: never an employee",
    "/my/deliverables/<int:deliverable_id>/reject": "the customer answers: never an employee",
    "/my/change_orders/<int:change_order_id>": "what was sent to the customer: contacts, link",
    "/my/change_orders/<int:change_order_id>/document": "the same, with the signed hash",
    "/my/change_orders/<int:change_order_id>/sign": "the customer answers: never an employee",
    "/my/change_orders/<int:change_order_id>/reject": "the customer answers: never an employee",
    "/my/raid_items/<int:item_id>/answer": "the customer answers a dependency they own: "
    "its state and an answer only; never an employee",
}

# What a portal user must never read over RPC (a sample; the full rule is that they read
# the ``_portal_fields`` of each model and nothing else).
INTERNAL_FIELDS = {
    "engagement.engagement": (
        "lead_expected_revenue",
        "lessons_learned",
        "description",
        "budget_revenue",
        "health",
        "message_follower_ids",
    ),
    "engagement.deliverable": (
        "description",
        "review_state",
        "reviewed_by_id",
        "user_id",
        "estimate_id",
    ),
    "engagement.change.order": ("cost_delta", "rejection_reason", "needs_finance_approval"),
    "engagement.deliverable.type": ("review_group_id",),
    "engagement.raid.item": (
        "owner_id",
        "probability",
        "impact",
        "score",
        "mitigation",
        "change_order_id",
        "message_follower_ids",
    ),
}
