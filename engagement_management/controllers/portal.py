import base64

from odoo import _, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request
from odoo.tools import consteq

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager


class EngagementPortal(CustomerPortal):
    """The customer's side of engagements: read them, sign or reject what is sent to them.

    Signing goes through ``_portal_sign_document`` and ``_portal_reject_document``, which
    only assume the record has ``_portal_can_sign()``, ``action_sign()`` and
    ``action_reject()``: change orders reuse them with their own routes. The record is
    called as superuser (``_document_check_access``) with ``engagement_portal_answer`` in
    the context: the answer is the customer's, ``partner`` (none for a token link) signed.
    """

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "engagement_count" in counters:
            Engagement = request.env["engagement.engagement"]
            values["engagement_count"] = (
                Engagement.search_count([]) if Engagement.has_access("read") else 0
            )
        waiting = {
            "engagement_waiting_count",
            "engagement_deliverable_waiting_count",
            "engagement_change_order_waiting_count",
        }
        if waiting & set(counters):
            counts = self._engagement_waiting_counts()
            values.update({key: counts[key] for key in waiting & set(counters)})
        return values

    def _engagement_waiting_domains(self):
        """What waits on the customer: deliverables and change orders to sign,
        dependencies they own still open. With the visitor's own rights (a customer's
        contacts read only what was sent or shared with them)."""
        return {
            "engagement.deliverable": [("state", "=", "submitted"), ("is_current", "=", True)],
            "engagement.change.order": [("state", "=", "approved")],
            "engagement.raid.item": [
                ("kind", "=", "dependency"),
                ("state", "!=", "closed"),
                ("customer_visible", "=", True),
                ("partner_id", "!=", False),
            ],
        }

    def _engagement_waiting_counts(self):
        env = request.env
        counts = {
            "engagement_waiting_count": 0,
            "engagement_deliverable_waiting_count": 0,
            "engagement_change_order_waiting_count": 0,
        }
        if not env.user.share or not env["engagement.engagement"].has_access("read"):
            return counts
        engagement_ids = set()
        for model, domain in self._engagement_waiting_domains().items():
            groups = env[model]._read_group(domain, ["engagement_id"], ["__count"])
            engagement_ids.update(engagement.id for engagement, _count in groups)
            total = sum(count for _engagement, count in groups)
            if model == "engagement.deliverable":
                counts["engagement_deliverable_waiting_count"] = total
            elif model == "engagement.change.order":
                counts["engagement_change_order_waiting_count"] = total
        counts["engagement_waiting_count"] = len(engagement_ids)
        return counts

    # ------------------------------------------------------------------ generic signing

    def _portal_may_answer(self, record_sudo, access_token):
        """Whether the visitor answers for the customer: a portal user of that customer,
        or whoever holds the link sent to the customer. Never an internal user, link or
        not: inside, a signature given on paper is filed by an engagement manager."""
        user = request.env.user
        if not user.share:
            return False
        customer = record_sudo.partner_id.commercial_partner_id
        if not user._is_public() and user.commercial_partner_id == customer:
            return True
        return bool(
            access_token
            and record_sudo.access_token
            and consteq(record_sudo.access_token, access_token)
        )

    def _portal_signer_partner(self):
        """The logged-in customer who answers; none for a token link opened anonymously."""
        user = request.env.user
        return None if user._is_public() else user.partner_id

    def _portal_document(self, model_name, record_id, access_token):
        """The record, sudo-ed, if the visitor may see it; ``None`` otherwise (a 404)."""
        try:
            record_sudo = self._document_check_access(model_name, record_id, access_token)
        except (AccessError, MissingError):
            return None
        if not record_sudo._portal_is_visible():
            return None
        return record_sudo

    def _portal_sign_document(self, model_name, record_id, access_token, name, signature):
        """Check access, validate the signature and sign; a JSON answer for the widget."""
        # The signing widget posts JSON: the token stays in the page's query string.
        access_token = access_token or request.httprequest.args.get("access_token")
        record_sudo = self._portal_document(model_name, record_id, access_token)
        if record_sudo is None or not self._portal_may_answer(record_sudo, access_token):
            return {"error": _("This document does not exist or you may not sign it.")}
        if not record_sudo._portal_can_sign():
            return {"error": _("This document is not waiting for your signature.")}
        if not signature:
            return {"error": _("Signature is missing.")}
        try:
            record_sudo.with_context(engagement_portal_answer=True).action_sign(
                name, signature=signature, partner=self._portal_signer_partner()
            )
        except (UserError, ValidationError) as error:
            return {"error": str(error)}
        request.env.cr.flush()
        return {
            "force_refresh": True,
            "redirect_url": record_sudo.get_portal_url(query_string="&message=sign_ok"),
        }

    def _portal_reject_document(self, model_name, record_id, access_token, reason):
        record_sudo = self._portal_document(model_name, record_id, access_token)
        if record_sudo is None:
            return request.not_found()
        if not self._portal_may_answer(record_sudo, access_token):
            raise AccessError(_("Only the customer answers on this page."))
        if not record_sudo._portal_can_sign() or not (reason or "").strip():
            return request.redirect(
                record_sudo.get_portal_url(query_string="&message=reject_refused")
            )
        record_sudo.with_context(engagement_portal_answer=True).action_reject(
            reason, partner=self._portal_signer_partner()
        )
        return request.redirect(record_sudo.get_portal_url(query_string="&message=rejected"))

    # ------------------------------------------------------------------ engagements

    @http.route(
        ["/my/engagements", "/my/engagements/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_engagements(self, page=1, **kw):
        values = self._prepare_portal_layout_values()
        Engagement = request.env["engagement.engagement"]
        if not Engagement.has_access("read"):
            return request.redirect("/my")
        total = Engagement.search_count([])
        pager = portal_pager(
            url="/my/engagements", total=total, page=page, step=self._items_per_page
        )
        engagements = Engagement.search(
            [], order="id desc", limit=self._items_per_page, offset=pager["offset"]
        )
        request.session["my_engagements_history"] = engagements.ids[:100]
        values.update(
            engagements=engagements.sudo(),
            page_name="engagement",
            pager=pager,
            default_url="/my/engagements",
        )
        return request.render("engagement_management.portal_my_engagements", values)

    @http.route(["/my/engagements/<int:engagement_id>"], type="http", auth="public", website=True)
    def portal_my_engagement(self, engagement_id, access_token=None, **kw):
        try:
            engagement_sudo = self._document_check_access(
                "engagement.engagement", engagement_id, access_token
            )
        except (AccessError, MissingError):
            return request.not_found()
        can_answer = self._portal_may_answer(engagement_sudo, access_token)
        values = self._get_page_view_values(
            engagement_sudo,
            access_token,
            {
                "engagement": engagement_sudo,
                "deliverables": engagement_sudo.deliverable_ids.filtered(
                    lambda d: d._portal_is_visible()
                ),
                "change_orders": engagement_sudo.change_order_ids.filtered(
                    lambda co: co._portal_is_visible()
                ),
                "page_name": "engagement",
                **self._engagement_participation_values(engagement_sudo, can_answer),
            },
            "my_engagements_history",
            False,
            **kw,
        )
        if can_answer and not values.get("token"):
            # The customer's own contact posts on the page's conversation as themselves:
            # the chatter checks the customer's link (never given to an employee).
            values["token"] = engagement_sudo._portal_ensure_token()
        return request.render("engagement_management.portal_my_engagement", values)

    def _engagement_participation_values(self, engagement_sudo, can_answer):
        """What the customer takes part in on the engagement's page: the plan, the
        published status reports, the RAID items shared with them, the pending rating."""
        milestones = request.env["project.milestone"].sudo().browse()
        if engagement_sudo.project_id:
            milestones = (
                request.env["project.milestone"]
                .sudo()
                .search([("project_id", "=", engagement_sudo.project_id.id)], order="deadline, id")
            )
        rating_token = False
        if can_answer:
            rating = (
                request.env["rating.rating"]
                .sudo()
                .search(
                    [
                        ("res_model", "=", engagement_sudo._name),
                        ("res_id", "=", engagement_sudo.id),
                        ("consumed", "=", False),
                    ],
                    order="id desc",
                    limit=1,
                )
            )
            rating_token = rating.access_token
        return {
            "milestones": milestones,
            "status_reports": engagement_sudo.status_report_ids.filtered("is_published"),
            "raid_items": engagement_sudo.raid_item_ids.filtered("customer_visible"),
            "can_answer": can_answer,
            "answer_partner": self._portal_signer_partner() if can_answer else None,
            "rating_token": rating_token,
            "message": request.params.get("message"),
        }

    @http.route(
        ["/my/raid_items/<int:item_id>/answer"],
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_raid_item_answer(self, item_id, access_token=None, state=None, answer=None, **kw):
        """The customer marks a dependency they own done (or open again) and answers it.
        ``access_token`` is the engagement's link."""
        item_sudo = request.env["engagement.raid.item"].sudo().browse(item_id).exists()
        if not item_sudo or not item_sudo.customer_visible:
            return request.not_found()
        try:
            engagement_sudo = self._document_check_access(
                "engagement.engagement", item_sudo.engagement_id.id, access_token
            )
        except (AccessError, MissingError):
            return request.not_found()
        if not self._portal_may_answer(engagement_sudo, access_token):
            raise AccessError(_("Only the customer answers on this page."))
        partner = self._portal_signer_partner()
        if not item_sudo._portal_may_answer_as(partner):
            raise AccessError(_("This item is not yours to answer."))
        try:
            item_sudo._portal_answer(state, answer, partner=partner)
        except (UserError, ValidationError):
            message = "answer_refused"
        else:
            message = "answered"
        return request.redirect(
            engagement_sudo.get_portal_url(
                query_string=f"&message={message}", anchor=f"raid_item_{item_sudo.id}"
            )
        )

    # ------------------------------------------------------------------ deliverables

    @http.route(["/my/deliverables/<int:deliverable_id>"], type="http", auth="public", website=True)
    def portal_my_deliverable(self, deliverable_id, access_token=None, message=None, **kw):
        deliverable_sudo = self._portal_document(
            "engagement.deliverable", deliverable_id, access_token
        )
        if deliverable_sudo is None:
            return request.not_found()
        values = self._get_page_view_values(
            deliverable_sudo,
            access_token,
            {
                "deliverable": deliverable_sudo,
                "engagement": deliverable_sudo.engagement_id,
                "can_answer": self._portal_may_answer(deliverable_sudo, access_token),
                "message": message,
                "page_name": "deliverable",
            },
            "my_deliverables_history",
            False,
            **kw,
        )
        return request.render("engagement_management.portal_my_deliverable", values)

    @http.route(
        ["/my/deliverables/<int:deliverable_id>/document"],
        type="http",
        auth="public",
        website=True,
    )
    def portal_deliverable_document(self, deliverable_id, access_token=None, **kw):
        deliverable_sudo = self._portal_document(
            "engagement.deliverable", deliverable_id, access_token
        )
        if deliverable_sudo is None or not deliverable_sudo.attachment:
            return request.not_found()
        if not deliverable_sudo.signed_document_intact:
            # Its bytes no longer match the hash taken at signature: not the signed one.
            return request.not_found()
        content = base64.b64decode(deliverable_sudo.with_context(bin_size=False).attachment)
        filename = deliverable_sudo.attachment_name or f"{deliverable_sudo.name}.pdf"
        return request.make_response(
            content,
            headers=[
                ("Content-Type", "application/octet-stream"),
                ("Content-Disposition", http.content_disposition(filename)),
            ],
        )

    @http.route(
        ["/my/deliverables/<int:deliverable_id>/sign"],
        type="jsonrpc",
        auth="public",
        website=True,
    )
    def portal_deliverable_sign(self, deliverable_id, access_token=None, name=None, signature=None):
        return self._portal_sign_document(
            "engagement.deliverable", deliverable_id, access_token, name, signature
        )

    @http.route(
        ["/my/deliverables/<int:deliverable_id>/reject"],
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_deliverable_reject(self, deliverable_id, access_token=None, reason=None, **kw):
        return self._portal_reject_document(
            "engagement.deliverable", deliverable_id, access_token, reason
        )

    # ------------------------------------------------------------------ change orders

    @http.route(
        ["/my/change_orders/<int:change_order_id>"], type="http", auth="public", website=True
    )
    def portal_my_change_order(self, change_order_id, access_token=None, message=None, **kw):
        change_order_sudo = self._portal_document(
            "engagement.change.order", change_order_id, access_token
        )
        if change_order_sudo is None:
            return request.not_found()
        values = self._get_page_view_values(
            change_order_sudo,
            access_token,
            {
                "change_order": change_order_sudo,
                "engagement": change_order_sudo.engagement_id,
                "can_answer": self._portal_may_answer(change_order_sudo, access_token),
                "message": message,
                "page_name": "change_order",
            },
            "my_change_orders_history",
            False,
            **kw,
        )
        return request.render("engagement_management.portal_my_change_order", values)

    @http.route(
        ["/my/change_orders/<int:change_order_id>/document"],
        type="http",
        auth="public",
        website=True,
    )
    def portal_change_order_document(self, change_order_id, access_token=None, download=None, **kw):
        """The Change Order report: a PDF where wkhtmltopdf is installed, else its HTML."""
        change_order_sudo = self._portal_document(
            "engagement.change.order", change_order_id, access_token
        )
        if change_order_sudo is None:
            return request.not_found()
        report_type = (
            "pdf" if request.env["ir.actions.report"].get_wkhtmltopdf_state() == "ok" else "html"
        )
        return self._show_report(
            model=change_order_sudo,
            report_type=report_type,
            report_ref="engagement_management.engagement_change_order_report",
            download=download,
        )

    @http.route(
        ["/my/change_orders/<int:change_order_id>/sign"],
        type="jsonrpc",
        auth="public",
        website=True,
    )
    def portal_change_order_sign(
        self, change_order_id, access_token=None, name=None, signature=None
    ):
        return self._portal_sign_document(
            "engagement.change.order", change_order_id, access_token, name, signature
        )

    @http.route(
        ["/my/change_orders/<int:change_order_id>/reject"],
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_change_order_reject(self, change_order_id, access_token=None, reason=None, **kw):
        # Only an approved change order can be rejected here: drafts never reach it.
        return self._portal_reject_document(
            "engagement.change.order", change_order_id, access_token, reason
        )
