from odoo import api, models


class EngagementReportMixin(models.AbstractModel):
    """What the addon's SQL reports share: they are read without PostgreSQL's JIT.

    Their queries are long (the figures' definitions, rates by day, one union per
    reason) and their plans' cost passes ``jit_above_cost`` on any database with some
    history, so PostgreSQL compiles them to machine code first: about a second, for a
    query that runs in milliseconds. Turned off for the transaction that reads them only
    (``SET LOCAL``); Odoo's own queries gain nothing from it either.
    """

    _name = "engagement.report.mixin"
    _description = "Engagement SQL Report"

    @api.model
    def _search(
        self, domain, offset=0, limit=None, order=None, *, active_test=True, bypass_access=False
    ):
        self._without_jit()
        return super()._search(
            domain,
            offset=offset,
            limit=limit,
            order=order,
            active_test=active_test,
            bypass_access=bypass_access,
        )

    def _fetch_query(self, query, fields):
        self._without_jit()
        return super()._fetch_query(query, fields)

    @api.model
    def _without_jit(self):
        self.env.cr.execute("SET LOCAL jit = off")
