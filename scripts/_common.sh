# shellcheck shell=bash
# Shared helpers for scripts/bootstrap, scripts/run and scripts/test.
# Sourced, not executed. Everything here locates an existing Odoo 19 install;
# nothing here installs Odoo (see README for Odoo's official sources).

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ADDON_NAME="engagement_management"
PYTHON="${PYTHON:-python3}"
LOCAL_DIR="$REPO_ROOT/.local"

# Odoo refuses the `postgres` role and the local socket may not be set up for
# root, so default to TCP on localhost as the `root` role. Exported so that
# Odoo (which reads PG* env vars), psql, createdb and dropdb agree.
export PGHOST="${PGHOST:-127.0.0.1}"
export PGPORT="${PGPORT:-5432}"
export PGUSER="${PGUSER:-root}"
export PGPASSWORD="${PGPASSWORD:-}"

log() { printf '[%s] %s\n' "$(basename "$0")" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

odoo_install_help() {
    cat >&2 <<'HELP'
Odoo 19.0 is required but `python3 -c "import odoo"` does not find it (or finds
another version). This project does not ship or install Odoo. Install it from
Odoo's official sources, for example:

    git clone --depth 1 --branch 19.0 https://github.com/odoo/odoo.git ~/odoo19
    python3 -m pip install -r ~/odoo19/requirements.txt
    python3 -m pip install -e ~/odoo19

or use the official 19.0 nightly packages (https://nightly.odoo.com).
Then re-run this command. To use extra addon folders set ODOO_ADDONS_PATH.
HELP
}

# Prints the directory of the `odoo` package (Odoo 19 may be a namespace
# package, so odoo.__file__ can be None). Fails if Odoo 19 isn't importable.
odoo_package_dir() {
    (cd / && "$PYTHON" - <<'PY'
import os, sys
try:
    import odoo, odoo.release as release
except Exception:
    sys.exit(1)
if release.version_info[0] != 19:
    sys.exit(2)
path = os.path.dirname(odoo.__file__) if getattr(odoo, "__file__", None) else list(odoo.__path__)[0]
print(os.path.realpath(path))
PY
    )
}

require_odoo() {
    ODOO_DIR="$(odoo_package_dir)" || { odoo_install_help; return 1; }
    export ODOO_DIR
}

# ODOO_ADDONS_PATH wins when set; otherwise Odoo's own two addons folders.
# The repo root (holding engagement_management/) is always added.
addons_path() {
    local paths=()
    if [[ -n "${ODOO_ADDONS_PATH:-}" ]]; then
        IFS=',' read -r -a paths <<<"$ODOO_ADDONS_PATH"
    else
        local parent_addons
        parent_addons="$(dirname "$ODOO_DIR")/addons"
        [[ -d "$parent_addons" ]] && paths+=("$parent_addons")
        [[ -d "$ODOO_DIR/addons" ]] && paths+=("$ODOO_DIR/addons")
    fi
    local p seen=0
    for p in "${paths[@]}"; do
        [[ "$(realpath -m "$p")" == "$REPO_ROOT" ]] && seen=1
    done
    ((seen)) || paths+=("$REPO_ROOT")
    local IFS=','
    echo "${paths[*]}"
}

# write_config FILE DATA_DIR HTTP_PORT: an Odoo config file for this checkout.
write_config() {
    local file="$1" data_dir="$2" http_port="$3"
    mkdir -p "$(dirname "$file")" "$data_dir"
    cat >"$file" <<CFG
[options]
addons_path = $(addons_path)
data_dir = $data_dir
db_host = $PGHOST
db_port = $PGPORT
db_user = $PGUSER
http_interface = 127.0.0.1
http_port = $http_port
admin_passwd = admin
workers = 0
CFG
    # Odoo also reads PGPASSWORD itself; only write it when there is one.
    if [[ -n "$PGPASSWORD" ]]; then
        printf 'db_password = %s\n' "$PGPASSWORD" >>"$file"
    fi
}

psql_q() { psql -X -v ON_ERROR_STOP=1 -d "${2:-postgres}" -Atc "$1"; }

db_exists() {
    [[ "$(psql_q "SELECT 1 FROM pg_database WHERE datname = '$1'")" == 1 ]]
}

# Prints the state of module $2 (default: the addon) in database $1 (empty if the db has
# no Odoo or no such module).
module_state() {
    psql_q "SELECT state FROM ir_module_module WHERE name = '${2:-$ADDON_NAME}'" "$1" 2>/dev/null || true
}

# Odoo's own modules that the addon extends: scripts/test runs their test suites with the
# addon installed, to show that Odoo's own users see no difference.
ODOO_SUITE_MODULES=(crm sale_crm sale_project sale_timesheet project_account)

# Prints the folder of Odoo's addons path that holds module $1.
module_dir() {
    local p IFS=','
    for p in $(addons_path); do
        [[ -f "$p/$1/__manifest__.py" ]] && { realpath "$p/$1"; return 0; }
    done
    return 1
}

odoo_cmd() { "$PYTHON" -m odoo "$@"; }
