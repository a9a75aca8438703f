"""Static checks of an Odoo 19 addon, as plain functions returning problems.

Each check returns a list of human-readable problem strings (empty = fine), so
the tests can both assert on the real addon and prove, on synthetic bad input,
that a check really catches what it claims to. No odoo import here.
"""

import ast
import csv
import io
import re
import subprocess
import sys
from pathlib import Path

from lxml import etree

# --- manifest -------------------------------------------------------------

REQUIRED_MANIFEST_KEYS = (
    "name",
    "summary",
    "version",
    "license",
    "author",
    "website",
    "category",
    "depends",
    "data",
    "demo",
    "installable",
    "application",
    "maintainers",
    "development_status",
)
REQUIRED_DEPENDS = (
    "crm",
    "sale_project",
    "sale_timesheet",
    "project_account",
    "portal",
    "rating",
    "mail",
)
VERSION_RE = re.compile(r"^19\.0\.\d+\.\d+\.\d+$")
DATA_DIRS = ("views", "security", "data", "demo", "report", "wizard")
DATA_SUFFIXES = (".xml", ".csv")


def read_manifest(path):
    """Parse a __manifest__.py without executing it."""
    return ast.literal_eval(Path(path).read_text(encoding="utf-8"))


def manifest_problems(manifest):
    problems = [f"missing key {key!r}" for key in REQUIRED_MANIFEST_KEYS if key not in manifest]
    version = manifest.get("version", "")
    if "version" in manifest and not VERSION_RE.match(str(version)):
        problems.append(f"version {version!r} does not match {VERSION_RE.pattern}")
    if "license" in manifest and manifest["license"] != "LGPL-3":
        problems.append(f"license {manifest['license']!r} is not 'LGPL-3'")
    depends = manifest.get("depends", [])
    problems += [f"depends lacks {dep!r}" for dep in REQUIRED_DEPENDS if dep not in depends]
    for key in ("installable", "application"):
        if key in manifest and manifest[key] is not True:
            problems.append(f"{key} is {manifest[key]!r}, expected True")
    for key in ("name", "summary", "author", "website", "category", "development_status"):
        if key in manifest and not (isinstance(manifest[key], str) and manifest[key].strip()):
            problems.append(f"{key} must be a non-empty string")
    for key in ("data", "demo", "depends", "maintainers"):
        if key in manifest and not isinstance(manifest[key], list):
            problems.append(f"{key} must be a list")
    if "maintainers" in manifest and not manifest["maintainers"]:
        problems.append("maintainers is empty")
    return problems


def manifest_files(manifest):
    """(relative path, section) for every data then demo file, in load order."""
    return [(f, "data") for f in manifest.get("data", [])] + [
        (f, "demo") for f in manifest.get("demo", [])
    ]


def manifest_file_problems(addon_dir, manifest):
    """Listed files that don't exist; data-ish files on disk that aren't listed."""
    addon_dir = Path(addon_dir)
    listed = [f for f, _ in manifest_files(manifest)]
    problems = [f"listed but missing: {f}" for f in listed if not (addon_dir / f).is_file()]
    seen = set()
    for f in listed:
        if f in seen:
            problems.append(f"listed twice: {f}")
        seen.add(f)
    for folder in DATA_DIRS:
        for path in sorted((addon_dir / folder).rglob("*")):
            rel = path.relative_to(addon_dir).as_posix()
            if path.suffix in DATA_SUFFIXES and path.is_file() and rel not in seen:
                problems.append(f"not listed in the manifest: {rel}")
    return problems


# --- XML: Odoo 19 syntax --------------------------------------------------

XPATH_TREE_RE = re.compile(r"(^|/)tree(\[|/|$)")


def parse_xml(source):
    """lxml tree from a path or bytes; raises etree.XMLSyntaxError."""
    parser = etree.XMLParser(remove_comments=True)
    if isinstance(source, bytes):
        return etree.fromstring(source, parser).getroottree()
    return etree.parse(str(source), parser)


def xml_syntax_problems(tree):
    """Pre-19 syntax: <tree>, attrs=, states=, groups_id, view_mode tree."""
    problems = []
    for el in tree.iter(etree.Element):
        where = f"line {el.sourceline}"
        if el.tag == "tree":
            problems.append(f"{where}: <tree> (Odoo 19 uses <list>)")
        if "attrs" in el.attrib:
            problems.append(f"{where}: attrs= (use invisible/readonly/required expressions)")
        if "states" in el.attrib:
            problems.append(f"{where}: states= (use an invisible expression)")
        if el.tag == "field" and el.get("name") == "groups_id":
            problems.append(f"{where}: field groups_id (it is group_ids in Odoo 19)")
        if el.tag == "field" and el.get("name") == "view_mode" and "tree" in (el.text or ""):
            problems.append(f"{where}: view_mode contains 'tree' (use 'list')")
        if el.tag == "xpath" and XPATH_TREE_RE.search(el.get("expr", "")):
            problems.append(f"{where}: xpath on tree {el.get('expr')!r} (use list)")
    return problems


# --- XML: ids and references in load order --------------------------------

REF_CALL_RE = re.compile(r"""\bref\(\s*['"]([\w.]+)['"]\s*\)""")
PERCENT_REF_RE = re.compile(r"%\(([\w.]+)\)d")
DATA_CONTAINERS = ("odoo", "openerp", "data")
# Modules an addon depending on crm/sale_project/... can reference with a prefix.
KNOWN_MODULES = frozenset(
    {
        "base",
        "web",
        "mail",
        "crm",
        "sale",
        "sale_management",
        "sale_project",
        "sale_timesheet",
        "project",
        "project_account",
        "hr_timesheet",
        "account",
        "analytic",
        "portal",
        "rating",
        "product",
        "uom",
        "hr",
        "resource",
        "utm",
        "sales_team",
        "contacts",
        "digest",
        "calendar",
        "engagement_management",
    }
)


def _data_elements(tree):
    """Top-level data elements (record, template, menuitem, ...) in order."""
    root = tree.getroot()
    if root.tag not in DATA_CONTAINERS:
        return
    for el in root:
        if not isinstance(el.tag, str):
            continue
        if el.tag == "data":
            yield from (c for c in el if isinstance(c.tag, str))
        else:
            yield el


def _groups_refs(value):
    return [g.strip().lstrip("!") for g in (value or "").split(",") if g.strip()]


def _element_refs(el):
    """(line, kind, ref) the loader resolves while loading element `el`."""
    refs = []

    def add(node, kind, values):
        refs.extend((node.sourceline, kind, v) for v in values if v)

    def add_eval(node, attr):
        add(node, f"{attr}=ref()", REF_CALL_RE.findall(node.get(attr, "")))

    def scan_arch(node):
        for sub in node.iter(etree.Element):
            add(sub, "groups", _groups_refs(sub.get("groups")))
            for value in list(sub.attrib.values()) + [sub.text or ""]:
                add(sub, "%()d", PERCENT_REF_RE.findall(value))

    if el.tag == "record":
        for field in el.findall("field"):
            add(field, "ref", [field.get("ref")])
            add_eval(field, "eval")
            add_eval(field, "search")
            if field.get("type") in ("xml", "html") or field.get("name") == "arch":
                scan_arch(field)
    elif el.tag == "template":
        add(el, "inherit_id", [el.get("inherit_id")])
        add(el, "groups", _groups_refs(el.get("groups")))
        scan_arch(el)
    elif el.tag == "menuitem":
        add(el, "parent", [el.get("parent")])
        add(el, "action", [el.get("action")])
        add(el, "groups", _groups_refs(el.get("groups")))
    elif el.tag == "function":
        for node in el.iter(etree.Element):
            add_eval(node, "eval")
    elif el.tag == "delete":
        add(el, "id", [el.get("id")])
        add_eval(el, "search")
    return refs


def _element_ids(el):
    ids = []
    if el.tag in ("record", "template", "menuitem") and el.get("id"):
        ids.append(el.get("id"))
    if el.tag == "menuitem":  # nested menus
        for sub in el.iter("menuitem"):
            if sub is not el and sub.get("id"):
                ids.append(sub.get("id"))
    return ids


def csv_ids(path_or_text):
    text = (
        path_or_text
        if isinstance(path_or_text, str)
        else Path(path_or_text).read_text(encoding="utf-8")
    )
    rows = list(csv.DictReader(io.StringIO(text)))
    return [row["id"] for row in rows if row.get("id")]


def reference_problems(files, module, depends, model_names=()):
    """Check refs of `files` [(label, tree-or-csv-text-or-path)] in load order.

    An unprefixed id (or `<module>.id`) must be defined earlier in load order;
    `model_<x>` ids of the module's own models exist before any data loads,
    and `field_*` ids are generated by the ORM. A prefixed id must name the
    module itself, a dependency or a module those depend on.
    """
    allowed_modules = set(depends) | KNOWN_MODULES | {module}
    defined = {"model_" + name.replace(".", "_") for name in model_names}
    problems = []

    def check(label, line, kind, ref):
        mod, _, local = ref.rpartition(".")
        if mod and mod != module:
            if mod not in allowed_modules:
                problems.append(
                    f"{label}:{line}: {kind} {ref!r}: module {mod!r} is not a dependency"
                )
            return
        if local in defined or local.startswith("field_"):
            return
        problems.append(f"{label}:{line}: {kind} {ref!r} is not defined earlier in load order")

    for label, content in files:
        if label.endswith(".csv"):
            defined.update(i.rpartition(".")[2] for i in csv_ids(content))
            continue
        for el in _data_elements(content):
            for line, kind, ref in _element_refs(el):
                check(label, line, kind, ref)
            defined.update(i.rpartition(".")[2] for i in _element_ids(el))
    return problems


# --- CSV -------------------------------------------------------------------

ACCESS_HEADER = [
    "id",
    "name",
    "model_id:id",
    "group_id:id",
    "perm_read",
    "perm_write",
    "perm_create",
    "perm_unlink",
]


def csv_problems(text, is_access_file=False):
    problems = []
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        return [f"does not parse: {exc}"]
    if not rows or not rows[0]:
        return ["empty or no header"]
    header = rows[0]
    for number, row in enumerate(rows[1:], start=2):
        if row and len(row) != len(header):
            problems.append(f"line {number}: {len(row)} columns, header has {len(header)}")
    if "id" in header:
        ids = [row[header.index("id")] for row in rows[1:] if len(row) == len(header)]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        problems += [f"duplicate id {i!r}" for i in dupes]
    if is_access_file:
        if header != ACCESS_HEADER:
            problems.append(f"header {header} is not {ACCESS_HEADER}")
            return problems
        for number, row in enumerate(rows[1:], start=2):
            if len(row) != len(header):
                continue
            if not row[0] or not row[2]:
                problems.append(f"line {number}: empty id or model_id:id")
            for value in row[4:]:
                if value not in ("0", "1"):
                    problems.append(f"line {number}: permission {value!r} is not 0 or 1")
    return problems


# --- models and access -----------------------------------------------------

MODEL_BASES = ("Model", "TransientModel", "AbstractModel")


def _base_kind(class_def):
    for base in class_def.bases:
        name = base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", None)
        if name in MODEL_BASES:
            return name
    return "Model"


def _const_strings(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (ast.List, ast.Tuple)):
        return [e.value for e in node.elts if isinstance(e, ast.Constant)]
    return []


def declared_models(source):
    """[(model name, base kind)] for classes that create a model (`_name`)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ClassDef):
            continue
        attrs = {}
        for stmt in node.body:
            if isinstance(stmt, ast.Assign):
                for target in stmt.targets:
                    if isinstance(target, ast.Name):
                        attrs[target.id] = stmt.value
        names = _const_strings(attrs["_name"]) if "_name" in attrs else []
        if not names:
            continue
        inherits = _const_strings(attrs["_inherit"]) if "_inherit" in attrs else []
        if names[0] in inherits:  # re-declaring an existing model
            continue
        found.append((names[0], _base_kind(node)))
    return found


def access_model_ids(text, module):
    ids = set()
    for row in csv.DictReader(io.StringIO(text)):
        model = (row.get("model_id:id") or "").strip()
        mod, _, local = model.rpartition(".")
        if mod in ("", module):
            ids.add(local)
    return ids


def missing_access_problems(models, access_ids):
    """Concrete models (not AbstractModel) with no ir.model.access line."""
    return [
        f"{name} ({kind}) has no line in security/ir.model.access.csv "
        f"(model_id:id model_{name.replace('.', '_')})"
        for name, kind in models
        if kind != "AbstractModel" and "model_" + name.replace(".", "_") not in access_ids
    ]


# --- pylint-odoo -----------------------------------------------------------


def run_pylint(target, rcfile, cwd=None):
    """(exit status, output) of pylint with the project's rcfile on `target`."""
    proc = subprocess.run(
        [sys.executable, "-m", "pylint", f"--rcfile={rcfile}", str(target)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=900,
        check=False,
    )
    return proc.returncode, (proc.stdout + proc.stderr).strip()
