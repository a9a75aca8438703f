"""Two users acting on the same record at the same time, each on a real database cursor.

The data must be committed for two cursors to see it, so a test creates it in a cursor of
its own (``committed_env``) and removes it again at the end (``purge``); nothing is created
in the test's own, never committed, transaction, so the cursors never wait on it.
"""

import threading
from contextlib import contextmanager

from odoo import api
from odoo.exceptions import UserError
from odoo.tests import TransactionCase
from odoo.tools import SQL, mute_logger

# Records hanging on a record by (model, id), not by a foreign key; ratings before the
# messages they point to.
_BY_MODEL_AND_ID = (
    ("rating_rating", "res_model", "res_id"),
    ("mail_activity", "res_model", "res_id"),
    ("mail_followers", "res_model", "res_id"),
    ("mail_message", "model", "res_id"),
)


@contextmanager
def committed_env(registry, context=None):
    """A superuser environment on a cursor of its own, committed on leaving."""
    with registry.cursor() as cr:
        yield api.Environment(cr, api.SUPERUSER_ID, context or {})


def race(registry, user_ids, prepare, act, timeout=10):
    """The two users act at once; return ``{0: "won" or the error, 1: ...}``.

    Each user's thread reads with ``prepare(env)`` what they see before acting (their
    transaction's snapshot starts there), waits for the other, then calls ``act`` on what
    ``prepare`` returned. The first acts first and keeps its transaction open until the
    second has tried, so the two really overlap; then both commit what they did.
    """
    barrier = threading.Barrier(2, timeout=timeout)
    first_acted = threading.Event()
    second_tried = threading.Event()
    outcomes = {}

    def run(index, user_id):
        with registry.cursor() as cr:
            env = api.Environment(cr, user_id, {})
            target = prepare(env)
            barrier.wait()  # both have read before either acts
            if index == 1:
                first_acted.wait(timeout)  # the first holds its locks, the second comes in
            try:
                act(target)
                env.flush_all()  # what the request writes before it commits
                outcomes[index] = "won"
            except UserError as error:
                outcomes[index] = str(error)
                cr.rollback()
            except Exception as error:  # noqa: BLE001 - reported to the test, which fails
                outcomes[index] = f"{type(error).__name__}: {error}"
                cr.rollback()
            finally:
                if index == 0:
                    first_acted.set()
                    second_tried.wait(timeout)  # keep the locks until the second has tried
                else:
                    second_tried.set()

    threads = [
        threading.Thread(target=run, args=(index, user_id))
        for index, user_id in enumerate(user_ids)
    ]
    # The refused lock is logged as a failed query; it is the expected outcome here.
    with mute_logger("odoo.sql_db"):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(3 * timeout)
    return outcomes


def purge(env, model, ids):
    """Delete test records that the ORM protects (signed, applied), with their chatter,
    activities, ratings and files, by SQL: for committed test data only."""
    if not ids:
        return
    ids = tuple(ids)
    # Through the ORM, so that their files leave the filestore too; the fields' files
    # (res_field set) are only found when the domain names res_field. Once their
    # records are gone: the files of a signed record are frozen while it exists.
    attachments = env["ir.attachment"].search(
        [
            ("res_model", "=", model),
            ("res_id", "in", ids),
            "|",
            ("res_field", "=", False),
            ("res_field", "!=", False),
        ]
    )
    for table, model_column, id_column in _BY_MODEL_AND_ID:
        env.cr.execute(
            SQL(
                "DELETE FROM %s WHERE %s = %s AND %s IN %s",
                SQL.identifier(table),
                SQL.identifier(model_column),
                model,
                SQL.identifier(id_column),
                ids,
            )
        )
    env.cr.execute(SQL("DELETE FROM %s WHERE id IN %s", SQL.identifier(env[model]._table), ids))
    env.invalidate_all()
    attachments.unlink()


class CommittedDataCase(TransactionCase):
    """A test class whose data is committed (for ``race``) and removed again.

    ``_create_committed_data(env)`` creates it; every engagement managed by one of the
    users whose login is in ``LOGINS`` goes at the end, with its deliverables, change
    orders, customer and the users themselves, and so does what an interrupted earlier
    run left.
    """

    LOGINS = ()

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.addClassCleanup(cls._remove_committed_data)
        cls._remove_committed_data()  # what an interrupted earlier run may have left
        with committed_env(cls.registry) as env:
            cls._create_committed_data(env)

    @classmethod
    def _create_committed_data(cls, env):
        raise NotImplementedError

    @classmethod
    def _remove_committed_data(cls):
        with committed_env(cls.registry, {"active_test": False}) as env:
            users = env["res.users"].search([("login", "in", cls.LOGINS)])
            engagements = env["engagement.engagement"].search([("user_id", "in", users.ids)])
            partners = users.partner_id | engagements.partner_id
            # Signed deliverables and applied change orders refuse unlink(), by design:
            # they go under the ORM.
            purge(env, "engagement.deliverable", engagements.deliverable_ids.ids)
            purge(env, "engagement.change.order", engagements.change_order_ids.ids)
            purge(env, "engagement.engagement", engagements.ids)
            # The mails to the customer belong to no record: they go by their recipients.
            env["mail.mail"].search([("recipient_ids", "in", partners.ids)]).unlink()
            users.unlink()
            partners.unlink()
