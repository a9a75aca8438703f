from psycopg2.errors import LockNotAvailable, SerializationFailure

from odoo.exceptions import UserError
from odoo.tools import SQL


def lock_for_change(records):
    """Lock the rows of ``records`` until the transaction ends, or refuse at once.

    Of two users changing the same record at the same time (approving a change order,
    moving an engagement to its next stage, signing a deliverable), one wins and the
    other is told to reload. Waiting for the first and then going on would do the change
    twice: Odoo replays a request that failed on a concurrent update, and the replay
    approves, moves or signs again.

    ``FOR NO KEY UPDATE`` leaves other transactions free to reference the rows (a
    timesheet or a deliverable of the engagement being created meanwhile). ``NOWAIT`` in
    a savepoint makes a conflict our error, not an aborted transaction; a serialization
    failure means the row changed since this transaction began: the same conflict.
    """
    if not records.ids:
        return
    cr = records.env.cr
    try:
        with cr.savepoint(flush=False):
            cr.execute(
                SQL(
                    "SELECT id FROM %s WHERE id IN %s FOR NO KEY UPDATE NOWAIT",
                    SQL.identifier(records._table),
                    tuple(records.ids),
                )
            )
    except (LockNotAvailable, SerializationFailure) as error:
        raise UserError(
            records.env._(
                "Someone else is changing %s right now. Reload it and try again.",
                ", ".join(records.mapped("display_name")),
            )
        ) from error
    # What another transaction committed before the lock must be read afresh.
    records.invalidate_recordset()
