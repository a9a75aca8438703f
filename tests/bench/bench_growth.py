#!/usr/bin/env python3
"""The growth table of ``scripts/bench --growth``: a benchmark's report, not a test.

    python3 tests/bench/bench_growth.py RESULT.json [RESULT.json ...]

Each file is what ``bench_profitability.py --json`` wrote for one size of the load
(0.5×, 1×, 2×). Prints, per size, the anchor (the plain SQL aggregate of the same lines)
and the pivot, the 80-row list and the portfolio with their ratios to that size's anchor,
then how each grew against the smallest size beside the lines' growth. Exit 1 if a size
has no result (its run failed before measuring).
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from emtools.benchstats import growth_table  # noqa: E402


def main(paths):
    results, missing = [], []
    for path in map(Path, paths):
        if path.is_file():
            results.append(json.loads(path.read_text()))
        else:
            missing.append(path.name)
    print("Growth (warm medians; each measure's ratio is to the anchor of its own size):")
    if results:
        print(growth_table(results))
    for name in missing:
        print(f"  no result: {name} (its run failed before measuring)")
    return 1 if missing or not results else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
