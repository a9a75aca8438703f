"""Upgrade from the last release: a database installed from the released code (with its
demo and with records people created) is upgraded to this code; every record survives,
the ``noupdate`` rules and data changed since reach it, and it passes the same attacker
tests as a fresh database.

The released tree comes out of this repository's own history (``git archive``), so the
test needs a clone with history, as CI's is.
"""

import configparser
import os
import secrets
import socket
import subprocess
import sys
import tarfile
from io import BytesIO

import psycopg2
import pytest

from emtools import paths
from emtools.odoo_db import MODULE, Database, connect_params, run_odoo

pytestmark = pytest.mark.live_db

# The last release: 19.0.1.0.0, the code before the integrity fixes of 19.0.1.1.0.
RELEASE = ("19.0.1.0.0", "0ca55484c0d0929e0dc56a472c3cbde1b571a6f5")
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
# Default records of later features that the upgrade adds to the released data.
ADDED_DATA = {"engagement_stage_gate": 1}  # Contracting's "Estimate approved" gate
CHANGED_RULES = (
    "engagement_engagement_rule_member",
    "engagement_deliverable_rule_member",
    "engagement_change_order_rule_member",
    "engagement_status_report_rule_member",
    "engagement_gate_line_rule_member",
)


def _released_tree(tmp_path):
    """The released addon, extracted from git into ``tmp_path/release``."""
    version, commit = RELEASE
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


@pytest.fixture(scope="module")
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


def test_upgrade_from_the_last_release_loses_nothing_and_gets_the_new_rules(release_db, tmp_path):
    db = release_db
    released = _config(tmp_path, "release", _released_tree(tmp_path))
    current = _config(tmp_path, "current", paths.REPO_ROOT)

    # 1. The released code, with its demo and records people created.
    run_odoo(
        released, db, tmp_path, "install-release", "-i", MODULE, "--with-demo", "--stop-after-init"
    )
    assert (
        db.query("SELECT latest_version FROM ir_module_module WHERE name = %s", [MODULE])[0][0]
        == RELEASE[0]
    )
    run_odoo(
        released, db, tmp_path, "people", "--no-http", command=("shell",), stdin=PEOPLES_RECORDS
    )
    # The addon's data (its reports are views or queries, and may change shape).
    base_tables = {
        name
        for (name,) in db.query(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
        )
    }
    own = [table for table in db.own_tables() if table in base_tables]
    before = db.counts(own)
    assert before["engagement_change_order"] >= 3
    old_rule = db.query(
        "SELECT r.domain_force FROM ir_rule r JOIN ir_model_data d ON d.res_id = r.id "
        "AND d.model = 'ir.rule' WHERE d.module = %s AND d.name = %s",
        [MODULE, CHANGED_RULES[0]],
    )[0][0]
    assert "message_partner_ids" in old_rule

    # 2. Upgraded to this code: nothing lost, the changed rules and data arrive.
    run_odoo(current, db, tmp_path, "upgrade", "-u", MODULE, "--stop-after-init")
    assert db.module_state() == "installed"
    after = db.counts(own)
    expected = {table: count + ADDED_DATA.get(table, 0) for table, count in before.items()}
    assert {table: after[table] for table in before} == expected
    assert db.query(
        "SELECT g.gate_type FROM engagement_stage_gate g JOIN ir_model_data d ON "
        "d.res_id = g.id AND d.model = 'engagement.stage.gate' WHERE d.module = %s "
        "AND d.name = 'engagement_stage_gate_contracting_estimate'",
        [MODULE],
    ) == [("estimate_approved",)]
    rules = dict(
        db.query(
            "SELECT d.name, r.domain_force FROM ir_rule r JOIN ir_model_data d ON "
            "d.res_id = r.id AND d.model = 'ir.rule' WHERE d.module = %s AND d.noupdate",
            [MODULE],
        )
    )
    for name in CHANGED_RULES:
        assert "message_partner_ids" not in rules[name], name
        follower = name.replace("_member", "_follower")
        assert "message_partner_ids" in rules[follower], follower
    assert "sent_on" in rules["engagement_change_order_rule_portal"]
    assert "submitted_on" in rules["engagement_deliverable_rule_portal"]
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

    # 3. The same attacker tests as on a fresh database.
    tests = paths.ADDON_DIR / "tests"
    junit = tmp_path / "attacker.xml"
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
            str(tests / "test_engagement_attacker.py"),
            str(tests / "test_engagement_attacker_http.py"),
        ],
        capture_output=True,
        text=True,
        cwd=paths.REPO_ROOT,
        timeout=1200,
        check=False,
    )
    summary = done.stdout.strip().splitlines()[-1:] or ["(no output)"]
    assert done.returncode == 0, f"attacker tests on the upgraded database: {done.stdout[-6000:]}"
    assert " passed" in summary[0] and "skipped" not in summary[0], summary[0]
