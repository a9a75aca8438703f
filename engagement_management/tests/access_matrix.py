"""Who may do what: the one table behind the access-matrix test and the README.

Plain Python, no Odoo import, so ``scripts/access-matrix`` and the static test of
tests/static can load it by path. Each cell is four letters, in the order
read / write / create / delete (``r``, ``w``, ``c``, ``d``; ``-`` when refused).

- ``ACL``: what the group may do with the model at all (``ir.model.access``).
- ``RECORD``: what it may do with one record of its own company belonging to an
  engagement it is NOT a member of (record rules on top of the ACL). The portal
  user is a contact of that engagement's customer. ``None``: no sample record
  (wizards are transient and only their ACL matters; the PMO's SQL views show each
  user their own rows, which tests/test_engagement_portfolio.py checks).
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
    "engagement.status.report":             "---- rwc- rwc- rwc- rwcd rwcd ---- ----",
    "engagement.margin.review":             "---- ---- ---- rwcd r--- rwcd ---- ----",
    "engagement.margin.review.line":        "---- ---- ---- rwc- r--- rwc- ---- ----",
    "engagement.profitability.report":      "---- ---- ---- r--- r--- r--- ---- ----",
    "engagement.create.wizard":             "---- rwc- rwc- rwc- rwc- rwc- ---- ----",
    "engagement.stage.override.wizard":     "---- ---- ---- ---- ---- rwc- ---- ----",
    "engagement.deliverable.paper.wizard":  "---- ---- ---- ---- rwc- rwc- ---- ----",
    "engagement.deliverable.return.wizard": "---- rwc- rwc- rwc- rwc- rwc- ---- ----",
    "engagement.attention.item":            "---- r--- r--- r--- r--- r--- ---- ----",
    "engagement.workload.report":           "---- r--- r--- r--- r--- r--- ---- ----",
    "engagement.workload.summary":          "---- r--- r--- r--- r--- r--- ---- ----",
    "engagement.portfolio":                 "---- ---- ---- rwc- rwc- rwc- ---- ----",
}

RECORD = {
    "engagement.engagement":                "---- ---- r--- r--- rwcd rwcd r--- ----",
    "engagement.stage":                     "---- r--- r--- r--- r--- rwcd ---- ----",
    "engagement.stage.gate":                "---- r--- r--- r--- r--- rwcd ---- ----",
    "engagement.gate.line":                 "---- ---- ---- r--- r--- rwcd ---- ----",
    "engagement.deliverable.type":          "---- r--- r--- r--- r--- rwcd r--- ----",
    "engagement.deliverable":               "---- ---- r--- r--- rwcd rwcd r--- ----",
    "engagement.change.order":              "---- ---- ---- r--- rwcd rwcd r--- ----",
    "engagement.template":                  "---- r--- r--- r--- r--- rwcd ---- ----",
    "engagement.status.report":             "---- ---- ---- r--- rwcd rwcd ---- ----",
    "engagement.margin.review":             "---- ---- ---- rwcd r--- rwcd ---- ----",
    "engagement.margin.review.line":        "---- ---- ---- rwc- r--- rwc- ---- ----",
    "engagement.profitability.report":      "---- ---- ---- r--- r--- r--- ---- ----",
    "engagement.create.wizard":             None,
    "engagement.stage.override.wizard":     None,
    "engagement.deliverable.paper.wizard":  None,
    "engagement.deliverable.return.wizard": None,
    "engagement.attention.item":            None,
    "engagement.workload.report":           None,
    "engagement.workload.summary":          None,
    "engagement.portfolio":                 None,
}
# fmt: on


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


def markdown():
    """The README's access-matrix section (everything after its heading)."""
    return f"""
Generated by `scripts/access-matrix --write` from
`engagement_management/tests/access_matrix.py`, the table the test
`test_engagement_access_matrix` checks through the ORM as a user of each group; a static
test refuses a README that differs from it. Each cell is read / write / create / delete
(`r`, `w`, `c`, `d`; `-` refused).

**What each group may do with the model** (access rights):

{_table(ACL)}

**On one record of their company, of an engagement they are not a member of** (record
rules on top; the portal user is a contact of that engagement's customer). A member has
the rights of the first table on their engagements' records; a user of another company has
none (see *Companies apart* in the tests):

{_table(RECORD)}
"""
