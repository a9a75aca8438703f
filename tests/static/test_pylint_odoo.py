"""pylint with pylint-odoo (the project's .pylintrc) reports nothing."""

from emtools import checks


def test_pylint_odoo_reports_nothing(addon_dir, repo_root):
    status, output = checks.run_pylint(addon_dir.name, repo_root / ".pylintrc", cwd=repo_root)
    assert status == 0 and not output, f"pylint exit status {status}:\n{output}"


def test_pylint_odoo_flags_a_bad_manifest(tmp_path, repo_root):
    addon = tmp_path / "bad_addon"
    addon.mkdir()
    (addon / "__init__.py").write_text("")
    (addon / "__manifest__.py").write_text(
        '{"name": "Bad", "version": "19.0.1", "license": "LGPL-3", '
        '"author": "Somebody Else", "depends": ["base"], "installable": True}\n'
    )
    status, output = checks.run_pylint(addon.name, repo_root / ".pylintrc", cwd=tmp_path)
    assert status != 0
    assert "manifest-required-author" in output
    assert "manifest-version-format" in output
