"""The README's access matrix is the table the Odoo test checks, generated, not retyped."""

from emtools import paths


def _script():
    return paths.load_script("access-matrix")


def test_readme_ends_with_the_generated_access_matrix():
    script = _script()
    readme = (paths.REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert "\n" + script.HEADING + "\n" in readme, "README.md has no '## Access matrix' section"
    written = readme.split("\n" + script.HEADING + "\n", 1)[1]
    assert script.HEADING + "\n" + written == script.section(), (
        "README.md's access matrix differs from engagement_management/tests/access_matrix.py: "
        "run scripts/access-matrix --write"
    )


def test_every_row_has_a_cell_per_group():
    matrix = _script().load_matrix()
    for table in (matrix.ACL, matrix.RECORD):
        for model, row in table.items():
            if row is not None:
                cells = row.split()
                assert len(cells) == len(matrix.GROUPS), model
                assert all(len(cell) == 4 and set(cell) <= set("rwcd-") for cell in cells), model
    assert set(matrix.RECORD) == set(matrix.ACL)


def test_every_action_row_has_a_cell_per_group_on_a_model_of_the_matrix():
    matrix = _script().load_matrix()
    for key, row in matrix.ACTIONS.items():
        model, method, _case = matrix.split_action(key)
        assert model in matrix.ACL, key
        assert method.startswith("action_"), key
        cells = row.split()
        assert len(cells) == len(matrix.GROUPS), key
        assert set(cells) <= {"x", "-"}, key
    named = {key.partition(" [")[0] for key in matrix.ACTIONS}
    assert not named & set(matrix.NOT_IN_ACTIONS)
