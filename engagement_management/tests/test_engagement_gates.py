from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import EngagementCommon


@tagged("post_install", "-at_install")
class TestEngagementGates(EngagementCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.engagement = cls._create_engagement(
            project_manager_id=False, business_analyst_id=False, budget_revenue=0.0
        )
        # The PM and BA's estimate is approved: the gates below are the other ones.
        cls._approved_estimate(cls.engagement)

    def _messages(self):
        return self.engagement.message_ids

    def test_move_without_gates_names_every_missing_item_and_changes_nothing(self):
        messages = self._messages()
        with self.assertRaises(UserError) as refusal:
            self.engagement.with_user(self.manager).action_move_to_stage(self.stage["contracting"])
        text = str(refusal.exception)
        for missing in (
            "Project Manager is not set",
            "Business Analyst is not set",
            "Baseline Revenue is not set",
        ):
            self.assertIn(missing, text)
        self.assertIn("cannot move to Contracting", text)
        self.assertEqual(self.engagement.stage_id, self.stage["presales"])
        self.assertEqual(self._messages(), messages, "a refused move posts nothing")

    def test_write_goes_through_the_same_gates(self):
        with self.assertRefused(UserError, "Project Manager is not set"):
            self.engagement.with_user(self.manager).write(
                {"stage_id": self.stage["contracting"].id}
            )
        self.assertEqual(self.engagement.stage_id, self.stage["presales"])

    def test_multi_record_write_checks_each_engagement(self):
        ready = self._create_engagement(name="Ready one")
        self._approved_estimate(ready)
        both = ready | self.engagement
        with self.assertRefused(UserError, "Project Manager is not set"):
            both.with_user(self.manager).write({"stage_id": self.stage["contracting"].id})
        self.assertEqual(
            ready.stage_id, self.stage["presales"], "nothing moved, not even the ready one"
        )

    def test_move_once_gates_hold_is_tracked(self):
        self.env.cr.flush()  # close the creation, so the changes below are tracked as changes
        self.engagement.write(
            {
                "project_manager_id": self.pm.id,
                "business_analyst_id": self.ba.id,
                "budget_revenue": 1000.0,
            }
        )
        self.env.cr.flush()
        self.engagement.with_user(self.manager).action_move_to_stage(self.stage["contracting"].id)
        self.env.flush_all()
        self.env.cr.flush()  # tracking values are written at flush
        self.engagement.invalidate_recordset(["message_ids"])
        self.assertEqual(self.engagement.stage_id, self.stage["contracting"])
        message = self.engagement.message_ids.filtered(
            lambda m: "stage_id" in m.tracking_value_ids.field_id.mapped("name")
        )
        self.assertEqual(len(message), 1)
        stage_value = message.tracking_value_ids.filtered(lambda v: v.field_id.name == "stage_id")
        self.assertEqual(stage_value.new_value_char, "Contracting")
        self.assertEqual(message.author_id, self.manager.partner_id)
        self.assertEqual(
            message.subtype_id, self.env.ref("engagement_management.mt_engagement_stage")
        )

    def test_skipping_ahead_checks_every_gate_on_the_way(self):
        engagement = self._create_engagement(name="Skip ahead")
        self._approved_estimate(engagement)
        with self.assertRaises(UserError) as refusal:
            engagement.with_user(self.manager).action_move_to_stage(self.stage["execution"])
        text = str(refusal.exception)
        for missing in (
            "Requirements: Statement of Work signed by the customer",
            "Requirements: Start Date is not set",
            "Planning: Business Requirements Document signed by the customer",
            "Planning: End Date is not set",
            "Execution: Project is not set",
            "Execution: Project Plan signed by the customer",
            "Execution: approval “Kick-off approved”",
        ):
            self.assertIn(missing, text)
        self.assertNotIn("Contracting:", text, "met gates are not listed")
        self.assertEqual(engagement.stage_id, self.stage["presales"])

        engagement.write({"date_start": "2026-01-01", "date_end": "2026-12-31"})
        self._confirm_gates(engagement, self.stage["planning"])
        engagement.with_user(self.manager).action_move_to_stage(self.stage["planning"])
        self.assertEqual(engagement.stage_id, self.stage["planning"])

    def test_create_into_a_later_stage_is_gated(self):
        with self.assertRefused(UserError, "Start Date is not set"):
            self._create_engagement(name="Imported", stage_id=self.stage["requirements"].id)
        self.assertFalse(self.env["engagement.engagement"].search([("name", "=", "Imported")]))

    def test_import_is_gated(self):
        result = self.env["engagement.engagement"].load(
            ["name", "partner_id/.id", "stage_id/.id"],
            [["Imported by file", str(self.customer.id), str(self.stage["planning"].id)]],
        )
        self.assertFalse(result["ids"])
        self.assertIn("cannot move to Planning", " ".join(m["message"] for m in result["messages"]))

    def test_moving_back_is_for_managers(self):
        engagement = self._create_engagement(name="Going back")
        self._approved_estimate(engagement)
        engagement.action_move_to_stage(self.stage["contracting"])
        engagement.message_subscribe(partner_ids=self.pm.partner_id.ids)
        with self.assertRefused(AccessError, "Only engagement managers"):
            engagement.with_user(self.pm).action_move_to_stage(self.stage["presales"])
        self.assertEqual(engagement.stage_id, self.stage["contracting"])
        engagement.with_user(self.manager).action_move_to_stage(self.stage["presales"])
        self.assertEqual(engagement.stage_id, self.stage["presales"])

    def test_cancelling_skips_the_pipeline_gates(self):
        self.engagement.with_user(self.manager).action_move_to_stage(self.stage["cancelled"])
        self.assertEqual(self.engagement.stage_id, self.stage["cancelled"])

    def test_reopening_a_cancelled_engagement_holds_every_gate_on_the_way(self):
        """Cancelled is no way round the gates: reopened straight into Execution, the
        engagement still needs its estimate, its SOW and its BRD."""
        engagement = self._create_engagement(name="Reopened")
        as_manager = engagement.with_user(self.manager)
        as_manager.action_move_to_stage(self.stage["cancelled"])
        for target in ("execution", "closed"):
            with self.subTest(target=target):
                with self.assertRefused(UserError, "cannot move to"):
                    as_manager.action_move_to_stage(self.stage[target])
                with self.assertRefused(UserError, "cannot move to"):
                    as_manager.write({"stage_id": self.stage[target].id})
                self.assertEqual(engagement.stage_id, self.stage["cancelled"])
        # Reopening is still a manager's right, and back to Presales needs nothing.
        with self.assertRefused(AccessError, "Only engagement managers"):
            engagement.with_user(self.pm).action_move_to_stage(self.stage["presales"])
        as_manager.action_move_to_stage(self.stage["presales"])
        self.assertEqual(engagement.stage_id, self.stage["presales"])

    def test_override_needs_administrator_and_reason_and_is_logged(self):
        with self.assertRaises(AccessError):
            self.engagement.with_user(self.manager).action_override_stage(
                self.stage["contracting"], "urgent"
            )
        with self.assertRefused(UserError, "needs a reason"):
            self.engagement.with_user(self.admin).action_override_stage(
                self.stage["contracting"], "   "
            )
        self.assertEqual(self.engagement.stage_id, self.stage["presales"])

        self.engagement.with_user(self.admin).action_override_stage(
            self.stage["contracting"], "Customer signed on paper, PM named next week"
        )
        self.assertEqual(self.engagement.stage_id, self.stage["contracting"])
        note = self.engagement.message_ids.filtered(
            lambda m: (
                m.subtype_id == self.env.ref("engagement_management.mt_engagement_gate_override")
            )
        )
        self.assertEqual(len(note), 1)
        self.assertIn("Customer signed on paper", note.body)
        self.assertIn("Project Manager is not set", note.body)
        self.assertEqual(note.author_id, self.admin.partner_id)

    def test_override_wizard(self):
        wizard = (
            self.env["engagement.stage.override.wizard"]
            .with_user(self.admin)
            .create(
                {
                    "engagement_id": self.engagement.id,
                    "stage_id": self.stage["contracting"].id,
                    "reason": "Steering committee decision",
                }
            )
        )
        self.assertIn("Project Manager is not set", wizard.unmet)
        wizard.action_override()
        self.assertEqual(self.engagement.stage_id, self.stage["contracting"])

    def test_approval_only_by_its_group_and_recorded(self):
        kickoff = self.engagement.gate_line_ids.filtered(
            lambda line: (
                line.gate_id
                == self.env.ref("engagement_management.engagement_stage_gate_execution_kickoff")
            )
        )
        self.engagement.message_subscribe(partner_ids=self.pm.partner_id.ids)
        with self.assertRefused(AccessError, "Only members of"):
            kickoff.with_user(self.pm).action_confirm()
        self.assertEqual(kickoff.state, "pending")
        kickoff.with_user(self.manager).action_confirm()
        self.assertRecordValues(kickoff, [{"state": "done", "done_by_id": self.manager.id}])
        self.assertIn("Kick-off approved", self.engagement.message_ids[0].body)
        self.assertIn(self.manager.name, self.engagement.message_ids[0].body)

    def test_finance_gives_the_financial_close_on_engagements_it_only_reads(self):
        close = self.engagement.gate_line_ids.filtered(
            lambda line: (
                line.gate_id
                == self.env.ref(
                    "engagement_management.engagement_stage_gate_closed_financial_close"
                )
            )
        )
        with self.assertRaises(AccessError):
            close.with_user(self.manager).action_confirm()
        close.with_user(self.finance).action_confirm()
        self.assertRecordValues(close, [{"state": "done", "done_by_id": self.finance.id}])
        self.assertEqual(self.engagement.message_ids[0].author_id, self.finance.partner_id)

    def test_gate_lines_cannot_be_confirmed_by_writing_them(self):
        kickoff = self.engagement.gate_line_ids.filtered(lambda line: line.gate_type == "approval")[
            0
        ]
        checklist = self.engagement.gate_line_ids.filtered(
            lambda line: line.gate_type == "checklist"
        )[0]
        for user in (self.pm, self.manager, self.finance):
            for line in (kickoff, checklist):
                with self.assertRaises(AccessError):
                    line.with_user(user).write({"state": "done"})
        self.assertEqual((kickoff | checklist).mapped("state"), ["pending", "pending"])

    def test_checklist_items_are_for_those_who_work_on_the_engagement(self):
        checklist = self.engagement.gate_line_ids.filtered(
            lambda line: line.gate_type == "checklist"
        )[0]
        with self.assertRaises(AccessError):
            checklist.with_user(self.outsider).action_confirm()
        with self.assertRaises(AccessError):
            checklist.with_user(self.finance).action_confirm()
        self.assertEqual(checklist.state, "pending")
        # Following the engagement is not working on it: reading only.
        self.engagement.message_subscribe(partner_ids=self.pm.partner_id.ids)
        with self.assertRaises(AccessError):
            checklist.with_user(self.pm).action_confirm()
        self.engagement.project_manager_id = self.pm
        checklist.with_user(self.pm).action_confirm()
        self.assertEqual(checklist.state, "done")

    def test_form_shows_what_the_next_stage_needs(self):
        self.assertEqual(self.engagement.next_stage_id, self.stage["contracting"])
        self.assertFalse(self.engagement.next_stage_ready)
        self.assertIn("Project Manager is not set", self.engagement.next_stage_missing)
        self.engagement.write(
            {
                "project_manager_id": self.pm.id,
                "business_analyst_id": self.ba.id,
                "budget_revenue": 10.0,
            }
        )
        self.assertTrue(self.engagement.next_stage_ready)
        self.assertFalse(self.engagement.next_stage_missing)

    def test_new_gate_applies_to_open_engagements(self):
        gate = self.env["engagement.stage.gate"].create(
            {
                "name": "Legal review done",
                "stage_id": self.stage["contracting"].id,
                "gate_type": "checklist",
            }
        )
        self.assertIn(gate, self.engagement.gate_line_ids.gate_id)
        self.engagement.write(
            {
                "project_manager_id": self.pm.id,
                "business_analyst_id": self.ba.id,
                "budget_revenue": 10.0,
            }
        )
        with self.assertRefused(UserError, "Legal review done"):
            self.engagement.action_move_to_stage(self.stage["contracting"])

    def test_field_gate_on_financial_field_holds_for_users_without_finance(self):
        engagement = self._create_engagement(name="Member moves it")
        self._approved_estimate(engagement)
        engagement.message_subscribe(partner_ids=self.pm.partner_id.ids)
        engagement.with_user(self.pm).action_move_to_stage(self.stage["contracting"])
        self.assertEqual(engagement.stage_id, self.stage["contracting"])
