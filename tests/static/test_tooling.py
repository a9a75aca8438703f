"""scripts/test's own judges: the install-log check, the JUnit skip rule and the
comparison of Odoo's own suites with their known failures."""

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


SUITES = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" errors="0" failures="2" skipped="0" tests="4">
<testcase classname="crm.tests.test_crm_lead.TestCRMLead" name="test_ok"/>
<testcase classname="crm.tests.test_crm_lead.TestCRMLead" name="test_phone">
<failure message="AssertionError: '202 555' != '+1 202'">tb</failure></testcase>
<testcase classname="crm.tests.test_crm_ui.TestUi" name="test_tour">
<failure message="AccessError: crm.lead.engagement_ids&#10;more">tb</failure></testcase>
<testcase classname="sale_project.tests.test_x.TestX" name="test_fixed"/>
</testsuite></testsuites>
"""

KNOWN = """\
# Odoo's own failures
crm/tests/test_crm_lead.py::TestCRMLead::test_phone  # phonenumbers not installed

sale_project/tests/test_x.py::TestX::test_fixed  # fixed since
"""


@pytest.fixture
def suites(tmp_path):
    (tmp_path / "r.xml").write_text(SUITES)
    (tmp_path / "known.txt").write_text(KNOWN)
    return tmp_path / "r.xml", tmp_path / "known.txt"


def test_odoo_suites_ids_are_pytest_node_ids(testlib, suites):
    result = testlib.compare_known_failures(suites[0], testlib.read_known_failures(suites[1]))
    assert result == {
        "passed": ["crm/tests/test_crm_lead.py::TestCRMLead::test_ok"],
        "failed": [
            ("crm/tests/test_crm_ui.py::TestUi::test_tour", "AccessError: crm.lead.engagement_ids")
        ],
        "known": ["crm/tests/test_crm_lead.py::TestCRMLead::test_phone"],
        "stale": ["sale_project/tests/test_x.py::TestX::test_fixed"],
        "skipped": [],
    }


def test_odoo_suites_fail_on_a_failure_not_listed(testlib, suites, capsys):
    assert testlib.odoo_suites("odoo", *suites, True, True) == 1
    out = capsys.readouterr().out
    assert "FAILED crm/tests/test_crm_ui.py::TestUi::test_tour: AccessError" in out
    # The known failure is counted apart; the listed test that passed, as passed.
    assert "odoo: 2 passed, 1 failed, 0 skipped, 1 known failure(s)" in out
    assert out.rstrip().endswith("COUNTS odoo 2 1 0")


def test_odoo_suites_pass_with_only_known_failures(testlib, suites, capsys):
    suites[0].write_text(
        SUITES.replace(
            '<failure message="AccessError: crm.lead.engagement_ids&#10;more">tb</failure>', ""
        )
    )
    assert testlib.odoo_suites("odoo", *suites, True, True) == 0
    out = capsys.readouterr().out
    assert "note: sale_project/tests/test_x.py::TestX::test_fixed is listed but passed" in out
    # Without the addon, that same stale entry fails the check of the list.
    assert testlib.odoo_suites("odoo", *suites, False, True) == 1
    assert "LISTED BUT PASSES WITHOUT THE ADDON" in capsys.readouterr().out


def test_odoo_suites_refuse_an_entry_without_its_reason(testlib, suites, capsys):
    suites[1].write_text("crm/tests/test_crm_lead.py::TestCRMLead::test_phone\n")
    with pytest.raises(ValueError, match="why it fails"):
        testlib.read_known_failures(suites[1])
    assert testlib.odoo_suites("odoo", *suites, True, True) == 1
    assert "COUNTS odoo 0 1 0" in capsys.readouterr().out
