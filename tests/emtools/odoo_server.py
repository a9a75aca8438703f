"""A real Odoo server on a scratch copy of the test database, for the end-to-end suites.

No odoo import: the server is a subprocess (``python3 -m odoo``), driven over HTTP.

    with scratch_server(settings) as server:
        server.url, server.db

The scratch database is a copy of ``$EM_TEST_DB`` (``createdb -T``: the module and its
demo data are already there), with its filestore. When the copy is refused (a connection
is still open on the template), the module is installed afresh with demo data instead.
Whatever happens, the server's process group is stopped and the database and filestore
are dropped on the way out.
"""

import configparser
import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from . import paths

ENV_HELP = (
    "The end-to-end suites need the database and Odoo config that scripts/test prepares "
    "(EM_TEST_DB, EM_ODOO_CONFIG, EM_ADDONS_PATH). Run them through `scripts/test` "
    "(e.g. `scripts/test --only outside -k e2e`), not with a bare `pytest tests/e2e`."
)
START_TIMEOUT = 300  # a cold registry load on 2 shared cores takes ~30 s; installs far more
STOP_TIMEOUT = 30


class ServerSetupError(RuntimeError):
    """The scratch database or server could not be prepared (message says why)."""


@dataclass(frozen=True)
class Settings:
    template_db: str
    config: Path
    addons_path: str
    http_port: int | None
    workdir: Path

    @classmethod
    def from_env(cls, environ=None):
        """Read scripts/test's env vars; ``ServerSetupError`` naming what is missing."""
        environ = os.environ if environ is None else environ
        missing = [
            name
            for name in ("EM_TEST_DB", "EM_ODOO_CONFIG", "EM_ADDONS_PATH")
            if not environ.get(name)
        ]
        if missing:
            raise ServerSetupError(f"{', '.join(missing)} not set. {ENV_HELP}")
        config = Path(environ["EM_ODOO_CONFIG"])
        if not config.is_file():
            raise ServerSetupError(f"EM_ODOO_CONFIG={config} does not exist. {ENV_HELP}")
        port = environ.get("EM_TEST_HTTP_PORT")
        workdir = environ.get("EM_TEST_WORKDIR") or tempfile.gettempdir()
        return cls(
            template_db=environ["EM_TEST_DB"],
            config=config,
            addons_path=environ["EM_ADDONS_PATH"],
            http_port=int(port) if port else None,
            workdir=Path(workdir),
        )

    def odoo_options(self):
        parser = configparser.ConfigParser(interpolation=None)
        parser.read(self.config)
        return dict(parser["options"]) if parser.has_section("options") else {}

    def pg_env(self):
        """libpq env (createdb/dropdb) pointing where the Odoo config points."""
        options = self.odoo_options()
        env = dict(os.environ)
        for option, var in (
            ("db_host", "PGHOST"),
            ("db_port", "PGPORT"),
            ("db_user", "PGUSER"),
            ("db_password", "PGPASSWORD"),
        ):
            value = options.get(option)
            if value and value.lower() not in ("false", "none"):
                env[var] = value
        return env

    def filestore(self, db):
        data_dir = self.odoo_options().get("data_dir")
        return Path(data_dir) / "filestore" / db if data_dir else None


def port_is_free(port):
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port(preferred=None):
    if preferred and port_is_free(preferred):
        return preferred
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OdooServer:
    def __init__(self, settings, db, port, log_path):
        self.settings = settings
        self.db = db
        self.port = port
        self.log_path = log_path
        self.url = f"http://127.0.0.1:{port}"
        self.process = None

    def odoo_cmd(self, *args):
        return [
            sys.executable,
            "-m",
            "odoo",
            "-c",
            str(self.settings.config),
            "--addons-path",
            self.settings.addons_path,
            "-d",
            self.db,
            *args,
        ]

    def start(self, workers=0):
        """Serve on ``self.port``: threaded (``workers=0``), or preforked with that many
        HTTP workers and a longpolling worker on a free port of its own."""
        cmd = self.odoo_cmd(
            "--http-port",
            str(self.port),
            "--http-interface",
            "127.0.0.1",
            "--db-filter",
            f"^{self.db}$",
            "--max-cron-threads",
            "0",
            "--workers",
            str(workers),
            "--logfile",
            str(self.log_path),
        )
        if workers:
            cmd += ["--gevent-port", str(free_port())]
        # Own process group, so that stopping it stops whatever Odoo spawned too.
        self.process = subprocess.Popen(
            cmd,
            cwd=tempfile.gettempdir(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=self.settings.pg_env(),
        )
        self.wait_ready()

    def wait_ready(self, timeout=START_TIMEOUT):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerSetupError(
                    f"odoo exited with status {self.process.returncode} before serving "
                    f"{self.url}; last log lines:\n{self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(f"{self.url}/web/login", timeout=10) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.5)
        raise ServerSetupError(
            f"{self.url}/web/login did not answer within {timeout} s; last log lines:\n"
            f"{self.log_tail()}"
        )

    def stop(self):
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        for sig, wait in ((signal.SIGTERM, STOP_TIMEOUT), (signal.SIGKILL, 10)):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, sig)
            try:
                process.wait(wait)
                return
            except subprocess.TimeoutExpired:
                continue

    def log_tail(self, lines=40):
        try:
            text = Path(self.log_path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])


def log_errors(log_path):
    """The ERROR/CRITICAL records of an Odoo log, each with its traceback."""
    try:
        with open(log_path, encoding="utf-8", errors="replace") as fh:
            records = list(paths.load_script("_testlib.py").log_records(fh))
    except OSError:
        return []
    return [text.rstrip("\n") for level, text in records if level in ("ERROR", "CRITICAL")]


def _run(cmd, settings, timeout=600):
    return subprocess.run(
        cmd,
        env=settings.pg_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=tempfile.gettempdir(),
    )


def create_scratch_db(settings, db, log_path):
    """Copy the template (module + demo installed); else install afresh. Returns how."""
    attempts = []
    for _ in range(3):
        result = _run(["createdb", "-T", settings.template_db, db], settings)
        if result.returncode == 0:
            source = settings.filestore(settings.template_db)
            target = settings.filestore(db)
            if source and source.is_dir():
                shutil.copytree(source, target)
            return "copy"
        attempts.append(result.stderr.strip())
        if "being accessed by other users" not in result.stderr:
            break
        time.sleep(2)
    # The template is busy (or missing): install the module with its demo data.
    install = OdooServer(settings, db, 0, log_path).odoo_cmd(
        "-i",
        paths.ADDON_NAME,
        "--with-demo",
        "--stop-after-init",
        "--max-cron-threads",
        "0",
        "--logfile",
        str(log_path),
    )
    result = _run(install, settings, timeout=1800)
    if result.returncode != 0:
        raise ServerSetupError(
            f"createdb -T {settings.template_db} {db} failed ({'; '.join(attempts)}), and so "
            f"did installing {paths.ADDON_NAME} afresh (exit {result.returncode}); see {log_path}"
        )
    return "install"


def drop_scratch_db(settings, db):
    result = _run(["dropdb", "--if-exists", "--force", db], settings)
    target = settings.filestore(db)
    if target and target.is_dir():
        shutil.rmtree(target, ignore_errors=True)
    if result.returncode != 0:
        raise ServerSetupError(f"dropdb {db} failed: {result.stderr.strip()}")


@contextlib.contextmanager
def scratch_server(settings):
    """Yield a started ``OdooServer`` on a scratch copy; always stop it and drop the copy."""
    db = f"{settings.template_db}_e2e_{secrets.token_hex(3)}"
    settings.workdir.mkdir(parents=True, exist_ok=True)
    log_path = settings.workdir / f"{db}.log"
    server = OdooServer(settings, db, free_port(settings.http_port), log_path)
    try:
        server.created_by = create_scratch_db(settings, db, log_path)
        server.start()
        yield server
    finally:
        try:
            server.stop()
        finally:
            drop_scratch_db(settings, db)
