"""scripts/test's own judges: the install-log check and the JUnit skip rule."""

import pytest

from emtools import paths


@pytest.fixture(scope="module")
def testlib():
    return paths.load_script("_testlib.py")


LOG = """\
2025-01-31 12:00:00,001 42 INFO db odoo.modules.loading: loading engagement_management
2025-01-31 12:00:00,002 42 WARNING db odoo.modules.loading: crm: something about crm only
2025-01-31 12:00:00,003 42 WARNING db odoo.fields: Field engagement.engagement.x: bad param
2025-01-31 12:00:00,004 42 ERROR db odoo.sql_db: bad query
Traceback (most recent call last):
  File "x.py", line 1
2025-01-31 12:00:00,005 42 INFO db odoo.modules.loading: done
"""


def test_install_log_flags_our_warnings_and_every_error(testlib):
    problems = testlib.install_log_problems(LOG.splitlines(keepends=True))
    assert len(problems) == 2
    assert "engagement.engagement.x" in problems[0]
    assert "bad query" in problems[1] and "Traceback" in problems[1]


def test_install_log_accepts_a_clean_log(testlib):
    clean = [line for line in LOG.splitlines(keepends=True) if "INFO" in line]
    assert testlib.install_log_problems(clean) == []


JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" errors="0" failures="1" skipped="2" tests="4">
<testcase classname="t" name="ok"/>
<testcase classname="t" name="broken"><failure message="boom"/></testcase>
<testcase classname="t" name="quiet"><skipped message="no chromium"/></testcase>
<testcase classname="t" name="meant"><skipped message="needs GPU [allowed-skip]"/></testcase>
</testsuite></testsuites>
"""


def test_junit_counts_and_every_skip_fails(testlib, tmp_path):
    report = tmp_path / "r.xml"
    report.write_text(JUNIT)
    counts, skips = testlib.junit_counts(report)
    assert counts == {"tests": 4, "passed": 1, "failed": 1, "skipped": 2}
    assert skips == ["t::quiet: no chromium", "t::meant: needs GPU [allowed-skip]"]
    assert testlib.junit("part", report, True) == 1


def test_junit_fails_a_skip_and_an_empty_run(testlib, tmp_path):
    report = tmp_path / "r.xml"
    report.write_text(
        '<testsuites><testsuite tests="1"><testcase classname="t" name="s">'
        '<skipped message="later"/></testcase></testsuite></testsuites>'
    )
    assert testlib.junit("part", report, True) == 1
    report.write_text('<testsuites><testsuite tests="0"/></testsuites>')
    assert testlib.junit("part", report, True) == 1
    assert testlib.junit("part", report, False) == 0
    report.write_text(
        '<testsuites><testsuite tests="1"><testcase classname="t" name="ok"/>'
        "</testsuite></testsuites>"
    )
    assert testlib.junit("part", report, True) == 0
