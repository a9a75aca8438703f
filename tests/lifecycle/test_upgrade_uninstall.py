"""Upgrade in place, uninstall and reinstall, on a copy of the database scripts/test
installed with the demo data: nothing is lost, core records survive the uninstall.

Runs odoo in subprocesses on a copy (CREATE DATABASE ... TEMPLATE), dropped at the end.
"""

import os
import secrets

import psycopg2
import pytest

from emtools.odoo_db import MODULE, Database, connect_params, run_odoo

pytestmark = pytest.mark.live_db

# The demo engagement whose records the test turns into records people created (no XML
# id): it has an applied change order billed on its sales order and signed deliverables
# of the types that name a review group, the references that used to hold back the
# customer and the Legal group at uninstall.
PEOPLES_ENGAGEMENT = "engagement_demo_brightwater_billing"
CORE_TABLES = (
    "res_partner",
    "crm_lead",
    "sale_order",
    "sale_order_line",
    "project_project",
    "project_task",
    "account_move",
    "account_analytic_line",
)


@pytest.fixture(scope="module")
def copy_db():
    source, config = os.environ["EM_TEST_DB"], os.environ["EM_ODOO_CONFIG"]
    params = connect_params(config)
    name = f"{source}_life_{secrets.token_hex(3)}"
    admin = psycopg2.connect(dbname="postgres", **params)
    admin.autocommit = True
    with admin.cursor() as cr:
        cr.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
    try:
        yield Database(name, params)
    finally:
        with admin.cursor() as cr:
            cr.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _odoo(db, tmp_dir, label, *args, command=()):
    run_odoo(os.environ["EM_ODOO_CONFIG"], db, tmp_dir, label, *args, command=command)


def test_upgrade_keeps_every_record_uninstall_keeps_core_reinstall_works(copy_db, tmp_path):
    db = copy_db
    assert db.module_state() == "installed"
    own = db.own_tables()
    assert "engagement_engagement" in own and "engagement_change_order" in own
    before = db.counts(own + list(CORE_TABLES))
    assert before["engagement_engagement"] >= 10, "the demo data is expected in EM_TEST_DB"
    core_ids = {table: db.unowned_ids(table) for table in CORE_TABLES}
    xmlids = db.query("SELECT count(*) FROM ir_model_data WHERE module = %s", [MODULE])[0][0]

    # 1. Upgrade in place: every record, of the addon and of the core, is still there.
    _odoo(db, tmp_path, "upgrade", "-u", MODULE, "--stop-after-init")
    assert db.module_state() == "installed"
    assert db.counts(own + list(CORE_TABLES)) == before
    assert db.query("SELECT count(*) FROM ir_model_data WHERE module = %s", [MODULE])[0][0] == (
        xmlids
    )

    # 2. Uninstall, over demo records and over records people created (no XML id) that
    # point to the demo customer, the deliverable types and, through them, the Legal group.
    assert db.forget_xmlids_of_engagement(PEOPLES_ENGAGEMENT) >= 5
    assert db.module_columns_on_other_tables(), "expected engagement_* columns on core tables"
    assert db.module_indexes_on_other_tables(), "expected the analytic line index"
    _odoo(db, tmp_path, "uninstall", MODULE, command=("module", "uninstall"))
    assert db.module_state() == "uninstalled"
    # Its own go: tables, models, the columns it added to core tables, and every record
    # of its data files (groups, demo customers, menus...): no XML id of it remains.
    for table in own:
        assert not db.table_exists(table), f"{table} left behind"
    assert not db.query("SELECT 1 FROM ir_model WHERE model LIKE 'engagement.%%' LIMIT 1")
    assert not db.module_columns_on_other_tables()
    assert not db.module_indexes_on_other_tables()
    leftovers = db.query(
        "SELECT model, name FROM ir_model_data WHERE module = %s ORDER BY model, name", [MODULE]
    )
    assert not leftovers, f"uninstall left records of its data files behind: {leftovers}"
    # The core records it did not create stay.
    for table, ids in core_ids.items():
        assert ids <= db.unowned_ids(table), f"uninstall deleted rows of {table}"

    # 3. Reinstall: clean, and the core untouched.
    _odoo(db, tmp_path, "reinstall", "-i", MODULE, "--stop-after-init")
    assert db.module_state() == "installed"
    for table, ids in core_ids.items():
        assert ids <= db.unowned_ids(table), f"reinstall deleted rows of {table}"
    assert db.counts(["engagement_stage"])["engagement_stage"] >= 9
