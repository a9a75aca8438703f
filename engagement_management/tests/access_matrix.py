"""Who may do what: the one table behind the access-matrix test and the README.

Plain Python, no Odoo import, so ``scripts/access-matrix`` and the static test of
tests/static can load it by path. Each cell is four letters, in the order
read / write / create / delete (``r``, ``w``, ``c``, ``d``; ``-`` when refused).

- ``ACL``: what the group may do with the model at all (``ir.model.access``).
- ``RECORD``: what it may do with one record of its own company belonging to an
  engagement it is NOT a member of (record rules on top of the ACL). The portal
  user is a contact of that engagement's customer, and the sample change order was
  submitted but never sent to the customer. ``None``: no sample record
  (wizards are transient and only their ACL matters; the PMO's SQL views show each
  user their own rows, which tests/test_engagement_portfolio.py checks).
- ``ACTIONS``: whether the group may press each workflow button (``x``) or is refused
  (``-``), on a record of an engagement the user is the project manager of (the portal
  user is a contact of its customer), in the state where the button applies, so that a
  refusal is about the group and nothing else. Signing and rejecting for the customer
  is refused to every group: the customer answers on the portal only. Wizards count
  as created by the user. The key is ``model.method``, with the case in brackets when
  the rights depend on it.
"""

# (key, group xml id, label), in the column order of the tables below.
GROUPS = (
    ("employee", "base.group_user", "Employee (no engagement group)"),
    ("user", "engagement_management.group_engagement_user", "User"),
    ("legal", "engagement_management.group_engagement_legal", "Legal"),
    ("finance", "engagement_management.group_engagement_finance", "Finance"),
    ("manager", "engagement_management.group_engagement_manager", "Manager"),
    ("admin", "engagement_management.group_engagement_admin", "Administrator"),
    ("portal", "base.group_portal", "Portal"),
    ("public", "base.group_public", "Public"),
)
OPERATIONS = (("r", "read"), ("w", "write"), ("c", "create"), ("d", "unlink"))

# fmt: off
#                                          empl user legl fin  mgr  adm  prtl pub
ACL = {
    "engagement.engagement":                "---- rwc- rwc- rwc- rwcd rwcd r--- ----",
    "engagement.stage":                     "---- r--- r--- r--- r--- rwcd ---- ----",
    "engagement.stage.gate":                "---- r--- r--- r--- r--- rwcd ---- ----",
    "engagement.gate.line":                 "---- r--- r--- r--- r--- rwcd ---- ----",
    "engagement.deliverable.type":          "---- r--- r--- r--- r--- rwcd r--- ----",
    "engagement.deliverable":               "---- rwc- rwc- rwc- rwcd rwcd r--- ----",
    "engagement.change.order":              "---- rwcd rwcd rwcd rwcd rwcd r--- ----",
    "engagement.template":                  "---- r--- r--- r--- r--- rwcd ---- ----",
    "engagement.template.estimate.line":    "---- r--- r--- r--- r--- rwcd ---- ----",
    "engagement.status.report":             "---- rwc- rwc- rwc- rwcd rwcd ---- ----",
    "engagement.margin.review":             "---- ---- ---- rwcd r--- rwcd ---- ----",
    "engagement.margin.review.line":        "---- ---- ---- rw-- r--- rw-- ---- ----",
    "engagement.profitability.report":      "---- ---- ---- r--- r--- r--- ---- ----",
    "engagement.create.wizard":             "---- rwc- rwc- rwc- rwc- rwc- ---- ----",
    "engagement.stage.override.wizard":     "---- ---- ---- ---- ---- rwc- ---- ----",
    "engagement.deliverable.paper.wizard":  "---- ---- ---- ---- rwc- rwc- ---- ----",
    "engagement.deliverable.return.wizard": "---- rwc- rwc- rwc- rwc- rwc- ---- ----",
    "engagement.attention.item":            "---- r--- r--- r--- r--- r--- ---- ----",
    "engagement.workload.report":           "---- r--- r--- r--- r--- r--- ---- ----",
    "engagement.workload.summary":          "---- r--- r--- r--- r--- r--- ---- ----",
    "engagement.portfolio.report":          "---- ---- ---- r--- r--- r--- ---- ----",
    "engagement.burnup.report":             "---- ---- ---- r--- r--- r--- ---- ----",
    "engagement.revenue.forecast":          "---- ---- ---- r--- r--- r--- ---- ----",
    "engagement.rate.card":                 "---- r--- r--- rwcd r--- rwcd ---- ----",
    "engagement.rate.card.line":            "---- r--- r--- rwcd r--- rwcd ---- ----",
    "engagement.estimate":                  "---- rwcd rwcd rwcd rwcd rwcd ---- ----",
    "engagement.estimate.line":             "---- rwcd rwcd rwcd rwcd rwcd ---- ----",
    "engagement.estimate.accuracy.report":  "---- r--- r--- r--- r--- r--- ---- ----",
    "engagement.raid.item":                 "---- rwc- rwc- rwc- rwcd rwcd r--- ----",
}

RECORD = {
    "engagement.engagement":                "---- ---- r--- r--- rwcd rwcd r--- ----",
    "engagement.stage":                     "---- r--- r--- r--- r--- rwcd ---- ----",
    "engagement.stage.gate":                "---- r--- r--- r--- r--- rwcd ---- ----",
    "engagement.gate.line":                 "---- ---- ---- r--- r--- rwcd ---- ----",
    "engagement.deliverable.type":          "---- r--- r--- r--- r--- rwcd r--- ----",
    "engagement.deliverable":               "---- ---- r--- r--- rwcd rwcd r--- ----",
    "engagement.change.order":              "---- ---- ---- r--- rwcd rwcd ---- ----",
    "engagement.template":                  "---- r--- r--- r--- r--- rwcd ---- ----",
    "engagement.template.estimate.line":    "---- r--- r--- r--- r--- rwcd ---- ----",
    "engagement.status.report":             "---- ---- ---- r--- rwcd rwcd ---- ----",
    "engagement.margin.review":             "---- ---- ---- rwcd r--- rwcd ---- ----",
    "engagement.margin.review.line":        "---- ---- ---- rw-- r--- rw-- ---- ----",
    "engagement.profitability.report":      "---- ---- ---- r--- r--- r--- ---- ----",
    "engagement.create.wizard":             None,
    "engagement.stage.override.wizard":     None,
    "engagement.deliverable.paper.wizard":  None,
    "engagement.deliverable.return.wizard": None,
    "engagement.attention.item":            None,
    "engagement.workload.report":           None,
    "engagement.workload.summary":          None,
    "engagement.portfolio.report":          "---- ---- ---- r--- r--- r--- ---- ----",
    "engagement.burnup.report":             "---- ---- ---- r--- r--- r--- ---- ----",
    "engagement.revenue.forecast":          "---- ---- ---- r--- r--- r--- ---- ----",
    "engagement.rate.card":                 "---- r--- r--- rwcd r--- rwcd ---- ----",
    "engagement.rate.card.line":            "---- r--- r--- rwcd r--- rwcd ---- ----",
    "engagement.estimate":                  "---- ---- ---- r--- rwcd rwcd ---- ----",
    "engagement.estimate.line":             "---- ---- ---- r--- rwcd rwcd ---- ----",
    "engagement.estimate.accuracy.report":  None,
    "engagement.raid.item":                 "---- ---- ---- r--- rwcd rwcd r--- ----",
}

#                                                                      em us le fi ma ad po pu
ACTIONS = {
    "engagement.engagement.action_next_stage":                          "-  x  x  x  x  x  -  -",
    "engagement.engagement.action_move_to_stage [back a stage]":        "-  -  -  -  x  x  -  -",
    "engagement.engagement.action_override_stage":                      "-  -  -  -  -  x  -  -",
    "engagement.engagement.action_refresh_health":                      "-  -  -  x  x  x  -  -",
    "engagement.engagement.action_create_project":                      "-  x  x  x  x  x  -  -",
    "engagement.gate.line.action_confirm [checklist item]":             "-  x  x  x  x  x  -  -",
    "engagement.gate.line.action_confirm [Manager approval]":           "-  -  -  -  x  x  -  -",
    "engagement.gate.line.action_confirm [Finance approval]":           "-  -  -  x  -  x  -  -",
    "engagement.gate.line.action_reset [Manager approval]":             "-  -  -  -  x  x  -  -",
    "engagement.deliverable.action_request_review":                     "-  x  x  x  x  x  -  -",
    "engagement.deliverable.action_review_approve [Legal review]":      "-  -  x  -  -  -  -  -",
    "engagement.deliverable.action_review_approve [Finance review]":    "-  -  -  x  -  x  -  -",
    "engagement.deliverable.action_review_return [Legal review]":       "-  -  x  -  -  -  -  -",
    "engagement.deliverable.action_submit":                             "-  x  x  x  x  x  -  -",
    "engagement.deliverable.action_sign":                               "-  -  -  -  -  -  -  -",
    "engagement.deliverable.action_reject":                             "-  -  -  -  -  -  -  -",
    "engagement.deliverable.action_mark_signed_paper":                  "-  -  -  -  x  x  -  -",
    "engagement.deliverable.action_cancel":                             "-  x  x  x  x  x  -  -",
    "engagement.deliverable.action_new_version":                        "-  x  x  x  x  x  -  -",
    "engagement.change.order.action_submit":                            "-  x  x  x  x  x  -  -",
    "engagement.change.order.action_approve [under the threshold]":     "-  -  -  -  x  x  -  -",
    "engagement.change.order.action_approve [above, manager approved]": "-  -  -  x  -  x  -  -",
    "engagement.change.order.action_reject [under the threshold]":      "-  -  -  -  x  x  -  -",
    "engagement.change.order.action_reject [above the threshold]":      "-  -  -  x  x  x  -  -",
    "engagement.change.order.action_sign":                              "-  -  -  -  -  -  -  -",
    "engagement.change.order.action_upload_countersigned":              "-  -  -  -  x  x  -  -",
    "engagement.change.order.action_apply":                             "-  -  -  -  x  x  -  -",
    "engagement.change.order.action_cancel [draft]":                    "-  x  x  x  x  x  -  -",
    "engagement.change.order.action_cancel [approved]":                 "-  -  -  -  x  x  -  -",
    "engagement.change.order.action_create_compensating":               "-  x  x  x  x  x  -  -",
    "engagement.status.report.action_publish":                          "-  x  x  x  x  x  -  -",
    "engagement.status.report.action_unpublish":                        "-  x  x  x  x  x  -  -",
    "engagement.margin.review.action_start":                            "-  -  -  x  -  x  -  -",
    "engagement.margin.review.action_close":                            "-  -  -  x  -  x  -  -",
    "engagement.margin.review.line.action_approve":                     "-  -  -  x  -  x  -  -",
    "engagement.margin.review.line.action_flag":                        "-  -  -  x  -  x  -  -",
    "engagement.margin.review.line.action_exclude_wip":                 "-  -  -  x  -  x  -  -",
    "engagement.stage.override.wizard.action_override":                 "-  -  -  -  -  x  -  -",
    "engagement.deliverable.paper.wizard.action_confirm":               "-  -  -  -  x  x  -  -",
    "engagement.deliverable.return.wizard.action_confirm":              "-  -  x  -  -  -  -  -",
    "engagement.estimate.action_submit":                                "-  x  x  x  x  x  -  -",
    "engagement.estimate.action_approve [on target]":                   "-  -  -  -  x  x  -  -",
    "engagement.estimate.action_approve [under target, manager approved]": "-  -  -  x  -  x  -  -",
    "engagement.estimate.action_reset_to_draft":                        "-  -  -  x  x  x  -  -",
    "engagement.estimate.action_new_version":                           "-  x  x  x  x  x  -  -",
    "engagement.estimate.action_apply_template":                        "-  x  x  x  x  x  -  -",
    "engagement.estimate.action_print_sow":                             "-  -  -  x  x  x  -  -",
    "engagement.estimate.action_generate_sow":                          "-  -  -  x  x  x  -  -",
}
# fmt: on

# The addon's other action_* methods, and why ACTIONS leaves them out.
NOT_IN_ACTIONS = {
    "engagement.engagement.action_view_burnup": "opens a screen",
    "engagement.portfolio.report.action_open_engagement": "opens a screen",
    "engagement.engagement.action_open_override_wizard": "opens a screen",
    "engagement.engagement.action_view_project": "opens a screen",
    "engagement.engagement.action_view_deliverables": "opens a screen",
    "engagement.engagement.action_view_lead": "opens a screen",
    "engagement.engagement.action_view_change_orders": "opens a screen",
    "engagement.engagement.action_view_sale_orders": "opens a screen",
    "engagement.engagement.action_view_raid_items": "opens a screen",
    "engagement.deliverable.action_preview": "opens a screen",
    "engagement.deliverable.action_open_paper_wizard": "opens a screen",
    "engagement.deliverable.action_open_return_wizard": "opens a screen",
    "engagement.change.order.action_view_sale_order": "opens a screen",
    "engagement.margin.review.action_print": "opens a screen",
    "engagement.margin.review.action_open_wip_schedule": "opens a screen",
    "project.project.action_view_engagement": "opens a screen",
    "sale.order.action_view_engagement": "opens a screen",
    "crm.lead.action_view_engagement": "opens a screen",
    "crm.lead.action_open_create_engagement_wizard": "opens a screen",
    "crm.lead.action_create_engagement": "needs Sales rights on the opportunity",
    "engagement.attention.item.action_open_record": "opens a screen",
    "engagement.create.wizard.action_create": "needs Sales rights on the opportunity",
    "engagement.engagement.action_view_estimates": "opens a screen",
    "engagement.engagement.action_view_estimate_accuracy": "opens a screen",
    "engagement.estimate.action_view_quotations": "opens a screen",
    "engagement.estimate.action_view_sow": "opens a screen",
    "engagement.estimate.action_create_quotation": "needs Sales rights (makes a sales order)",
    "crm.lead.action_view_estimates": "opens a screen",
    "sale.order.action_view_engagement_estimate": "opens a screen",
    "sale.order.action_confirm": "Odoo's confirmation (Sales rights); the addon plans after it",
}


def split_action(key):
    """``(model, method, case)`` of an ACTIONS key; ``case`` is "" when there is none."""
    name, _, case = key.partition(" [")
    model, _, method = name.rpartition(".")
    return model, method, case.rstrip("]")


def expected_actions():
    """{ACTIONS key: {group key: allowed}}."""
    return {
        key: {
            group: cell == "x"
            for (group, _xmlid, _label), cell in zip(GROUPS, row.split(), strict=True)
        }
        for key, row in ACTIONS.items()
    }


def expected(table, model):
    """{group key: {operation: allowed}} for ``model`` in ``table`` (ACL or RECORD)."""
    row = table[model]
    if row is None:
        return None
    row = row.split()
    return {
        key: {
            operation: cell[index] == letter for index, (letter, operation) in enumerate(OPERATIONS)
        }
        for (key, _xmlid, _label), cell in zip(GROUPS, row, strict=True)
    }


def _table(table):
    header = "| model | " + " | ".join(label for _key, _xmlid, label in GROUPS) + " |"
    rule = "| --- |" + " --- |" * len(GROUPS)
    lines = [header, rule]
    for model, row in table.items():
        if row is None:
            continue
        cells = " | ".join(f"`{cell}`" for cell in row.split())
        lines.append(f"| `{model}` | {cells} |")
    return "\n".join(lines)


def _action_table():
    header = "| model | button | " + " | ".join(label for _key, _xmlid, label in GROUPS) + " |"
    rule = "| --- | --- |" + " --- |" * len(GROUPS)
    lines = [header, rule]
    for key, row in ACTIONS.items():
        model, method, case = split_action(key)
        button = f"`{method}` ({case})" if case else f"`{method}`"
        cells = " | ".join(f"`{cell}`" for cell in row.split())
        lines.append(f"| `{model}` | {button} | {cells} |")
    return "\n".join(lines)


def markdown():
    """The README's access-matrix section (everything after its heading)."""
    return f"""
Generated by `scripts/access-matrix --write` from
`engagement_management/tests/access_matrix.py`, the tables the test
`test_engagement_access_matrix` checks through the ORM as a user of each group, and
`test_engagement_access_matrix_rpc` through the JSON-2 API (`/json/2/<model>/<method>`)
with each user's API key (the second and third tables; a refused call must change
nothing; for Public, calls without a key, as anonymous visitors make them, all refused); a
static test refuses a README that differs from them. In the first two tables each cell is read /
write / create / delete (`r`, `w`, `c`, `d`; `-` refused).

**What each group may do with the model** (access rights):

{_table(ACL)}

**On one record of their company, of an engagement they are not a member of** (record
rules on top; the portal user is a contact of that engagement's customer). A member has
the rights of the first table on their engagements' records; a user of another company has
none (see *Companies apart* in the tests):

{_table(RECORD)}

**Each workflow button**, pressed by a member of the engagement (its project manager;
the portal user is a contact of its customer) on a record in the state where the button
applies, so that a refusal is about the group: `x` allowed, `-` refused with an access
error. Nobody signs or rejects for the customer: the customer answers on the portal. A
wizard's button counts its creation by the user. Buttons that only open a screen, and
the opportunity's (they need Sales rights), are left out:

{_action_table()}
"""
