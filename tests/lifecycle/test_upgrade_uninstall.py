"""Upgrade in place, uninstall and reinstall, on a copy of the database scripts/test
installed with the demo data: nothing is lost, core records survive the uninstall.

Runs odoo in subprocesses on a copy (CREATE DATABASE ... TEMPLATE), dropped at the end.
"""

import configparser
import os
import secrets
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest

from emtools import paths

pytestmark = pytest.mark.live_db

MODULE = "engagement_management"
# The demo engagement whose records the test turns into records people created (no XML
# id): it has an applied change order billed on its sales order and signed deliverables
# of the types that name a review group, the references that used to hold back the
# customer and the Legal group at uninstall.
PEOPLES_ENGAGEMENT = "engagement_demo_brightwater_billing"
PARENTS = {
    "sale_order_line": ("order_id", "sale_order"),
    "project_task": ("project_id", "project_project"),
}
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


def _connect_params(config_path):
    parser = configparser.ConfigParser()
    parser.read(config_path)
    options = parser["options"]
    params = {
        "host": options.get("db_host") or os.environ.get("PGHOST") or None,
        "port": options.get("db_port") or os.environ.get("PGPORT") or None,
        "user": options.get("db_user") or os.environ.get("PGUSER") or None,
        "password": options.get("db_password") or os.environ.get("PGPASSWORD") or None,
    }
    return {key: value for key, value in params.items() if value and value != "False"}


class Database:
    def __init__(self, name, params):
        self.name, self.params = name, params

    def query(self, sql, args=None):
        with psycopg2.connect(dbname=self.name, **self.params) as conn, conn.cursor() as cr:
            cr.execute(sql, args)
            return cr.fetchall()

    def module_state(self):
        rows = self.query("SELECT state FROM ir_module_module WHERE name = %s", [MODULE])
        return rows[0][0] if rows else None

    def own_tables(self):
        """Tables and views of the addon's models (engagement.*), from the registry data."""
        rows = self.query(
            "SELECT m.model FROM ir_model m JOIN ir_model_data d "
            "ON d.model = 'ir.model' AND d.res_id = m.id AND d.module = %s "
            "WHERE m.model LIKE 'engagement.%%' AND NOT m.transient",
            [MODULE],
        )
        names = sorted(model.replace(".", "_") for (model,) in rows)
        existing = {
            name
            for (name,) in self.query(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
            )
        }
        return [name for name in names if name in existing]

    def counts(self, tables):
        return {table: self.query(f'SELECT count(*) FROM "{table}"')[0][0] for table in tables}

    def unowned_ids(self, table):
        """Ids of ``table``'s rows that no data file of the addon created (nor their
        parent record: the lines of a demo order belong to that order)."""
        model = table.replace("_", ".")
        sql = (
            f'SELECT id FROM "{table}" WHERE id NOT IN (SELECT res_id FROM ir_model_data '
            "WHERE module = %s AND model = %s)"
        )
        args = [MODULE, model]
        if table in PARENTS:
            column, parent = PARENTS[table]
            sql += (
                f' AND ("{column}" IS NULL OR "{column}" NOT IN (SELECT res_id FROM '
                "ir_model_data WHERE module = %s AND model = %s))"
            )
            args += [MODULE, parent.replace("_", ".")]
        return {row_id for (row_id,) in self.query(sql, args)}

    def table_exists(self, table):
        return bool(self.query("SELECT to_regclass(%s)", [table])[0][0])

    def execute(self, sql, args=None):
        with psycopg2.connect(dbname=self.name, **self.params) as conn, conn.cursor() as cr:
            cr.execute(sql, args)
            return cr.rowcount

    def forget_xmlids_of_engagement(self, name):
        """Drop the XML ids of a demo engagement and of its records: from then on they
        are records people created, which Odoo's uninstall does not delete one by one."""
        engagement = self.query(
            "SELECT res_id FROM ir_model_data WHERE module = %s AND name = %s", [MODULE, name]
        )[0][0]
        children = {
            "engagement.deliverable": "engagement_deliverable",
            "engagement.change.order": "engagement_change_order",
            "engagement.status.report": "engagement_status_report",
        }
        forgotten = self.execute(
            "DELETE FROM ir_model_data WHERE module = %s AND model = 'engagement.engagement' "
            "AND res_id = %s",
            [MODULE, engagement],
        )
        for model, table in children.items():
            forgotten += self.execute(
                f"DELETE FROM ir_model_data WHERE module = %s AND model = %s AND res_id IN "
                f'(SELECT id FROM "{table}" WHERE engagement_id = %s)',
                [MODULE, model, engagement],
            )
        return forgotten

    def module_columns_on_other_tables(self):
        """Columns the addon added to other modules' tables (all named engagement_*)."""
        return self.query(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND column_name LIKE 'engagement%%' "
            "AND table_name NOT LIKE 'engagement%%'"
        )

    def module_indexes_on_other_tables(self):
        """Indexes the addon declared on other modules' tables (named *engagement*)."""
        return self.query(
            "SELECT tablename, indexname FROM pg_indexes WHERE schemaname = 'public' "
            "AND indexname LIKE '%%engagement%%' AND tablename NOT LIKE 'engagement%%'"
        )


@pytest.fixture(scope="module")
def copy_db():
    source, config = os.environ["EM_TEST_DB"], os.environ["EM_ODOO_CONFIG"]
    params = _connect_params(config)
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
    """Run odoo on ``db``; fail on a non-zero exit or a warning/error in its log."""
    log = Path(tmp_dir) / f"{label}.log"
    with log.open("w") as out:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "odoo",
                *command,
                "-c",
                os.environ["EM_ODOO_CONFIG"],
                "-d",
                db.name,
                *args,
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=tmp_dir,
            timeout=1800,
            check=False,
        )
    text = log.read_text(errors="replace")
    assert done.returncode == 0, f"odoo {label} exited {done.returncode}:\n{text[-4000:]}"
    with log.open(errors="replace") as fh:
        problems = paths.load_script("_testlib.py").install_log_problems(fh)
    assert not problems, f"odoo {label}: warnings/errors in {log}:\n" + "\n".join(problems)


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
