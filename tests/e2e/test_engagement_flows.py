"""The engagement's main flows, end to end, as each group of users meets them over RPC.

One test per flow, each on records of its own, each call made as the plain user the story
names (``login_as``), never as a superuser. A refusal must name what is missing and
change nothing, so each refusal is followed by a read showing the record as it was.

Flows still to add when their features land (same helpers):
- the customer signs a deliverable over RPC (portal user in PEOPLE; the browser tour
  test_engagement_tours.py covers the portal page).
"""

import base64

import pytest

from emtools.rpc import expect_refusal

ENGAGEMENT = "engagement.engagement"
GATE_LINE = "engagement.gate.line"
CHANGE_ORDER = "engagement.change.order"
PROFITABILITY = "engagement.profitability.report"


def convert(client, lead_id):
    """``crm.lead.action_create_engagement`` as ``client``; returns the engagement's id."""
    action = client.call("crm.lead", "action_create_engagement", [lead_id])
    assert action["res_model"] == ENGAGEMENT, action
    return action["res_id"]


def stage_of(client, engagement_id):
    return client.read_one(ENGAGEMENT, engagement_id, ["stage_id"])["stage_id"][0]


def sign_statement_of_work(manager, legal, engagement_id, ref):
    """The SOW goes through Legal's review to the customer, who signs it in person: the
    manager files the countersigned copy (nobody inside signs for the customer)."""
    sow = manager.call(
        "engagement.deliverable",
        "create",
        {
            "name": "Statement of Work",
            "engagement_id": engagement_id,
            "type_id": ref("engagement_management.engagement_deliverable_type_sow"),
            "attachment": base64.b64encode(b"%PDF-1.4 SOW").decode(),
            "attachment_name": "sow.pdf",
        },
    )
    manager.call("engagement.deliverable", "action_request_review", [sow])
    legal.call("engagement.deliverable", "action_review_approve", [sow])
    manager.call("engagement.deliverable", "action_submit", [sow])
    with expect_refusal("Only the customer answers", kind="AccessError"):
        manager.call("engagement.deliverable", "action_sign", [sow], "Nora Northwind")
    manager.call(
        "engagement.deliverable",
        "action_mark_signed_paper",
        [sow],
        base64.b64encode(b"%PDF-1.4 SOW countersigned").decode(),
        "sow-signed.pdf",
        "Nora Northwind",
    )
    return sow


def chatter(client, engagement_id, subtype):
    return client.call(
        "mail.message",
        "search_read",
        [("model", "=", ENGAGEMENT), ("res_id", "=", engagement_id), ("subtype_id", "=", subtype)],
        fields=["body", "author_id", "date"],
        order="id",
    )


def test_sales_converts_an_opportunity_with_its_pm_and_ba(
    login_as, people, stage, customer, new_opportunity
):
    sales = login_as("sales")
    lead = new_opportunity(expected_revenue=84000.0)

    engagement_id = convert(sales, lead)

    engagement = sales.read_one(
        ENGAGEMENT,
        engagement_id,
        [
            "code",
            "lead_id",
            "partner_id",
            "sales_user_id",
            "project_manager_id",
            "business_analyst_id",
            "stage_id",
        ],
    )
    assert engagement["code"] and engagement["code"] != "/"
    assert engagement["lead_id"][0] == lead
    assert engagement["partner_id"][0] == customer
    assert engagement["sales_user_id"][0] == people["sales"]
    assert engagement["project_manager_id"][0] == people["pm"]
    assert engagement["business_analyst_id"][0] == people["ba"]
    assert engagement["stage_id"][0] == stage["presales"]

    # One engagement per opportunity: a second conversion is refused by name.
    with expect_refusal("already has an engagement", kind="UserError"):
        sales.call("crm.lead", "action_create_engagement", [lead])
    assert sales.call(ENGAGEMENT, "search_count", [("lead_id", "=", lead)]) == 1

    # The PM and BA named in presales find it among their engagements.
    for person in ("pm", "ba"):
        assert login_as(person).call(ENGAGEMENT, "search", [("lead_id", "=", lead)]) == [
            engagement_id
        ]
    # The sold figure is handed over as the baseline, which finance reads.
    finance = login_as("finance")
    assert finance.read_one(ENGAGEMENT, engagement_id, ["budget_revenue"])["budget_revenue"] == (
        84000.0
    )


def test_manager_moves_stages_and_is_refused_where_gates_fail(
    login_as, people, stage, ref, new_opportunity
):
    sales = login_as("sales")
    manager = login_as("manager", via="jsonrpc")
    engagement_id = convert(sales, new_opportunity(business_analyst_id=False))

    # Contracting needs a BA: the refusal names it, and only it, and nothing moved.
    with expect_refusal("Contracting", "Business Analyst is not set", kind="UserError") as refusal:
        manager.call(ENGAGEMENT, "action_move_to_stage", [engagement_id], stage["contracting"])
    assert "Project Manager is not set" not in refusal.message
    assert stage_of(manager, engagement_id) == stage["presales"]

    manager.call(ENGAGEMENT, "write", [engagement_id], {"business_analyst_id": people["ba"]})
    # The last gate of Contracting: the BA's estimate, approved by the manager.
    with expect_refusal("the estimate of the PM and BA is not approved", kind="UserError"):
        manager.call(ENGAGEMENT, "action_move_to_stage", [engagement_id], stage["contracting"])
    ba = login_as("ba")
    estimate_id = ba.call(
        "engagement.estimate",
        "create",
        {
            "engagement_id": engagement_id,
            "line_ids": [
                (
                    0,
                    0,
                    {
                        "phase": "Build",
                        "name": "Configuration",
                        "role_id": ref("engagement_management.project_role_demo_developer"),
                        "hours": 40.0,
                    },
                )
            ],
        },
    )
    ba.call("engagement.estimate", "action_submit", [estimate_id])
    manager.call("engagement.estimate", "action_approve", [estimate_id])
    manager.call(ENGAGEMENT, "action_move_to_stage", [engagement_id], stage["contracting"])
    assert stage_of(manager, engagement_id) == stage["contracting"]

    # Skipping ahead checks every stage on the way; a plain write is the same path.
    missing_for_execution = (
        "Statement of Work signed by the customer",
        "Start Date is not set",
        "Business Requirements Document signed by the customer",
        "End Date is not set",
        "Project is not set",
        "Kick-off approved",
    )
    with expect_refusal(*missing_for_execution, kind="UserError"):
        manager.call(ENGAGEMENT, "action_move_to_stage", [engagement_id], stage["execution"])
    with expect_refusal(*missing_for_execution, kind="UserError"):
        manager.call(ENGAGEMENT, "write", [engagement_id], {"stage_id": stage["execution"]})
    assert stage_of(manager, engagement_id) == stage["contracting"]

    # Meeting Requirements' gates opens it, through the Next Stage button's method.
    sign_statement_of_work(manager, login_as("legal"), engagement_id, ref)
    manager.call(ENGAGEMENT, "write", [engagement_id], {"date_start": "2026-01-05"})
    manager.call(ENGAGEMENT, "action_next_stage", [engagement_id])
    assert stage_of(manager, engagement_id) == stage["requirements"]

    # Only managers move an engagement back; its salesperson is refused.
    with expect_refusal("Only engagement managers", kind="AccessError"):
        sales.call(ENGAGEMENT, "action_move_to_stage", [engagement_id], stage["presales"])
    assert stage_of(manager, engagement_id) == stage["requirements"]
    manager.call(ENGAGEMENT, "action_move_to_stage", [engagement_id], stage["contracting"])
    assert stage_of(manager, engagement_id) == stage["contracting"]

    # Every change is in the chatter, by whoever made it.
    moves = chatter(manager, engagement_id, ref("engagement_management.mt_engagement_stage"))
    assert len(moves) == 3, moves
    assert {message["author_id"][0] for message in moves} == {
        manager.read_one("res.users", manager.uid, ["partner_id"])["partner_id"][0]
    }


@pytest.mark.parametrize("via", ["xmlrpc", "jsonrpc", "web"])
def test_a_refused_move_names_what_is_missing_over_every_protocol(
    login_as, stage, new_opportunity, via
):
    sales = login_as("sales")
    engagement_id = convert(sales, new_opportunity(project_manager_id=False))
    manager = login_as("manager", via=via)

    with expect_refusal("Project Manager is not set", kind="UserError"):
        manager.call(ENGAGEMENT, "action_move_to_stage", [engagement_id], stage["contracting"])
    with expect_refusal("Project Manager is not set", kind="UserError"):
        manager.call(ENGAGEMENT, "write", [engagement_id], {"stage_id": stage["contracting"]})

    assert stage_of(manager, engagement_id) == stage["presales"]


def test_override_needs_an_administrator_and_a_reason(login_as, stage, ref, new_opportunity):
    engagement_id = convert(login_as("sales"), new_opportunity())
    manager = login_as("manager", via="web")
    admin = login_as("admin", via="web")
    reason = "SOW signed on paper at the steering committee; scan to follow"

    with expect_refusal("Only engagement administrators", kind="AccessError"):
        manager.call(
            ENGAGEMENT, "action_override_stage", [engagement_id], stage["planning"], reason
        )
    with expect_refusal("needs a reason", kind="UserError"):
        admin.call(ENGAGEMENT, "action_override_stage", [engagement_id], stage["planning"], "  ")
    assert stage_of(admin, engagement_id) == stage["presales"]
    override = ref("engagement_management.mt_engagement_gate_override")
    assert not chatter(admin, engagement_id, override)

    admin.call(ENGAGEMENT, "action_override_stage", [engagement_id], stage["planning"], reason)

    assert stage_of(admin, engagement_id) == stage["planning"]
    (logged,) = chatter(admin, engagement_id, override)
    for text in (reason, "Adam Admin", "Presales", "Planning", "Start Date is not set"):
        assert text in logged["body"], (text, logged["body"])


def test_finance_reads_the_financial_figures_a_plain_user_is_refused_them(
    login_as, admin, new_opportunity
):
    figures = ["budget_revenue", "budget_cost", "target_margin_pct", "revised_revenue"]
    figures += ["revised_cost", "revenue_contracted"]
    finance = login_as("finance", via="jsonrpc")

    # Finance reads every engagement of the company with its figures (the demo's too).
    rows = finance.call(ENGAGEMENT, "search_read", [], fields=["name", *figures])
    assert len(rows) >= 10, rows
    assert any(row["budget_revenue"] > 0 for row in rows)
    # The revised revenue is the baseline plus the applied change orders (the demo's).
    applied = {}
    for order in admin.call(
        CHANGE_ORDER,
        "search_read",
        [("state", "=", "applied")],
        fields=["engagement_id", "revenue_delta"],
    ):
        engagement = order["engagement_id"][0]
        applied[engagement] = applied.get(engagement, 0.0) + order["revenue_delta"]
    for row in rows:
        assert row["revised_revenue"] == pytest.approx(
            row["budget_revenue"] + applied.get(row["id"], 0.0)
        ), row

    # The PM reads their engagement, but not its money.
    engagement_id = convert(login_as("sales"), new_opportunity())
    for via in ("xmlrpc", "jsonrpc", "web"):
        pm = login_as("pm", via=via)
        assert pm.read_one(ENGAGEMENT, engagement_id, ["name"])["name"]
        # The revised hours and end date (the Change Orders tab) are the PM's to read.
        assert pm.read_one(ENGAGEMENT, engagement_id, ["revised_hours", "revised_date_end"])
        with expect_refusal("budget_revenue", kind="AccessError"):
            pm.call(ENGAGEMENT, "read", [engagement_id], ["name", "budget_revenue"])
        with expect_refusal("revenue_contracted", kind="AccessError"):
            pm.call(
                ENGAGEMENT,
                "search_read",
                [("id", "=", engagement_id)],
                fields=["revenue_contracted"],
            )
        with expect_refusal("budget_cost", kind="AccessError"):
            pm.call(ENGAGEMENT, "write", [engagement_id], {"budget_cost": 1.0})

    # Finance reads it all, and edits none of it.
    with expect_refusal(kind="AccessError"):
        finance.call(ENGAGEMENT, "write", [rows[0]["id"]], {"budget_cost": 1.0})
    assert finance.read_one(ENGAGEMENT, rows[0]["id"], ["budget_cost"]) == {
        "id": rows[0]["id"],
        "budget_cost": rows[0]["budget_cost"],
    }


def test_a_user_without_engagement_rights_is_refused_engagements(
    login_as, admin, people, customer, new_opportunity
):
    engagement_id = convert(login_as("sales"), new_opportunity())
    for via in ("xmlrpc", "jsonrpc", "web"):
        employee = login_as("employee", via=via)
        with expect_refusal("engagement.engagement", kind="AccessError"):
            employee.call(ENGAGEMENT, "search_read", [], fields=["name"])
        with expect_refusal("engagement.engagement", kind="AccessError"):
            employee.call(ENGAGEMENT, "read", [engagement_id], ["name"])
        with expect_refusal("engagement.engagement", kind="AccessError"):
            employee.call(ENGAGEMENT, "create", {"name": "Rogue", "partner_id": customer})
        with expect_refusal(kind="AccessError"):
            employee.call(GATE_LINE, "search_read", [], fields=["state"])
    assert admin.call(ENGAGEMENT, "search_count", [("name", "=", "Rogue")]) == 0

    # An engagement user sees the engagements they belong to, not the others.
    other = admin.call(
        ENGAGEMENT, "search", [("project_manager_id", "!=", people["pm"])], limit=1, order="id"
    )
    assert other, "the demo database has engagements"
    pm = login_as("pm")
    assert pm.call(ENGAGEMENT, "search", [("id", "=", other[0])]) == []
    with expect_refusal(kind="AccessError"):
        pm.call(ENGAGEMENT, "read", other, ["name"])


def test_pm_raises_a_change_order_a_manager_approves_it(login_as, people, new_opportunity):
    engagement_id = convert(login_as("sales"), new_opportunity(expected_revenue=60000.0))
    pm = login_as("pm", via="jsonrpc")
    manager = login_as("manager")
    finance = login_as("finance")
    # Billed on time and materials: applying it revises the budget, no sales order line.
    manager.call(ENGAGEMENT, "write", [engagement_id], {"billing_type": "time_materials"})

    # The PM of the engagement raises the change and submits it.
    order_id = pm.call(
        CHANGE_ORDER,
        "create",
        {
            "engagement_id": engagement_id,
            "title": "Add the returns warehouse",
            "category": "scope",
            "reason": "The customer opened a returns site in March.",
            "revenue_delta": 6000.0,
            "cost_delta": 3500.0,
            "hours_delta": 40.0,
        },
    )
    pm.call(CHANGE_ORDER, "action_submit", [order_id])
    order = pm.read_one(CHANGE_ORDER, order_id, ["name", "state", "submitted_by_id"])
    assert order["name"] and order["name"] != "/"
    assert order["state"] == "submitted"
    assert order["submitted_by_id"][0] == people["pm"]

    # The PM cannot approve their own change: the refusal says who approves, nothing moved.
    with expect_refusal("Only engagement managers", "approve", kind="AccessError"):
        pm.call(CHANGE_ORDER, "action_approve", [order_id])
    assert pm.read_one(CHANGE_ORDER, order_id, ["state"])["state"] == "submitted"
    # ... nor write the approval in by hand.
    with expect_refusal(kind="UserError"):
        pm.call(CHANGE_ORDER, "write", [order_id], {"state": "approved"})
    assert pm.read_one(CHANGE_ORDER, order_id, ["state"])["state"] == "submitted"

    # Below the Finance threshold, the engagement manager's approval is enough.
    manager.call(CHANGE_ORDER, "action_approve", [order_id])
    order = manager.read_one(
        CHANGE_ORDER, order_id, ["state", "manager_approved_by_id", "manager_approved_on"]
    )
    assert order["state"] == "approved"
    assert order["manager_approved_by_id"][0] == people["manager"]
    assert order["manager_approved_on"]
    logged = manager.call(
        "mail.message",
        "search_read",
        [("model", "=", CHANGE_ORDER), ("res_id", "=", order_id)],
        fields=["body"],
    )
    assert any("Approved by Mona Manager" in message["body"] for message in logged), logged

    # Approved is not applied: the revised budget moves once signed and applied.
    figures = ["budget_revenue", "revised_revenue", "budget_cost", "revised_cost"]
    assert finance.read_one(ENGAGEMENT, engagement_id, figures) == {
        "id": engagement_id,
        "budget_revenue": 60000.0,
        "revised_revenue": 60000.0,
        "budget_cost": 0.0,
        "revised_cost": 0.0,
    }
    # Signed in person: the manager files the countersigned copy; signing for the
    # customer over RPC is refused.
    with expect_refusal("Only the customer answers", kind="AccessError"):
        manager.call(CHANGE_ORDER, "action_sign", [order_id], "Nora Northwind")
    manager.call(
        CHANGE_ORDER,
        "write",
        [order_id],
        {
            "countersigned_file": base64.b64encode(b"%PDF-1.4 signed change").decode(),
            "countersigned_filename": "change-signed.pdf",
        },
    )
    manager.call(CHANGE_ORDER, "action_upload_countersigned", [order_id], "Nora Northwind")
    manager.call(CHANGE_ORDER, "action_apply", [order_id])
    assert manager.read_one(CHANGE_ORDER, order_id, ["state"])["state"] == "applied"
    assert finance.read_one(ENGAGEMENT, engagement_id, figures) == {
        "id": engagement_id,
        "budget_revenue": 60000.0,
        "revised_revenue": 66000.0,
        "budget_cost": 0.0,
        "revised_cost": 3500.0,
    }


def test_finance_reads_the_profitability_report_a_plain_user_is_refused_it(login_as):
    measures = ["revenue:sum", "cost:sum", "margin:sum"]
    for via in ("xmlrpc", "jsonrpc", "web"):
        finance = login_as("finance", via=via)
        rows = finance.call(
            PROFITABILITY,
            "search_read",
            [],
            fields=["engagement_id", "kind", "revenue", "cost", "margin"],
        )
        # The demo's engagements have invoiced revenue and booked cost.
        assert rows, "the demo database has profitability lines"
        assert any(row["revenue"] > 0 for row in rows)
        assert any(row["cost"] > 0 for row in rows)
        for row in rows:
            assert round(row["revenue"] - row["cost"], 2) == round(row["margin"], 2), row

        # The pivot's query: per engagement manager, the sums match the lines.
        groups = finance.call(PROFITABILITY, "formatted_read_group", [], ["user_id"], measures)
        assert groups
        total = sum(group["margin:sum"] for group in groups)
        assert round(total, 2) == round(sum(row["margin"] for row in rows), 2)

        for person in ("pm", "employee"):
            plain = login_as(person, via=via)
            with expect_refusal(PROFITABILITY, kind="AccessError"):
                plain.call(PROFITABILITY, "search_read", [], fields=["margin"])
            with expect_refusal(PROFITABILITY, kind="AccessError"):
                plain.call(PROFITABILITY, "formatted_read_group", [], ["user_id"], measures)
