import base64

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .attacker_common import BRD, AttackerCommon
from .common import SIGNATURE_PNG
from .threat_matrix import BINARY_FIELDS, INTERNAL_FIELDS, READONLY_NOT_WORKFLOW, WORKFLOW_FIELDS

MAGIC = {"id", "create_uid", "create_date", "write_uid", "write_date"}


@tagged("post_install", "-at_install")
class TestEngagementAttacker(AttackerCommon):
    """Each control, tried by the insiders it controls by every path they have; each
    refusal changes nothing."""

    # ------------------------------------------------------------------ the tables

    def guarded_models(self):
        Mixin = self.registry["engagement.workflow.mixin"]
        return {
            name
            for name in self.registry
            if not self.env[name]._abstract and isinstance(self.env[name], Mixin)
        }

    def test_every_workflow_field_read_only_field_and_file_has_a_row(self):
        self.assertEqual(self.guarded_models(), set(WORKFLOW_FIELDS))
        for model, owned in WORKFLOW_FIELDS.items():
            Model = self.env[model]
            with self.subTest(model=model):
                self.assertEqual(set(Model._workflow_fields()), owned)
                derived = Model._derived_fields()
                read_only = {
                    name
                    for name, field in Model._fields.items()
                    if field.readonly and field.store and name not in MAGIC
                }
                unguarded = read_only - owned - derived
                self.assertEqual(
                    unguarded,
                    {name for (row_model, name) in READONLY_NOT_WORKFLOW if row_model == model},
                    "a read-only field is neither the workflow's nor exempted with a reason",
                )
        files = {
            (name, field_name)
            for name in self.registry
            if name.startswith("engagement.") and not self.env[name]._abstract
            for field_name, field in self.env[name]._fields.items()
            if field.type == "binary" and field.attachment
        }
        self.assertEqual(files, set(BINARY_FIELDS))
        for model, fields in INTERNAL_FIELDS.items():
            self.assertFalse(set(fields) & self.env[model]._portal_fields, model)

    # ------------------------------------------------------------------ workflow fields

    def test_no_plain_write_sets_a_workflow_field_whoever_asks(self):
        """The administrator of the addon, and even the superuser: only the workflow."""
        for model, record in self.samples().items():
            self.assertEqual(len(record), 1, model)
            for name in sorted(WORKFLOW_FIELDS[model]):
                before = record.sudo()[name]
                value = self.forged_value(record, name)
                for env in (record.with_user(self.admin), record.sudo()):
                    with self.subTest(model=model, field=name, su=env.env.su):
                        # The guard names the field; a field the user may not even
                        # read is refused by its groups first (also naming it).
                        with self.assertRefused(UserError, name):
                            env.write({name: value})
                        record.invalidate_recordset()
                        self.assertEqual(record.sudo()[name], before)

    def test_an_import_sets_no_workflow_field(self):
        cases = [
            (self.draft_brd, "state", "signed"),
            (self.draft_brd, "is_current", "0"),
            (self.co_draft, "state", "applied"),
            (self.engagement, "health", "red"),
            (self.engagement, "satisfaction_score", "5"),
            (self.engagement.gate_line_ids[:1], "state", "done"),
            (self.review, "state", "closed"),
        ]
        for record, name, value in cases:
            with self.subTest(model=record._name, field=name):
                before = record[name]
                result = record.with_user(self.admin).load([".id", name], [[str(record.id), value]])
                self.assertFalse(result["ids"])
                messages = " ".join(message["message"] for message in result["messages"])
                self.assertIn(f"({name})", messages)
                record.invalidate_recordset()
                self.assertEqual(record[name], before)

    def test_a_create_states_no_workflow_value(self):
        Deliverable = self.env["engagement.deliverable"].with_user(self.pm)
        base = {
            "engagement_id": self.engagement.id,
            "type_id": self.env.ref(BRD).id,
            "name": "Forged",
        }
        for forged in (
            {"state": "signed"},
            {"signed_by": "Nobody"},
            {"is_current": False},
            {"version": 9},
            {"company_id": self.company_b.id},
        ):
            with self.subTest(values=forged), self.assertRefused(UserError, "workflow buttons"):
                Deliverable.create({**base, **forged})
        with self.assertRefused(UserError, "workflow buttons"):
            self.env["engagement.engagement"].with_user(self.manager).create(
                {"name": "Forged", "partner_id": self.customer.id, "health": "red"}
            )

    # ------------------------------------------------------------------ context keys

    def test_no_context_key_switches_a_guard_off(self):
        uninstall = {"_force_unlink": True, "module_uninstall": True}
        for record, user in (
            (self.co_applied, self.manager),
            (self.co_submitted, self.manager),
            (self.signed_brd, self.manager),
            (self.engagement, self.manager),
        ):
            with self.subTest(record=record.display_name):
                with self.assertRefused(UserError, "cannot be deleted"):
                    record.with_user(user).with_context(**uninstall).unlink()
                with self.assertRefused(UserError, "cannot be deleted"):
                    record.sudo().with_context(**uninstall).unlink()
                self.assertTrue(record.exists())
        revised = self.engagement.revised_revenue
        self.assertEqual(revised, 51000.0)
        # A string in the workflow's key is not the workflow.
        for key in ("engagement_workflow", "engagement_change_order_workflow"):
            with self.assertRefused(UserError, "(state)"):
                self.co_draft.with_user(self.manager).with_context(**{key: "1"}).write(
                    {"state": "applied"}
                )
        # Defaults from the context give no workflow value.
        forged = (
            self.env["engagement.deliverable"]
            .with_user(self.pm)
            .with_context(
                default_state="signed",
                default_signed_by="Nobody",
                default_submitted_on="2020-01-01 10:00:00",
                default_company_id=self.company_b.id,
            )
            .create(
                {
                    "engagement_id": self.engagement.id,
                    "type_id": self.env.ref(BRD).id,
                    "name": "Defaulted",
                }
            )
        )
        self.assertRecordValues(
            forged,
            [
                {
                    "state": "draft",
                    "signed_by": False,
                    "submitted_on": False,
                    "company_id": self.company.id,
                }
            ],
        )
        order = (
            self.ChangeOrder.with_user(self.pm)
            .with_context(default_state="applied", default_sent_on="2020-01-01 10:00:00")
            .create({"engagement_id": self.engagement.id, "title": "Defaulted", "hours_delta": 4})
        )
        self.assertRecordValues(order, [{"state": "draft", "sent_on": False}])
        self.assertEqual(self.engagement.revised_revenue, revised)
        # The portal's flag grants nothing without the superuser.
        with self.assertRefused(AccessError, "Only the customer answers"):
            self.co_approved.with_user(self.manager).with_context(
                engagement_portal_answer=True
            ).action_sign("Carla")
        # A stage change is in the chatter whatever the client asked.
        stage_field = self.env["ir.model.fields"]._get("engagement.engagement", "stage_id")
        self._confirm_gates(self.engagement, self.stage["contracting"])
        self.engagement.with_user(self.pm).with_context(
            tracking_disable=True, mail_notrack=True
        ).action_move_to_stage(self.stage["contracting"])
        self.assertEqual(self.engagement.stage_id, self.stage["contracting"])
        self.env.cr.precommit.run()  # tracking is written when the transaction ends
        self.engagement.invalidate_recordset(["message_ids"])
        tracked = self.engagement.message_ids.tracking_value_ids.filtered(
            lambda value: value.field_id == stage_field
        )
        self.assertEqual(tracked.new_value_char, self.stage["contracting"].name)

    # ------------------------------------------------------------------ following

    def test_following_an_engagement_grants_reading_at_most(self):
        self.engagement.with_user(self.finance).message_subscribe(
            partner_ids=self.finance.partner_id.ids
        )
        for user in (self.legal, self.finance, self.outsider):
            with self.subTest(user=user.name):
                engagement = self.engagement.with_user(user)
                engagement.read(["name", "stage_id"])
                with self.assertRaises(AccessError):
                    engagement.write({"name": "Taken over"})
                with self.assertRaises(AccessError):
                    self.co_draft.with_user(user).write({"title": "Taken over"})
                with self.assertRaises(AccessError):
                    self.co_draft.with_user(user).action_submit()
                with self.assertRaises(AccessError):
                    self._new_co("Raised by a follower").with_user(user).unlink()
                with self.assertRaises(AccessError):
                    self.ChangeOrder.with_user(user).create(
                        {"engagement_id": self.engagement.id, "title": "X", "hours_delta": 1}
                    )
                with self.assertRaises(AccessError):
                    self.draft_brd.with_user(user).action_submit()
                with self.assertRaises(AccessError):
                    self.env["engagement.status.report"].with_user(user).create(
                        {"engagement_id": self.engagement.id, "health": "red", "summary": "X"}
                    )
                checklist = self.engagement.gate_line_ids.filtered(
                    lambda line: line.gate_type == "checklist"
                )[:1]
                with self.assertRaises(AccessError):
                    checklist.with_user(user).action_confirm()
        self.assertEqual(self.engagement.name, "Warehouse system")
        self.assertEqual((self.co_draft.title, self.co_draft.state), ("Draft change", "draft"))
        self.assertEqual(self.draft_brd.state, "draft")

    # ------------------------------------------------------------------ signed files

    def test_a_signed_file_cannot_be_replaced_through_its_attachment(self):
        frozen = {
            ("engagement.deliverable", "attachment"): self.signed_brd,
            ("engagement.deliverable", "signature"): self.signed_brd,
            ("engagement.change.order", "signature"): self.co_signed,
            ("engagement.change.order", "countersigned_file"): self.co_countersigned,
        }
        self.assertEqual(set(frozen), {key for key, when in BINARY_FIELDS.items() if when})
        other = self.env["ir.attachment"].create({"name": "other.pdf", "raw": b"%PDF-1.4 x"})
        forged = base64.b64encode(b"%PDF-1.4 forged").decode()
        for (model, field_name), record in frozen.items():
            attachment = self.attachment_of(record, field_name)
            self.assertEqual(len(attachment), 1, (model, field_name))
            before = attachment.raw
            for user_env in (attachment.with_user(self.manager), attachment.sudo()):
                with self.subTest(field=field_name, su=user_env.env.su):
                    with self.assertRefused(UserError, "is signed"):
                        user_env.write({"datas": forged})
                    with self.assertRefused(UserError, "is signed"):
                        user_env.unlink()
                    with self.assertRefused(UserError, "is signed"):
                        user_env.create(
                            {
                                "name": "forged.pdf",
                                "datas": forged,
                                "res_model": model,
                                "res_field": field_name,
                                "res_id": record.id,
                            }
                        )
                    with self.assertRefused(UserError, "is signed"):
                        other.with_env(user_env.env).write(
                            {"res_model": model, "res_field": field_name, "res_id": record.id}
                        )
            attachment.invalidate_recordset()
            self.assertEqual(attachment.raw, before)
            self.assertTrue(record.signed_document_intact)
        with self.assertRefused(UserError, "cannot be changed"):
            self.signed_brd.with_user(self.manager).write({"attachment": forged})

    def test_what_reviewers_approved_is_what_the_customer_gets(self):
        sow = self._make_deliverable(
            self.engagement, "engagement_management.engagement_deliverable_type_sow"
        )
        sow.with_user(self.pm).action_request_review()
        with self.assertRefused(UserError, "terms are frozen"):
            sow.with_user(self.pm).write(
                {"attachment": base64.b64encode(b"%PDF-1.4 swapped after review")}
            )
        elsewhere = self._create_engagement(name="Elsewhere")
        with self.assertRefused(UserError, "terms are frozen"):
            sow.with_user(self.pm).write({"engagement_id": elsewhere.id})
        self.assertEqual(sow.engagement_id, self.engagement)

    # ------------------------------------------------------------------ derived fields

    def test_stored_related_and_computed_fields_are_not_written_through(self):
        cases = [
            (self.draft_brd, self.pm, {"company_id": self.company_b.id}),
            (self.co_draft, self.pm, {"engagement_manager_id": self.pm.id}),
            (self.engagement, self.manager, {"is_closed": True}),
            (self.engagement, self.manager, {"reported_health": "green"}),
            (self.engagement.gate_line_ids[:1], self.admin, {"stage_id": self.stage["closed"].id}),
            (self.status_report, self.manager, {"company_id": self.company_b.id}),
        ]
        for record, user, values in cases:
            with self.subTest(model=record._name, values=values):
                with self.assertRefused(UserError, "workflow buttons"):
                    record.with_user(user).write(values)
        self.assertEqual(self.engagement.user_id, self.manager)
        self.assertFalse(self.engagement.is_closed)
        self.assertFalse(self.stage["presales"].is_closed)
        self.assertEqual(self.engagement.reported_health, "amber")
        self.assertEqual(self.engagement.company_id, self.company)

    # ------------------------------------------------------------------ terms

    def test_the_terms_frozen_at_approval_include_currency_and_customer(self):
        company = self.env.company
        other = self.env.ref("base.EUR")
        if other == company.currency_id:
            other = self.env.ref("base.USD")
        other.active = True
        self.env["res.currency.rate"].create(
            {"name": "2020-01-01", "rate": 2.0, "currency_id": other.id, "company_id": company.id}
        )
        new_customer = self.env["res.partner"].create({"name": "Zenith", "is_company": True})
        # Committed to its customer (documents went to them): its customer, currency and
        # baseline no longer change, for anyone; a change order does that.
        for values in (
            {"currency_id": other.id},
            {"partner_id": new_customer.id},
            {"budget_revenue": 99.0},
            {"billing_type": "time_materials"},
        ):
            with self.subTest(values=values):
                with self.assertRefused(UserError, "is committed to its customer"):
                    self.engagement.with_user(self.manager).write(values)
        self.assertRecordValues(
            self.engagement,
            [{"currency_id": company.currency_id.id, "partner_id": self.customer.id}],
        )
        self.assertEqual(self.engagement.sudo().budget_revenue, 50000.0)
        # Before that, a change order submitted keeps the currency and customer it was
        # submitted with, and the Finance decision; a draft follows the engagement.
        early = self._create_engagement(name="Early days")
        company.engagement_co_finance_threshold = 1500.0
        submitted = self._walk(self._new_co("Early change", engagement_id=early.id), "submitted")
        draft = self._new_co("Early draft", engagement_id=early.id)
        self.assertFalse(submitted.needs_finance_approval)
        early.with_user(self.manager).write(
            {"currency_id": other.id, "partner_id": new_customer.id}
        )
        self.assertRecordValues(
            submitted,
            [
                {
                    "currency_id": company.currency_id.id,
                    "partner_id": self.customer.id,
                    "needs_finance_approval": False,
                }
            ],
        )
        self.assertRecordValues(draft, [{"currency_id": other.id, "partner_id": new_customer.id}])

    # ------------------------------------------------------------------ links

    def test_orders_and_projects_link_only_to_their_customers_engagement(self):
        stranger = self.env["res.partner"].create({"name": "Zenith Foods", "is_company": True})
        order = self.env["sale.order"].create({"partner_id": stranger.id})
        with self.assertRaises(ValidationError):
            order.engagement_id = self.engagement
        own = self.env["sale.order"].with_user(self.sales).create({"partner_id": self.customer.id})
        self.assertFalse(self.engagement.with_user(self.sales).has_access("write"))
        with self.assertRaises(AccessError):
            own.with_user(self.sales).write({"engagement_id": self.engagement.id})
        with self.assertRaises(AccessError):
            self.env["sale.order"].with_user(self.sales).create(
                {"partner_id": self.customer.id, "engagement_id": self.engagement.id}
            )
        self.assertFalse(own.engagement_id)
        project = self.env["project.project"].create({"name": "Other", "partner_id": stranger.id})
        with self.assertRaises(ValidationError):
            self.engagement.with_user(self.manager).project_id = project
        self.assertFalse(self.engagement.project_id)

    # ------------------------------------------------------------------ the customer's answer

    def test_nobody_inside_answers_for_the_customer(self):
        deliverable = self._make_deliverable(self.engagement, BRD, name="BRD to sign")
        deliverable.action_submit()
        for user in (self.pm, self.manager, self.finance, self.legal, self.admin):
            for record in (deliverable, self.co_approved):
                env = record.with_user(user).with_context(engagement_portal_answer=True)
                with self.subTest(user=user.name, record=record._name):
                    with self.assertRefused(AccessError, "Only the customer answers"):
                        env.action_sign("Carla", signature=SIGNATURE_PNG)
                    if record._name == "engagement.deliverable":
                        with self.assertRefused(AccessError, "Only the customer answers"):
                            env.action_reject("Not this one")
        self.assertEqual((deliverable.state, deliverable.signed_by), ("submitted", False))
        self.assertEqual((self.co_approved.state, self.co_approved.signed_by), ("approved", False))
        # The portal user over RPC, without the portal's route: refused too.
        with self.assertRefused(AccessError, ""):
            deliverable.with_user(self.portal).action_sign("Carla", signature=SIGNATURE_PNG)

    # ------------------------------------------------------------------ what the customer reads

    def test_a_portal_user_reads_over_rpc_only_what_the_page_shows(self):
        records = {
            "engagement.engagement": self.engagement,
            "engagement.deliverable": self.signed_brd,
            "engagement.change.order": self.co_approved,
            "engagement.deliverable.type": self.signed_brd.type_id,
        }
        for model, record in records.items():
            as_portal = record.with_user(self.portal)
            readable = set(as_portal.fields_get())
            with self.subTest(model=model):
                self.assertEqual(
                    readable,
                    {"id", "display_name", "active"} & set(record._fields)
                    | set(record._portal_fields),
                )
                as_portal.read(sorted(record._portal_fields))
                for name in INTERNAL_FIELDS[model]:
                    with self.assertRaises(AccessError):
                        as_portal.read([name])
                    # Nor filter on them (an oracle of their values); a required field
                    # compared with False is optimised away, so compare with a value.
                    field = record._fields[name]
                    value = (
                        field._description_selection(self.env)[0][0]
                        if field.type == "selection"
                        else False
                    )
                    operator = "=" if field.type == "selection" else "!="
                    with self.assertRaises(AccessError):
                        as_portal.search([(name, operator, value)])
        # What was never sent to the customer stays internal for good.
        cancelled = self._make_deliverable(self.engagement, BRD, name="Never sent")
        cancelled.action_cancel()
        rejected_inside = self._walk(self._new_co("Rejected inside"), "submitted")
        rejected_inside.with_user(self.manager).action_reject("Too costly for us")
        for record in (
            self.draft_brd,
            cancelled,
            self.co_draft,
            self.co_submitted,
            rejected_inside,
        ):
            with self.subTest(record=record.display_name):
                self.assertFalse(record.with_user(self.portal).has_access("read"))
        self.assertTrue(self.co_approved.with_user(self.portal).has_access("read"))

    # ------------------------------------------------------------------ chatter, activities, mail

    def test_figures_and_internal_notes_never_reach_members_or_the_customer(self):
        self.engagement.message_subscribe(partner_ids=self.portal.partner_id.ids)
        self.engagement.sudo()._workflow().write({"health": "green"})
        self.env.company.engagement_health_cost_pct = 0.0
        self.engagement.with_user(self.admin).action_override_stage(
            self.stage["planning"], "Signed on paper; margin 12% is fine"
        )
        self.env.cr.precommit.run()  # tracking is written when the transaction ends
        self.engagement.invalidate_recordset(["message_ids"])
        override = self.engagement.message_ids.filtered(
            lambda message: "Signed on paper" in (message.body or "")
        )
        self.assertEqual(len(override), 1)
        self.assertTrue(override.subtype_id.internal)
        stage_messages = self.engagement.message_ids.filtered(
            lambda message: (
                message.subtype_id == self.env.ref("engagement_management.mt_engagement_stage")
            )
        )
        self.assertTrue(stage_messages)
        self.assertTrue(all(message.subtype_id.internal for message in stage_messages))
        notified = self.env["mail.notification"].search(
            [("mail_message_id", "in", self.engagement.message_ids.ids)]
        )
        self.assertNotIn(self.portal.partner_id, notified.res_partner_id)
        # Nor does the customer read it over RPC.
        readable = (
            self.env["mail.message"]
            .with_user(self.portal)
            .search([("model", "=", self.engagement._name), ("res_id", "=", self.engagement.id)])
        )
        self.assertFalse(
            readable.sudo().filtered(lambda message: "Signed on paper" in (message.body or ""))
        )
        # A health change's to-do names no figure: every member reads activities.
        changed = self.engagement._update_health()
        if changed:
            activity = self.engagement.activity_ids.filtered(
                lambda a: (
                    a.activity_type_id
                    == self.env.ref("engagement_management.mail_activity_type_engagement_health")
                )
            )
            self.assertTrue(activity)
            for figure in ("50,000", "30,000", "50000", "30000"):
                self.assertNotIn(figure, activity.note or "")

    def test_what_the_customer_types_is_text_in_the_managers_to_do(self):
        script = "<img src=x onerror=alert(1)><b>no</b>"
        self.co_approved.sudo().with_context(engagement_portal_answer=True).action_reject(
            script, partner=self.portal.partner_id
        )
        activity = self.co_approved.activity_ids.filtered(lambda a: a.user_id == self.manager)
        self.assertTrue(activity)
        self.assertNotIn("<b>", activity.note)
        self.assertNotIn("<img", activity.note)
        self.assertIn("&lt;b&gt;no&lt;/b&gt;", activity.note)
        self.assertEqual(self.co_approved.customer_reject_reason, script)
        self.assertFalse(self.co_approved.rejection_reason)

    # ------------------------------------------------------------------ health

    def test_health_has_one_owner(self):
        for user in (self.pm, self.manager, self.finance, self.admin):
            for values in ({"health": "red"}, {"reported_health": "red"}):
                with self.subTest(user=user.name, values=values):
                    # AccessError (no write right) or UserError (the guard): refused.
                    with self.assertRaises(UserError):
                        self.engagement.with_user(user).write(values)
        self.assertEqual(self.engagement.health, "green")
        self.env["engagement.status.report"].with_user(self.pm).create(
            {"engagement_id": self.engagement.id, "health": "red", "summary": "Go-live slips."}
        )
        self.assertEqual(
            (self.engagement.health, self.engagement.reported_health), ("green", "red")
        )
        with self.assertRefused(UserError, "(user_id)"):
            self.env["engagement.status.report"].with_user(self.pm).create(
                {
                    "engagement_id": self.engagement.id,
                    "health": "green",
                    "summary": "Written by the manager, says I.",
                    "user_id": self.manager.id,
                }
            )

    # ------------------------------------------------------------------ found in review

    def test_no_employee_holds_the_customers_link(self):
        deliverable = self._make_deliverable(self.engagement, BRD, name="BRD sent")
        deliverable.action_submit()
        for record in (deliverable, self.co_approved, self.engagement):
            self.assertTrue(record.sudo()._portal_ensure_token())
            for user in (self.pm, self.manager, self.finance, self.legal, self.admin):
                as_user = record.with_user(user)
                with self.subTest(record=record._name, user=user.name):
                    with self.assertRaises(AccessError):
                        as_user.read(["access_token"])
                    with self.assertRaises(AccessError):
                        as_user.write({"access_token": "chosen-by-the-attacker"})
                    self.assertNotIn("access_token", as_user.get_portal_url())
                    if record._name == "engagement.deliverable":
                        self.assertNotIn("access_token", as_user.action_preview()["url"])
            # The customer's pages (rendered as superuser) carry it.
            self.assertIn(record.sudo().access_token, record.sudo().get_portal_url())

    def test_a_context_default_attaches_no_file_to_a_signed_record(self):
        for record, field_name in (
            (self.signed_brd, "signature"),
            (self.signed_brd, "attachment"),
            (self.co_applied, "signature"),
        ):
            before = self.attachment_of(record, field_name)
            with self.subTest(model=record._name, field=field_name):
                with self.assertRefused(UserError, "is signed"):
                    self.env["ir.attachment"].with_user(self.manager).with_context(
                        default_res_field=field_name
                    ).create(
                        {
                            "name": "forged.png",
                            "res_model": record._name,
                            "res_id": record.id,
                            "datas": SIGNATURE_PNG.decode(),
                        }
                    )
                self.assertEqual(self.attachment_of(record, field_name), before)

    def test_the_document_under_review_or_sent_is_not_swapped_at_its_attachment(self):
        sow = self._make_deliverable(
            self.engagement, "engagement_management.engagement_deliverable_type_sow"
        )
        sow.with_user(self.pm).action_request_review()
        sent = self._make_deliverable(self.engagement, BRD, name="BRD out")
        sent.action_submit()
        for record in (sow, sent):
            attachment = self.attachment_of(record, "attachment")
            before = attachment.raw
            with self.subTest(state=record.state), self.assertRefused(UserError, "is signed"):
                attachment.with_user(self.pm).write(
                    {"datas": base64.b64encode(b"%PDF-1.4 swapped").decode()}
                )
            self.assertEqual(attachment.raw, before)
        # The paper-signature flow still files the countersigned copy.
        sent.with_user(self.manager).action_mark_signed_paper(
            base64.b64encode(b"%PDF-1.4 signed on paper"), "paper.pdf", "Carla"
        )
        self.assertEqual(sent.state, "signed")

    def test_an_order_leaves_or_joins_an_engagement_only_for_who_may_write_it(self):
        order = self.env["sale.order"].create(
            {"partner_id": self.customer.id, "engagement_id": self.engagement.id}
        )
        salesman = self.env["res.users"].create(
            {
                "name": "Sam Sales",
                "login": "em_attacker_sam",
                "group_ids": [
                    (6, 0, [self.env.ref("sales_team.group_sale_salesman_all_leads").id])
                ],
            }
        )
        with self.assertRaises(AccessError):
            order.with_user(salesman).write({"engagement_id": False})
        self.assertEqual(order.engagement_id, self.engagement)
        lead = self.env["crm.lead"].create(
            {"name": "Other deal", "partner_id": self.customer.id, "type": "opportunity"}
        )
        self.engagement.lead_id = lead
        with self.assertRaises(AccessError):
            self.env["sale.order"].with_user(salesman).create(
                {"partner_id": self.customer.id, "opportunity_id": lead.id}
            )
        with self.assertRaises(ValidationError):
            lead.partner_id = self.env["res.partner"].create({"name": "Elsewhere Ltd"})

    def test_nobody_inside_rates_for_the_customer(self):
        # The rating request the customer gets by mail, with its link.
        token = self.engagement.sudo()._rating_get_access_token(self.customer)
        rating = self.env["rating.rating"].sudo().search([("access_token", "=", token)])
        self.assertEqual(len(rating), 1)
        for user in (self.pm, self.ba, self.outsider):
            with self.subTest(user=user.name), self.assertRaises(AccessError):
                rating.with_user(user).read(["access_token"])
        for user in (self.pm, self.ba, self.manager, self.finance):
            with self.subTest(user=user.name):
                with self.assertRaises(AccessError):
                    rating.with_user(user).write({"rating": 1, "consumed": True})
                with self.assertRaises(AccessError):
                    self.env["rating.rating"].with_user(user).create(
                        {
                            "res_model_id": self.env["ir.model"]._get_id(self.engagement._name),
                            "res_id": self.engagement.id,
                            "rating": 1,
                            "consumed": True,
                        }
                    )
                with self.assertRaises(AccessError):
                    self.engagement.with_user(user).rating_apply(1, token=token)
        self.assertEqual((rating.consumed, self.engagement.satisfaction_score), (False, 0.0))
        # The customer's own route (as superuser) still rates.
        self.engagement.sudo().rating_apply(4, token=token)
        self.assertEqual(self.engagement.satisfaction_score, 4.0)

    def test_members_read_no_figure_through_the_opportunity(self):
        for name in ("lead_expected_revenue", "lead_probability"):
            with self.assertRaises(AccessError):
                self.engagement.with_user(self.pm).read([name])
        self.engagement.with_user(self.finance).read(["lead_expected_revenue"])

    def test_members_read_no_figure_on_the_delivery_project_panel(self):
        project = self.env["project.project"].create(
            {"name": "Delivery", "partner_id": self.customer.id, "allow_billable": True}
        )
        self.engagement.project_id = project
        self.assertFalse(project.with_user(self.pm)._show_profitability())
        panel = project.with_user(self.pm).get_panel_data()
        self.assertFalse(panel.get("profitability_items", {}).get("revenues", {}).get("data"))
        self.assertTrue(project.with_user(self.finance)._show_profitability())
