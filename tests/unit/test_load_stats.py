"""The load run's arithmetic (emtools.loadstats): percentiles, figures per request kind,
and the lost-write checks that decide whether the run passes."""

import math

import pytest

from emtools.loadstats import Sample, lost_creations, lost_writes, percentile, summarize


def test_percentile_is_the_nearest_rank_of_the_values():
    values = list(range(1, 101))  # 1..100, shuffled below: order must not matter
    values = values[50:] + values[:50]
    assert percentile(values, 50) == 50
    assert percentile(values, 90) == 90
    assert percentile(values, 99) == 99
    assert percentile(values, 100) == 100
    # Few values: p99 of four requests is the slowest, p50 the second (no interpolation).
    assert percentile([0.4, 0.1, 0.3, 0.2], 99) == 0.4
    assert percentile([0.4, 0.1, 0.3, 0.2], 50) == 0.2
    assert percentile([7.0], 50) == 7.0


@pytest.mark.parametrize("q", [0, -5, 101])
def test_percentile_refuses_a_rank_outside_the_range(q):
    with pytest.raises(ValueError):
        percentile([1.0, 2.0], q)


def test_percentile_of_nothing_is_an_error_not_zero():
    with pytest.raises(ValueError):
        percentile([], 50)


def test_summarize_gives_each_kind_then_all_and_times_only_successes():
    samples = [
        Sample("list", 0.010),
        Sample("form", 0.100),
        Sample("list", 0.030),
        Sample("list", 0.020),
        Sample("form", 5.000, error="ServerCrash: boom"),
    ]
    figures = {row.kind: row for row in summarize(samples)}
    assert list(figures) == ["list", "form", "all"]
    listing = figures["list"]
    assert (listing.requests, listing.errors) == (3, 0)
    assert (listing.p50, listing.p90, listing.max) == (0.020, 0.030, 0.030)
    form = figures["form"]
    # The failed request counts as a request and an error, not as a 5 s latency.
    assert (form.requests, form.errors, form.max) == (2, 1, 0.100)
    everything = figures["all"]
    assert (everything.requests, everything.errors, everything.max) == (5, 1, 0.100)


def test_summarize_a_kind_that_never_succeeded_has_no_latency():
    (write, __) = summarize([Sample("write", 1.0, error="AccessError")])
    assert (write.requests, write.errors) == (1, 1)
    assert math.isnan(write.p50) and math.isnan(write.max)
    assert summarize([]) == []


def test_lost_writes_accepts_the_last_acknowledged_value():
    attempts = [(1, "a", True), (1, "b", True), (2, "c", True)]
    assert lost_writes(attempts, {1: "x", 2: "y"}, {1: "b", 2: "c"}) == []


def test_lost_writes_reports_an_acknowledged_write_that_is_not_stored():
    attempts = [(1, "a", True), (1, "b", True)]
    (problem,) = lost_writes(attempts, {1: "x"}, {1: "a"})
    assert "'b' expected" in problem and "'a' stored" in problem
    # A record that vanished lost its write too.
    assert lost_writes([(3, "c", True)], {3: "x"}, {})


def test_lost_writes_a_refused_write_must_not_be_stored():
    attempts = [(1, "a", True), (1, "b", False)]
    assert lost_writes(attempts, {1: "x"}, {1: "a"}) == []
    assert lost_writes(attempts, {1: "x"}, {1: "b"})
    # Refused from the start: the value from before the run stays.
    assert lost_writes([(2, "c", False)], {2: "x"}, {2: "x"}) == []
    assert lost_writes([(2, "c", False)], {2: "x"}, {2: "c"})


def test_lost_writes_an_unanswered_later_write_may_have_gone_through():
    attempts = [(1, "a", True), (1, "b", None)]
    assert lost_writes(attempts, {1: "x"}, {1: "a"}) == []
    assert lost_writes(attempts, {1: "x"}, {1: "b"}) == []
    assert lost_writes(attempts, {1: "x"}, {1: "x"})
    # An unanswered write before the acknowledged one cannot be the last word.
    assert lost_writes([(1, "a", None), (1, "b", True)], {1: "x"}, {1: "a"})


def test_lost_creations_every_acknowledged_record_exists_with_its_value():
    created = {10: "r1", 11: "r2"}
    assert lost_creations(created, {10: "r1", 11: "r2", 12: "other"}) == []
    (missing,) = lost_creations(created, {10: "r1"})
    assert "11" in missing and "missing" in missing
    (changed,) = lost_creations(created, {10: "r1", 11: "r9"})
    assert "'r9'" in changed
