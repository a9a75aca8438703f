"""A scratch database of the lifecycle tests, and Odoo run on it in a subprocess."""

import configparser
import os
import subprocess
import sys
from pathlib import Path

import psycopg2

from emtools import paths

MODULE = "engagement_management"
# Demo rows a parent record of the addon owns (see Database.unowned_ids).
PARENTS = {
    "sale_order_line": ("order_id", "sale_order"),
    "project_task": ("project_id", "project_project"),
}


def connect_params(config_path):
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


def run_odoo(config, db, tmp_dir, label, *args, command=(), stdin=None):
    """Run odoo with ``config`` on ``db``; fail on a non-zero exit or a warning/error in
    its log (``stdin``: what ``odoo shell`` reads)."""
    log = Path(tmp_dir) / f"{label}.log"
    with log.open("w") as out:
        done = subprocess.run(
            [sys.executable, "-m", "odoo", *command, "-c", str(config), "-d", db.name, *args],
            input=stdin,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=tmp_dir,
            timeout=1800,
            check=False,
        )
    text = log.read_text(errors="replace")
    assert done.returncode == 0, f"odoo {label} exited {done.returncode}:\n{text[-4000:]}"
    with log.open(errors="replace") as fh:
        problems = paths.load_script("_testlib.py").install_log_problems(fh)
    assert not problems, f"odoo {label}: warnings/errors in {log}:\n" + "\n".join(problems)
