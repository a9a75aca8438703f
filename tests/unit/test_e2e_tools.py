"""The end-to-end suites' own tools, without a server: they must fail loudly, never pass
by accident (a refusal helper that accepts a crash would hide a bug)."""

import pytest

from emtools import odoo_server
from emtools.rpc import Refused, ServerCrash, expect_refusal


def test_settings_without_scripts_test_env_say_how_to_run():
    with pytest.raises(odoo_server.ServerSetupError, match="scripts/test") as error:
        odoo_server.Settings.from_env({})
    assert "EM_TEST_DB" in str(error.value)


def test_settings_read_the_database_connection_from_the_odoo_config(tmp_path):
    config = tmp_path / "odoo.conf"
    config.write_text(
        "[options]\ndb_host = db.example\ndb_port = 5433\ndb_user = odoo\n"
        f"db_password = False\ndata_dir = {tmp_path}\n"
    )
    settings = odoo_server.Settings.from_env(
        {"EM_TEST_DB": "em_test_x", "EM_ODOO_CONFIG": str(config), "EM_ADDONS_PATH": "/a"}
    )
    env = settings.pg_env()
    assert (env["PGHOST"], env["PGPORT"], env["PGUSER"]) == ("db.example", "5433", "odoo")
    assert env.get("PGPASSWORD") != "False"
    assert settings.filestore("em_test_x") == tmp_path / "filestore" / "em_test_x"


def test_log_errors_keeps_errors_with_their_traceback_and_ignores_warnings(tmp_path):
    log = tmp_path / "odoo.log"
    log.write_text(
        "2026-01-01 10:00:00,001 1 INFO db odoo.modules: loaded\n"
        "2026-01-01 10:00:00,002 1 WARNING db odoo.http: refused, as it should\n"
        "2026-01-01 10:00:00,003 1 ERROR db odoo.http: boom\n"
        "Traceback (most recent call last):\n"
        "ValueError: bad\n"
        "2026-01-01 10:00:00,004 1 INFO db odoo.modules: still fine\n"
    )
    (error,) = odoo_server.log_errors(log)
    assert "boom" in error and "ValueError: bad" in error and "still fine" not in error
    assert odoo_server.log_errors(tmp_path / "missing.log") == []


def test_expect_refusal_accepts_a_refusal_naming_every_text():
    with expect_refusal("Business Analyst", kind="UserError") as refusal:
        raise Refused("UserError", "Still missing: Business Analyst is not set")
    assert refusal.kind == "UserError"


@pytest.mark.parametrize(
    "raised, match",
    [
        (None, "the call succeeded"),
        (Refused("UserError", "Project Manager is not set"), "does not name"),
        (Refused("AccessError", "Business Analyst"), "refused with AccessError"),
    ],
)
def test_expect_refusal_fails_on_success_wrong_text_or_kind(raised, match):
    with pytest.raises(AssertionError, match=match):
        with expect_refusal("Business Analyst", kind="UserError"):
            if raised:
                raise raised


def test_expect_refusal_lets_a_crash_through():
    with pytest.raises(ServerCrash):
        with expect_refusal("anything"):
            raise ServerCrash("Traceback: KeyError")


def test_free_port_prefers_the_given_one_when_free():
    port = odoo_server.free_port()
    assert odoo_server.free_port(port) == port
