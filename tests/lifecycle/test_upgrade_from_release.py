"""Upgrades from the releases: a database installed from each released version (with its
demo and with records people created) is upgraded to this code; every record survives,
the ``noupdate`` rules and data changed since reach it, and it passes the same access
tests as a fresh database.

The released trees come out of this repository's own history (``git archive``), so the
test needs a clone with history, as CI's is. The releases are tests/emtools/releases.py:
the last one is what companies run today; the first is kept while the run time allows
(each takes about five minutes here).
"""

import configparser
import os
import re
import secrets
import socket
import subprocess
import sys
import tarfile
from io import BytesIO

import psycopg2
import pytest
from lxml import etree

from emtools import paths
from emtools.odoo_db import MODULE, Database, connect_params, run_odoo
from emtools.releases import RELEASES

pytestmark = pytest.mark.live_db

# Records people created on the released code, through its ORM: an engagement with a
# signed deliverable and change orders submitted, approved and applied.
PEOPLES_RECORDS = """
env = env(context=dict(env.context, tracking_disable=False))
customer = env["res.partner"].create({"name": "People's Customer", "is_company": True})
engagement = env["engagement.engagement"].create(
    {"name": "People's engagement", "partner_id": customer.id, "budget_revenue": 1000.0}
)
brd = env["engagement.deliverable"].create({
    "engagement_id": engagement.id, "name": "BRD",
    "type_id": env.ref("engagement_management.engagement_deliverable_type_brd").id,
    "attachment": "JVBERi0xLjQgcGVvcGxl", "attachment_name": "brd.pdf",
})
brd.action_submit()
brd.action_sign("People's signer")
orders = env["engagement.change.order"].create([
    {"engagement_id": engagement.id, "title": title, "revenue_delta": 100.0}
    for title in ("Submitted", "Approved", "Applied")
])
orders.action_submit()
orders[1:].action_approve()
orders[2].action_sign("People's signer")
orders[2].action_apply()
env.cr.commit()
"""
# And with the features of 19.0.1.1.0 (estimates, the RAID log, published status
# reports): an opportunity estimated, approved and converted, a risk, a status report.
LATER_FEATURES = """
admin = env.ref("base.user_admin")
env = env(user=admin, context=dict(env.context, tracking_disable=False))
lead = env["crm.lead"].create({
    "name": "People's opportunity", "type": "opportunity",
    "partner_id": env["res.partner"].search([("name", "=", "People's Customer")]).id,
    "project_manager_id": admin.id, "business_analyst_id": admin.id,
})
estimate = env["engagement.estimate"].create({
    "lead_id": lead.id,
    "rate_card_id": env.ref("engagement_management.engagement_rate_card_demo_standard").id,
    "line_ids": [(0, 0, {
        "phase": "Build", "name": "People's work", "hours": 40.0,
        "role_id": env.ref("engagement_management.project_role_demo_developer").id,
    })],
})
estimate.action_submit()
estimate.action_approve()
converted = env["engagement.engagement"].browse(lead.action_create_engagement()["res_id"])
env["engagement.raid.item"].create({
    "engagement_id": converted.id, "kind": "risk", "name": "People's risk",
    "probability": "4", "impact": "5", "mitigation": "Weekly check with the customer",
})
env["engagement.status.report"].create({
    "engagement_id": converted.id, "summary": "People's status", "health": "amber",
}).action_publish()
env.cr.commit()
"""
# What people made, by release: each release's features get their records.
MADE = {"19.0.1.0.0": PEOPLES_RECORDS, "19.0.1.1.0": PEOPLES_RECORDS + LATER_FEATURES}
# Rows of the addon's default data that an upgrade from a release adds (new noupdate
# records are created by the update).
ADDED_DATA = {
    "19.0.1.0.0": {"engagement_stage_gate": 1},  # Contracting's "Estimate approved" gate
    # The demo's two presales estimates of 19.0.1.2.0, with the lines the demo file gives
    # (the one started from a template is filled by a demo function, which only an
    # install runs).
    "19.0.1.1.0": {"engagement_estimate": 2, "engagement_estimate_line": 3},
}
# Rules 19.0.1.1.0's migration rewrote: a database from 19.0.1.0.0 still has their old
# domain before the upgrade (what makes the check after it mean something).
RULES_19_0_1_1_0 = (
    "engagement_engagement_rule_member",
    "engagement_deliverable_rule_member",
    "engagement_change_order_rule_member",
    "engagement_status_report_rule_member",
    "engagement_gate_line_rule_member",
)
# The access tests a fresh database passes (scripts/test runs them on one).
ACCESS_TESTS = (
    "test_engagement_attacker.py",
    "test_engagement_attacker_http.py",
    "test_engagement_access.py",
    "test_engagement_access_matrix.py",
    "test_engagement_estimate_attacker.py",
    "test_engagement_raid.py",
)


def _current_noupdate_records():
    """``{name: (model, {field: text})}`` of the records in the ``noupdate`` blocks of
    this code's data files (names without the module)."""
    manifest = (paths.ADDON_DIR / "__manifest__.py").read_text()
    records = {}
    for path in re.findall(r'"((?:data|security)/[^"]+\.xml)"', manifest):
        root = etree.parse(str(paths.ADDON_DIR / path)).getroot()
        for block in root.xpath("descendant-or-self::*[@noupdate]"):
            if block.get("noupdate").lower() not in ("1", "true"):
                continue
            for record in block.iter("record"):
                name = record.get("id").removeprefix(f"{MODULE}.")
                if "." in name:
                    continue  # another module's record
                fields = {field.get("name"): field.text for field in record.iter("field")}
                records[name] = (record.get("model"), fields)
    return records


def _released_tree(tmp_path, release):
    """The released addon, extracted from git into ``tmp_path/release``."""
    version, commit = release
    root = paths.REPO_ROOT
    known = subprocess.run(
        ["git", "-C", str(root), "cat-file", "-e", f"{commit}^{{commit}}"], check=False
    )
    assert known.returncode == 0, (
        f"release {version} ({commit}) is not in this clone's history: "
        "the upgrade test needs a clone with history (git fetch --unshallow)"
    )
    archive = subprocess.run(
        ["git", "-C", str(root), "archive", "--format=tar", commit, MODULE],
        capture_output=True,
        check=True,
    ).stdout
    target = tmp_path / "release"
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target


def _config(tmp_path, name, addons_dir):
    """The test run's Odoo config with this addon found in ``addons_dir`` and an own
    data folder and port."""
    parser = configparser.ConfigParser()
    parser.read(os.environ["EM_ODOO_CONFIG"])
    options = parser["options"]
    repo = str(paths.REPO_ROOT)
    addons = [p for p in options["addons_path"].split(",") if os.path.realpath(p) != repo]
    options["addons_path"] = ",".join([*addons, str(addons_dir)])
    options["data_dir"] = str(tmp_path / f"data-{name}")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        options["http_port"] = str(sock.getsockname()[1])
    path = tmp_path / f"{name}.conf"
    with path.open("w") as out:
        parser.write(out)
    return path


@pytest.fixture
def release_db():
    params = connect_params(os.environ["EM_ODOO_CONFIG"])
    name = f"{os.environ['EM_TEST_DB']}_release_{secrets.token_hex(3)}"
    admin = psycopg2.connect(dbname="postgres", **params)
    admin.autocommit = True
    try:
        yield Database(name, params)
    finally:
        with admin.cursor() as cr:
            cr.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _ids(db, tables):
    return {table: {row[0] for row in db.query(f'SELECT id FROM "{table}"')} for table in tables}


def _rule_domain(db, name):
    rows = db.query(
        "SELECT r.domain_force FROM ir_rule r JOIN ir_model_data d ON d.res_id = r.id "
        "AND d.model = 'ir.rule' WHERE d.module = %s AND d.name = %s",
        [MODULE, name],
    )
    return rows[0][0] if rows else None


def _squeeze(text):
    return re.sub(r"\s+", "", text or "")


@pytest.mark.parametrize("release", RELEASES, ids=[version for version, __ in RELEASES])
def test_upgrade_from_a_release_loses_nothing_and_gets_the_new_rules(release, release_db, tmp_path):
    version, __ = release
    db = release_db
    released = _config(tmp_path, "release", _released_tree(tmp_path, release))
    current = _config(tmp_path, "current", paths.REPO_ROOT)

    # 1. The released code, with its demo and records people created.
    run_odoo(
        released, db, tmp_path, "install-release", "-i", MODULE, "--with-demo", "--stop-after-init"
    )
    assert (
        db.query("SELECT latest_version FROM ir_module_module WHERE name = %s", [MODULE])[0][0]
        == version
    )
    run_odoo(released, db, tmp_path, "people", "--no-http", command=("shell",), stdin=MADE[version])
    # The addon's data (its reports are views or queries, and may change shape).
    base_tables = {
        name
        for (name,) in db.query(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
        )
    }
    own = [table for table in db.own_tables() if table in base_tables]
    before = _ids(db, own)
    assert len(before["engagement_change_order"]) >= 3
    if version == "19.0.1.0.0":
        assert "message_partner_ids" in _rule_domain(db, RULES_19_0_1_1_0[0])
    else:
        people = {
            "engagement_estimate": "SELECT state FROM engagement_estimate e JOIN crm_lead l "
            "ON l.id = e.lead_id WHERE l.name = 'People''s opportunity'",
            "engagement_raid_item": "SELECT score::text FROM engagement_raid_item "
            "WHERE name = 'People''s risk'",
            "engagement_status_report": "SELECT is_published::text FROM "
            "engagement_status_report WHERE summary = 'People''s status'",
        }
        assert {table: db.query(sql) for table, sql in people.items()} == {
            "engagement_estimate": [("approved",)],
            "engagement_raid_item": [("20",)],
            "engagement_status_report": [("true",)],
        }

    # 2. Upgraded to this code: every record kept, the changed rules and data arrive.
    run_odoo(current, db, tmp_path, "upgrade", "-u", MODULE, "--stop-after-init")
    assert db.module_state() == "installed"
    after = _ids(db, own)
    lost = {table: sorted(before[table] - after[table]) for table in own}
    assert not any(lost.values()), f"records lost by the upgrade: {lost}"
    added = {table: len(after[table] - before[table]) for table in own}
    expected = {table: ADDED_DATA[version].get(table, 0) for table in own}
    assert added == expected
    if version != "19.0.1.0.0":
        assert {table: db.query(sql) for table, sql in people.items()} == {
            "engagement_estimate": [("approved",)],
            "engagement_raid_item": [("20",)],
            "engagement_status_report": [("true",)],
        }
    # Revenue recognition arrived: the engagements that were there keep the progress
    # rule their figures (and closed reviews) were made with; new ones are cost-to-cost.
    # The company on the generic chart has the journal and accounts an install gives.
    assert db.query("SELECT DISTINCT recognition_method FROM engagement_engagement") == [("hours",)]
    assert db.query(
        "SELECT bool_and(engagement_wip_journal_id IS NOT NULL "
        "AND engagement_unbilled_account_id IS NOT NULL "
        "AND engagement_deferred_account_id IS NOT NULL "
        "AND engagement_revenue_adjustment_account_id IS NOT NULL) FROM res_company "
        "WHERE chart_template = 'generic_coa' AND parent_id IS NULL"
    ) == [(True,)]
    # Every noupdate record of this code's data files is in the database, and every
    # record rule has the domain its data file gives it now (a rule changed since the
    # release without a migration would keep its old one).
    xmlids = {
        name for (name,) in db.query("SELECT name FROM ir_model_data WHERE module = %s", [MODULE])
    }
    records = _current_noupdate_records()
    assert not set(records) - xmlids, sorted(set(records) - xmlids)
    stale = {
        name: _rule_domain(db, name)
        for name, (model, fields) in records.items()
        if model == "ir.rule"
        and _squeeze(_rule_domain(db, name)) != _squeeze(fields.get("domain_force"))
    }
    assert not stale, f"rules whose domain did not reach the upgraded database: {stale}"
    assert db.query(
        "SELECT g.gate_type FROM engagement_stage_gate g JOIN ir_model_data d ON "
        "d.res_id = g.id AND d.model = 'engagement.stage.gate' WHERE d.module = %s "
        "AND d.name = 'engagement_stage_gate_contracting_estimate'",
        [MODULE],
    ) == [("estimate_approved",)]
    assert not db.query(
        "SELECT d.name FROM ir_model_data d WHERE d.module = %s AND d.name = ANY(%s) "
        "AND NOT d.noupdate",
        [MODULE, sorted(records)],
    ), "records of noupdate blocks must stay noupdate after the upgrade"
    assert db.query(
        "SELECT bool_and(internal) FROM mail_message_subtype s JOIN ir_model_data d ON "
        "d.res_id = s.id AND d.model = 'mail.message.subtype' WHERE d.module = %s",
        [MODULE],
    )[0][0]
    # What the customer was sent (approved, signed, applied) is still theirs to see;
    # what was only submitted inside is not.
    sent = dict(
        db.query(
            "SELECT title, sent_on IS NOT NULL FROM engagement_change_order "
            "WHERE title IN ('Submitted', 'Approved', 'Applied')"
        )
    )
    assert sent == {"Submitted": False, "Approved": True, "Applied": True}

    # 3. The same access tests as on a fresh database.
    tests = paths.ADDON_DIR / "tests"
    junit = tmp_path / "access.xml"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "pytest_odoo",
            "--import-mode=prepend",
            "-p",
            "no:cacheprovider",
            "--odoo-config",
            str(current),
            "--odoo-database",
            db.name,
            "--odoo-http",
            "--junitxml",
            str(junit),
            "-q",
            *(str(tests / name) for name in ACCESS_TESTS),
        ],
        capture_output=True,
        text=True,
        cwd=paths.REPO_ROOT,
        timeout=1200,
        check=False,
    )
    summary = done.stdout.strip().splitlines()[-1:] or ["(no output)"]
    assert done.returncode == 0, f"access tests on the upgraded database: {done.stdout[-6000:]}"
    assert " passed" in summary[0] and "skipped" not in summary[0], summary[0]
