"""Helpers for scripts/test: judge an Odoo install log and pytest JUnit reports, and
compare a run of Odoo's own suites with the list of their known failures.

Kept in Python rather than bash because both jobs are parsing: multi-line log
records and XML. Standard library only, so it works before bootstrap has run.
"""

import re
import sys
import xml.etree.ElementTree as ET

# Odoo's log format: "2025-01-31 12:00:00,123 4242 WARNING dbname logger: msg"
RECORD_RE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) (?P<db>\S+) (?P<rest>.*)$"
)
# A record is "about the module" if it names the addon or one of its models.
OURS_RE = re.compile(r"engagement_management|\bengagement\.[a-z_]")


def log_records(lines):
    """Yield (level, text) per log record; traceback lines join their record."""
    level, buf = None, []
    for line in lines:
        m = RECORD_RE.match(line)
        if m:
            if level is not None:
                yield level, "".join(buf)
            level, buf = m.group("level"), [line]
        elif level is not None:
            buf.append(line)
    if level is not None:
        yield level, "".join(buf)


def install_log_problems(lines):
    """Records that fail the install: ours at WARNING+, anyone's at ERROR+."""
    problems = []
    for level, text in log_records(lines):
        if level in ("ERROR", "CRITICAL"):
            problems.append(text)
        elif level == "WARNING" and OURS_RE.search(text):
            problems.append(text)
    return problems


def check_log(path):
    with open(path, encoding="utf-8", errors="replace") as fh:
        problems = install_log_problems(fh)
    if problems:
        print(f"install log {path}: {len(problems)} warning/error record(s):")
        for text in problems:
            print("  " + text.rstrip().replace("\n", "\n  "))
        return 1
    return 0


def junit_counts(path):
    """Return dict of counts plus the list of skips (every skip is a failure of the run)."""
    root = ET.parse(path).getroot()
    counts = {"tests": 0, "passed": 0, "failed": 0, "skipped": 0}
    skips = []
    for case in root.iter("testcase"):
        counts["tests"] += 1
        name = f"{case.get('classname', '')}::{case.get('name', '')}"
        if case.find("failure") is not None or case.find("error") is not None:
            counts["failed"] += 1
            continue
        skipped = case.find("skipped")
        if skipped is not None:
            counts["skipped"] += 1
            message = (skipped.get("message") or "") + " " + (skipped.text or "")
            skips.append(f"{name}: {message.strip()}")
            continue
        counts["passed"] += 1
    # Collection errors have no <testcase> of their own in some pytest versions.
    for suite in root.iter("testsuite"):
        extra = int(suite.get("errors", 0)) - sum(
            1 for c in suite.iter("testcase") if c.find("error") is not None
        )
        if extra > 0:
            counts["failed"] += extra
    return counts, skips


def junit(label, path, require_tests):
    """Print a summary line for one report; exit 1 on failure/skip/no tests."""
    try:
        counts, skips = junit_counts(path)
    except (OSError, ET.ParseError) as exc:
        print(f"{label}: no usable JUnit report ({exc})")
        print(f"COUNTS {label} 0 1 0")
        return 1
    rc = 0
    print(
        f"{label}: {counts['passed']} passed, {counts['failed']} failed, "
        f"{counts['skipped']} skipped"
    )
    if skips:
        # Nothing asks for a skip here: a skipped HttpCase or tour hides a missing
        # server or browser behind a green run.
        rc = 1
        print(f"{label}: {len(skips)} test(s) skipped, which fails the run:")
        for entry in skips:
            print(f"  SKIPPED {entry}")
    if counts["failed"]:
        rc = 1
    if require_tests and counts["tests"] == 0:
        rc = 1
        print(f"{label}: no test was collected")
    # Machine-readable line for scripts/test's overall total.
    print(f"COUNTS {label} {counts['passed']} {counts['failed']} {counts['skipped']}")
    return rc


def case_id(case):
    """pytest's node id of a JUnit test case, e.g. ``crm/tests/test_crm_lead.py::TestCRMLead::
    test_x``: JUnit's classname is the test file's dotted path (from the rootdir) and the class
    (Odoo's tests are all methods of test classes)."""
    module, _, cls = case.get("classname", "").rpartition(".")
    name = case.get("name", "")
    if not module:
        return f"{cls}::{name}"
    return f"{module.replace('.', '/')}.py::{cls}::{name}"


def read_known_failures(path):
    """``{test id: reason}`` from a list kept in the repository: one test id per line, then
    ``#`` and why it fails; blank lines and lines starting with ``#`` are comments.
    An entry without its reason, or listed twice, is refused."""
    known = {}
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            test, _, reason = line.partition("#")
            test, reason = test.strip(), reason.strip()
            if not reason or " " in test:
                raise ValueError(f"{path}:{number}: write '<test id>  # <why it fails>'")
            if test in known:
                raise ValueError(f"{path}:{number}: {test} is listed twice")
            known[test] = reason
    return known


def compare_known_failures(xml_path, known):
    """Sort a JUnit report's cases against the known failures: ``{'passed': [...],
    'failed': [(id, message)] (not in the list), 'known': [...] (listed and failed),
    'stale': [...] (listed and passed), 'skipped': [(id, message)]}``."""
    root = ET.parse(xml_path).getroot()
    result = {"passed": [], "failed": [], "known": [], "stale": [], "skipped": []}
    for case in root.iter("testcase"):
        test = case_id(case)
        problem = case.find("failure")
        if problem is None:
            problem = case.find("error")
        if problem is not None:
            if test in known:
                result["known"].append(test)
            else:
                message = (problem.get("message") or problem.text or "").strip()
                result["failed"].append((test, message.splitlines()[0] if message else ""))
            continue
        skipped = case.find("skipped")
        if skipped is not None:
            message = (skipped.get("message") or "") + " " + (skipped.text or "")
            result["skipped"].append((test, message.strip()))
            continue
        (result["stale"] if test in known else result["passed"]).append(test)
    for suite in root.iter("testsuite"):
        extra = int(suite.get("errors", 0)) - sum(
            1 for c in suite.iter("testcase") if c.find("error") is not None
        )
        result["failed"].extend(("(collection)", "collection error") for __ in range(extra))
    return result


def odoo_suites(label, xml_path, list_path, with_addon, require_tests):
    """Judge a run of Odoo's own suites against the known failures (Odoo's own, without
    the addon). With the addon, any failure not in the list fails the run. Without it (to
    check the list itself), a failure not listed and a listed test that passes fail it too.
    Known failures are counted apart, not as passed nor as failed."""
    try:
        known = read_known_failures(list_path)
        result = compare_known_failures(xml_path, known)
    except (OSError, ET.ParseError, ValueError) as exc:
        print(f"{label}: cannot judge the run ({exc})")
        print(f"COUNTS {label} 0 1 0")
        return 1
    passed, failed = len(result["passed"]), len(result["failed"])
    skipped, stale = len(result["skipped"]), result["stale"]
    # A listed test that passes is not a failure of Odoo's: it counts as passed.
    passed += len(stale)
    rc = 0
    print(
        f"{label}: {passed} passed, {failed} failed, {skipped} skipped, "
        f"{len(result['known'])} known failure(s) of Odoo's own ({list_path})"
    )
    for test, message in result["failed"]:
        rc = 1
        if with_addon:
            print(f"  FAILED {test}: {message}")
        else:
            print(f"  FAILS WITHOUT THE ADDON, NOT LISTED {test}: {message}")
    for test, message in result["skipped"]:
        rc = 1
        print(f"  SKIPPED {test}: {message}")
    for test in stale:
        if with_addon:
            print(f"  note: {test} is listed but passed (check the list with --without-addon)")
        else:
            rc = 1
            print(f"  LISTED BUT PASSES WITHOUT THE ADDON {test}")
    total = passed + failed + skipped + len(result["known"])
    if require_tests and total == 0:
        rc = 1
        print(f"{label}: no test was collected")
    print(f"COUNTS {label} {passed} {failed} {skipped}")
    return rc


def main(argv):
    if len(argv) == 2 and argv[0] == "check-log":
        return check_log(argv[1])
    if len(argv) == 4 and argv[0] == "junit":
        return junit(argv[1], argv[2], argv[3] == "1")
    if len(argv) == 6 and argv[0] == "odoo-suites":
        return odoo_suites(argv[1], argv[2], argv[3], argv[4] == "with", argv[5] == "1")
    print(
        "usage: _testlib.py check-log LOG | junit LABEL XML REQUIRE_TESTS(0|1)"
        " | odoo-suites LABEL XML KNOWN_FAILURES with|without REQUIRE_TESTS(0|1)"
    )
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
