import uuid

from werkzeug.urls import url_encode

from odoo import fields, models


class EngagementPortalMixin(models.AbstractModel):
    """The customer's documents on the portal: engagements, deliverables, change orders.

    The link sent to the customer (its ``access_token``) lets whoever holds it answer for
    the customer, so it is theirs alone: no employee reads or writes it (system
    administrators aside). Employees open the same pages with their own rights, through
    links without the token; the customer's mails and pages carry it.
    """

    _name = "engagement.portal.mixin"
    _inherit = ["portal.mixin", "engagement.portal.fields.mixin"]
    _description = "Engagement Customer Document"

    access_token = fields.Char(groups="base.group_system")

    def _portal_ensure_token(self):
        record = self.sudo()
        if not record.access_token:
            record.write({"access_token": str(uuid.uuid4())})
        return record.access_token

    def _sign_token(self, pid):
        # The hash of the customer's chatter link is made of the token: made as
        # superuser, whoever posts the message the customer is notified of.
        return super(EngagementPortalMixin, self.sudo())._sign_token(pid)

    def _portal_link_has_token(self):
        """Whether links built here carry the customer's token: for the customer's pages
        and mails (rendered as superuser or by a share user), never for an employee."""
        return self.env.su or self.env.user.share

    def get_portal_url(
        self, suffix=None, report_type=None, download=None, query_string=None, anchor=None
    ):
        if self._portal_link_has_token():
            return super().get_portal_url(
                suffix=suffix,
                report_type=report_type,
                download=download,
                query_string=query_string,
                anchor=anchor,
            )
        self.ensure_one()
        params = {}
        if report_type:
            params["report_type"] = report_type
        if download:
            params["download"] = "true"
        query = url_encode(params)
        if query_string:
            query = f"{query}{query_string}" if query else query_string.lstrip("&")
        url = f"{self.access_url}{suffix or ''}"
        if query:
            url = f"{url}?{query}"
        return f"{url}#{anchor}" if anchor else url
