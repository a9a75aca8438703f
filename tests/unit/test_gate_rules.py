"""The pipeline-ordering rules of stage gates, on plain data (no Odoo)."""

from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st


@dataclass(frozen=True)
class Stage:
    id: int
    sequence: int
    is_cancelled: bool = False
    name: str = ""


@pytest.fixture(scope="module")
def gates(addon_lib):
    from engagement_management_lib import gates

    return gates


PIPELINE = [
    Stage(1, 1, name="Presales"),
    Stage(2, 2, name="Contracting"),
    Stage(3, 3, name="Requirements"),
    Stage(4, 4, name="Planning"),
    Stage(5, 5, name="Execution"),
    Stage(9, 9, is_cancelled=True, name="Cancelled"),
]
BY_NAME = {stage.name: stage for stage in PIPELINE}


def names(stages):
    return [stage.name for stage in stages]


def test_next_step_enters_only_the_next_stage(gates):
    entered = gates.stages_to_enter(BY_NAME["Presales"], BY_NAME["Contracting"], PIPELINE)
    assert names(entered) == ["Contracting"]


def test_skipping_ahead_enters_every_stage_on_the_way(gates):
    entered = gates.stages_to_enter(BY_NAME["Contracting"], BY_NAME["Execution"], PIPELINE)
    assert names(entered) == ["Requirements", "Planning", "Execution"]


def test_creating_into_a_stage_enters_all_up_to_it(gates):
    entered = gates.stages_to_enter(None, BY_NAME["Requirements"], PIPELINE)
    assert names(entered) == ["Presales", "Contracting", "Requirements"]


def test_backward_and_same_enter_nothing(gates):
    assert gates.stages_to_enter(BY_NAME["Planning"], BY_NAME["Presales"], PIPELINE) == []
    assert gates.stages_to_enter(BY_NAME["Planning"], BY_NAME["Planning"], PIPELINE) == []
    assert gates.move_direction(BY_NAME["Planning"], BY_NAME["Presales"]) == gates.BACKWARD
    assert gates.move_direction(BY_NAME["Planning"], BY_NAME["Planning"]) == gates.SAME


def test_cancelling_enters_only_the_cancelled_stage(gates):
    entered = gates.stages_to_enter(BY_NAME["Presales"], BY_NAME["Cancelled"], PIPELINE)
    assert names(entered) == ["Cancelled"]
    assert gates.move_direction(BY_NAME["Presales"], BY_NAME["Cancelled"]) == gates.FORWARD


def test_leaving_cancelled_is_a_reopening_through_every_gate(gates):
    # A reopening is a manager's right, as a backward move is...
    assert gates.move_direction(BY_NAME["Cancelled"], BY_NAME["Execution"]) == gates.BACKWARD
    # ...but it holds every gate from the start: Cancelled is no way round them.
    entered = gates.stages_to_enter(BY_NAME["Cancelled"], BY_NAME["Execution"], PIPELINE)
    assert entered == gates.stages_to_enter(None, BY_NAME["Execution"], PIPELINE)
    assert names(entered)[-1] == "Execution" and "Presales" in names(entered)


def test_equal_sequences_are_ordered_by_id(gates):
    twins = [Stage(7, 5, name="A"), Stage(3, 5, name="B")]
    assert names(gates.stages_to_enter(None, twins[0], twins)) == ["B", "A"]
    assert gates.next_stage(twins[1], twins).name == "A"


def test_next_stage_skips_cancelled_and_ends(gates):
    assert gates.next_stage(None, PIPELINE).name == "Presales"
    assert gates.next_stage(BY_NAME["Planning"], PIPELINE).name == "Execution"
    assert gates.next_stage(BY_NAME["Execution"], PIPELINE) is None


stage_lists = st.lists(st.tuples(st.integers(0, 20), st.booleans()), min_size=1, max_size=12).map(
    lambda rows: [Stage(i + 1, seq, cancelled) for i, (seq, cancelled) in enumerate(rows)]
)


@given(stages=stage_lists, data=st.data())
def test_a_forward_move_enters_exactly_the_stages_between(gates, stages, data):
    current = data.draw(st.sampled_from(stages))
    target = data.draw(st.sampled_from(stages))
    entered = gates.stages_to_enter(current, target, stages)
    direction = gates.move_direction(current, target)
    reopening = current.is_cancelled and not target.is_cancelled
    if direction != gates.FORWARD and not reopening:
        assert entered == []
        return
    assert entered[-1] == target, "the target's own gates always count"
    if target.is_cancelled:
        assert entered == [target]
        return
    key = lambda s: (s.sequence, s.id)  # noqa: E731
    expected = [
        s
        for s in stages
        if not s.is_cancelled and (reopening or key(current) < key(s)) and key(s) <= key(target)
    ]
    assert entered == sorted(expected, key=key)
    assert all(not s.is_cancelled for s in entered)
