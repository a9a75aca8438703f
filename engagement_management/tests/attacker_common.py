import base64

from odoo import Command
from odoo.tests import new_test_user

from .common import SIGNATURE_PNG, EngagementCommon

BRD = "engagement_management.engagement_deliverable_type_brd"
DOCUMENT = base64.b64encode(b"%PDF-1.4 countersigned copy").decode()


class AttackerCommon(EngagementCommon):
    """The insiders the controls are for, and one record of each asset they go after.

    The engagement's PM and BA are members by name; Legal, Finance and a plain user
    outsider follow it; the customer's portal contact works for its customer.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.legal = new_test_user(
            cls.env, "em_legal", groups="engagement_management.group_engagement_legal", name="Lea"
        )
        cls.portal = new_test_user(
            cls.env, "em_attacker_portal", groups="base.group_portal", name="Carla Customer"
        )
        cls.portal.partner_id.parent_id = cls.customer
        cls.engagement = cls._create_engagement(budget_cost=30000.0)
        cls.engagement.message_subscribe(
            partner_ids=(cls.legal | cls.finance | cls.outsider).partner_id.ids
        )
        cls.ChangeOrder = cls.env["engagement.change.order"]
        cls.signed_brd = cls._sign_deliverable(cls.engagement, BRD)
        cls.draft_brd = cls._make_deliverable(cls.engagement, BRD, name="BRD draft")
        cls.co_draft = cls._new_co("Draft change")
        cls.co_submitted = cls._walk(cls._new_co("Submitted change"), "submitted")
        cls.co_approved = cls._walk(cls._new_co("Approved change"), "approved")
        cls.co_signed = cls._walk(cls._new_co("Signed change"), "signed")
        cls.co_applied = cls._walk(cls._new_co("Applied change"), "applied")
        cls.co_countersigned = cls._walk(cls._new_co("Countersigned change"), "approved")
        cls.co_countersigned.with_user(cls.manager).write(
            {"countersigned_file": DOCUMENT, "countersigned_filename": "copy.pdf"}
        )
        cls.co_countersigned.with_user(cls.manager).action_upload_countersigned("Carla")
        cls.status_report = cls.env["engagement.status.report"].create(
            {"engagement_id": cls.engagement.id, "health": "amber", "summary": "Late."}
        )
        cls.dependency = cls.env["engagement.raid.item"].create(
            {
                "engagement_id": cls.engagement.id,
                "kind": "dependency",
                "name": "Test data from the warehouse",
                "partner_id": cls.portal.partner_id.id,
                "customer_visible": True,
                "owner_id": cls.pm.id,
            }
        )
        Review = cls.env["engagement.margin.review"]
        cls.review = Review.create(
            {"name": "January", "date_from": "2025-01-01", "date_to": "2025-01-31"}
        )
        started = Review.create(
            {"name": "February", "date_from": "2025-02-01", "date_to": "2025-02-28"}
        )
        started.action_start()
        cls.review_line = started.line_ids.filtered(
            lambda line: line.engagement_id == cls.engagement
        )
        role = cls.env["project.role"].create({"name": "Attacker consultant"})
        cls.rate_card = cls.env["engagement.rate.card"].create(
            {
                "name": "Attacker rates",
                "line_ids": [
                    Command.create({"role_id": role.id, "bill_rate": 100.0, "cost_rate": 50.0})
                ],
            }
        )
        cls.estimate_role = role
        cls.estimate_draft = (
            cls.env["engagement.estimate"]
            .with_user(cls.ba)
            .create(
                {
                    "engagement_id": cls.engagement.id,
                    "rate_card_id": cls.rate_card.id,
                    "line_ids": [
                        Command.create(
                            {"phase": "Build", "name": "Work", "role_id": role.id, "hours": 10.0}
                        )
                    ],
                }
            )
        )
        cls.estimate_approved = cls.estimate_draft.copy({"name": "Approved estimate"})
        cls.estimate_approved.with_user(cls.ba).action_submit()
        cls.estimate_approved.with_user(cls.manager).action_approve()
        # As at the end of the transaction that made them: later changes are tracked
        # (Odoo does not track what the same transaction created).
        cls.env.flush_all()
        cls.env.cr.precommit.run()

    @classmethod
    def _new_co(cls, title, **values):
        vals = {
            "engagement_id": cls.engagement.id,
            "title": title,
            "category": "scope",
            "revenue_delta": 1000.0,
            "cost_delta": 400.0,
            "reason": "Asked in the workshop.",
        }
        vals.update(values)
        return cls.ChangeOrder.with_user(cls.pm).create(vals)

    @classmethod
    def _walk(cls, order, until):
        """Walk ``order`` as the right people (the customer on the portal) to ``until``."""
        steps = (
            ("submitted", lambda: order.with_user(cls.pm).action_submit()),
            ("approved", lambda: order.with_user(cls.manager).action_approve()),
            ("signed", lambda: order.sudo().action_sign("Carla", signature=SIGNATURE_PNG)),
            ("applied", lambda: order.with_user(cls.manager).action_apply()),
        )
        for state, step in steps:
            step()
            if state == until:
                break
        return order

    def samples(self):
        """One record per model of the workflow guard, in a state where only the guard
        (not a frozen state) stands between a user and the write."""
        return {
            "engagement.engagement": self.engagement,
            "engagement.deliverable": self.draft_brd,
            "engagement.change.order": self.co_draft,
            "engagement.gate.line": self.engagement.gate_line_ids[:1],
            "engagement.status.report": self.status_report,
            "engagement.raid.item": self.dependency,
            "engagement.margin.review": self.review,
            "engagement.margin.review.line": self.review_line,
            "engagement.estimate": self.estimate_draft,
            "engagement.estimate.line": self.estimate_draft.line_ids,
        }

    def forged_value(self, record, name):
        """A value of field ``name`` other than ``record``'s, as an attacker would send."""
        field = record._fields[name]
        current = record.sudo()[name]
        if field.type == "selection":
            options = [value for value, __ in field._description_selection(self.env)]
            return next(value for value in options if value != current)
        if field.type == "many2one":
            other = (
                self.env[field.comodel_name]
                .with_context(active_test=False)
                .search([("id", "not in", current.ids)], limit=1)
            )
            self.assertTrue(other, f"no other {field.comodel_name} to forge {name} with")
            return other.id
        if field.type == "boolean":
            return not current
        if field.type in ("char", "text", "html"):
            return "Forged"
        if field.type in ("float", "monetary"):
            return (current or 0.0) + 42.0
        if field.type == "integer":
            return (current or 0) + 7
        if field.type == "date":
            return "2020-02-02"
        if field.type == "datetime":
            return "2020-02-02 10:00:00"
        if field.type == "binary":
            return SIGNATURE_PNG.decode()
        raise AssertionError(f"no forged value for a {field.type} field ({name})")

    def attachment_of(self, record, field_name):
        return (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", record._name),
                    ("res_field", "=", field_name),
                    ("res_id", "=", record.id),
                ]
            )
        )
