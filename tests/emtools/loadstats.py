"""The arithmetic of the load run (tests/bench/bench_load.py), kept apart to be tested alone.

No odoo import, no I/O: samples in, figures and problems out.
"""

import math
from collections import defaultdict
from dataclasses import dataclass

PERCENTILES = (50, 90, 99)


@dataclass(frozen=True)
class Sample:
    """One request: its kind (``list``, ``form``...), how long it took, and its error."""

    kind: str
    seconds: float
    error: str | None = None


def percentile(values, q):
    """The nearest-rank percentile: the smallest value with at least ``q`` % of the values
    at or below it (no interpolation: every figure printed is a latency that happened)."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 < q <= 100:
        raise ValueError(f"percentile {q} is not in ]0, 100]")
    ordered = sorted(values)
    return ordered[max(math.ceil(q / 100 * len(ordered)), 1) - 1]


@dataclass(frozen=True)
class KindFigures:
    kind: str
    requests: int
    errors: int
    p50: float
    p90: float
    p99: float
    max: float


def summarize(samples):
    """Figures per kind of request, in the order kinds first appear, then ``all``.

    Latencies are those of the successful requests (a refused request's time says nothing
    about the server's speed); errors are counted apart. A kind with no success has its
    latencies as NaN.
    """
    by_kind = defaultdict(list)
    for sample in samples:
        by_kind[sample.kind].append(sample)
    if samples:
        by_kind["all"] = list(samples)
    figures = []
    for kind, group in by_kind.items():
        times = [sample.seconds for sample in group if sample.error is None]
        errors = len(group) - len(times)
        if times:
            p50, p90, p99 = (percentile(times, q) for q in PERCENTILES)
            slowest = max(times)
        else:
            p50 = p90 = p99 = slowest = math.nan
        figures.append(KindFigures(kind, len(group), errors, p50, p90, p99, slowest))
    return figures


def format_figures(figures, elapsed):
    """The table printed at the end of the run, latencies in milliseconds."""
    lines = [
        f"{'request':<16} {'count':>7} {'errors':>6} {'p50 ms':>8} {'p90 ms':>8} "
        f"{'p99 ms':>8} {'max ms':>8} {'per s':>7}"
    ]
    for row in figures:
        lines.append(
            f"{row.kind:<16} {row.requests:>7} {row.errors:>6} {row.p50 * 1000:>8.0f} "
            f"{row.p90 * 1000:>8.0f} {row.p99 * 1000:>8.0f} {row.max * 1000:>8.0f} "
            f"{row.requests / elapsed:>7.1f}"
        )
    return "\n".join(lines)


def lost_writes(attempts, before, stored):
    """Problems with the writes, each a sentence; none when nothing was lost.

    ``attempts``: ``(record id, value, outcome)`` in the order one client sent them, the
    outcome ``True`` (acknowledged), ``False`` (refused: rolled back) or ``None`` (no answer:
    it may or may not have gone through). Each record is written by one client only, so
    what is stored must be its last acknowledged value (before any, its value ``before``
    the run), or the value of an unanswered attempt sent after it.
    ``before`` and ``stored``: ``{record id: value}`` before and after the run.
    """
    history = defaultdict(list)
    for record_id, value, outcome in attempts:
        history[record_id].append((value, outcome))
    problems = []
    for record_id, writes in sorted(history.items()):
        acknowledged = [index for index, (__, outcome) in enumerate(writes) if outcome]
        if acknowledged:
            expected, later = writes[acknowledged[-1]][0], writes[acknowledged[-1] + 1 :]
        else:
            expected, later = before.get(record_id), writes
        allowed = {expected} | {value for value, outcome in later if outcome is None}
        if stored.get(record_id) not in allowed:
            problems.append(
                f"record {record_id}: {expected!r} expected, {stored.get(record_id)!r} stored"
            )
    return problems


def lost_creations(created, existing):
    """Problems with the creations: every acknowledged id must exist afterwards, with the
    value it was created with. ``created``: ``{id: value}``; ``existing``: the same, read
    back from the database."""
    problems = []
    for record_id, value in sorted(created.items()):
        if record_id not in existing:
            problems.append(f"record {record_id} ({value!r}) was acknowledged but is missing")
        elif existing[record_id] != value:
            problems.append(
                f"record {record_id} was created with {value!r} but holds {existing[record_id]!r}"
            )
    return problems
