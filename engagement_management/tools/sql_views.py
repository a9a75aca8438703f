from odoo.tools import SQL
from odoo.tools.sql import drop_view_if_exists


def create_report_view(model):
    """(Re)create the SQL view of a report model (``_auto = False``) from its
    ``_query()``; for its ``init()``."""
    drop_view_if_exists(model.env.cr, model._table)
    model.env.cr.execute(
        SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(model._table), model._query())
    )
