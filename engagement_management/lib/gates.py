"""Which stages' gates a stage move must satisfy, on plain data.

A stage is anything with ``id``, ``sequence`` and ``is_cancelled`` attributes (Odoo
records or small test doubles). Keeping this free of Odoo lets the ordering rules be
tested exhaustively without a database.
"""

FORWARD = "forward"
BACKWARD = "backward"
SAME = "same"


def move_direction(current, target):
    """Forward when the target comes later in the pipeline; cancelling counts as forward
    (it has its own gates), leaving the cancelled stage counts as backward (a reopening)."""
    if current is None:
        return FORWARD
    if current.id == target.id:
        return SAME
    if target.is_cancelled:
        return FORWARD
    if current.is_cancelled:
        return BACKWARD
    if (target.sequence, target.id) > (current.sequence, current.id):
        return FORWARD
    return BACKWARD


def stages_to_enter(current, target, stages):
    """Stages whose gates hold a move from ``current`` to ``target``, in pipeline order.

    Skipping ahead enters every stage on the way, so each of their gates must hold:
    the pipeline cannot be jumped to avoid signing a SOW. Cancelling enters only the
    cancelled stage; a backward move enters nothing (it is a right, not a gate).
    Reopening a cancelled engagement is backward too (a manager's right), but it
    enters every stage from the start of the pipeline up to the target: the cancelled
    stage remembers nothing of where the engagement stood, and must not be a way round
    the gates of the stages it skips.
    """
    reopening = current is not None and current.is_cancelled and not target.is_cancelled
    if reopening:
        current = None
    elif move_direction(current, target) in (SAME, BACKWARD):
        return []
    if target.is_cancelled:
        return [target]

    def key(stage):
        return (stage.sequence, stage.id)

    lower = key(current) if current is not None else None
    upper = key(target)
    return sorted(
        (
            stage
            for stage in stages
            if not stage.is_cancelled
            and key(stage) <= upper
            and (lower is None or key(stage) > lower)
        ),
        key=key,
    )


def next_stage(current, stages):
    """The stage after ``current`` in the pipeline, ignoring the cancelled one."""
    ordered = sorted((s for s in stages if not s.is_cancelled), key=lambda s: (s.sequence, s.id))
    if current is None:
        return ordered[0] if ordered else None
    for stage in ordered:
        if (stage.sequence, stage.id) > (current.sequence, current.id):
            return stage
    return None
