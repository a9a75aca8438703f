"""No merge leaves its conflict markers in the tree (git would commit them silently)."""

import re
import subprocess

# The ======= separator alone could be a heading underline; the two ends cannot.
MARKER = re.compile(r"^(<{7}|>{7}) ", re.M)


def has_marker(text):
    return bool(MARKER.search(text))


def test_markers_are_recognised():
    assert has_marker("a\n<<<<<<< HEAD\nb\n=======\nc\n>>>>>>> branch\n")
    assert not has_marker("a heading\n=======\nnot alone on the line: ======= x\n")


def test_no_tracked_file_has_conflict_markers(repo_root):
    files = subprocess.run(
        ["git", "ls-files", "-z"], cwd=repo_root, capture_output=True, check=True
    ).stdout.split(b"\0")
    found = []
    for name in filter(None, files):
        path = repo_root / name.decode()
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, FileNotFoundError, IsADirectoryError):
            continue
        if has_marker(text):
            found.append(str(path.relative_to(repo_root)))
    assert not found, f"merge conflict markers in: {found}"
