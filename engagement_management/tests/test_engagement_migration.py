from odoo.tests import TransactionCase, tagged

from ..tools.migration import reload_noupdate_records

MODULE = "engagement_management."


@tagged("post_install", "-at_install")
class TestEngagementMigration(TransactionCase):
    """An upgrade brings the noupdate records a release changed, and only those: the
    company's own edits of the others stay."""

    def test_a_changed_record_is_reloaded_and_the_companys_other_edits_stay(self):
        changed = self.env.ref(MODULE + "engagement_engagement_rule_member")
        kept = self.env.ref(MODULE + "engagement_deliverable_rule_member")
        gate = self.env.ref(MODULE + "engagement_stage_gate_contracting_estimate")
        defined = changed.domain_force
        # What an installed database may hold: an older definition, and the company's
        # own edits of other noupdate records.
        changed.domain_force = "[(1, '=', 1)]"
        kept.domain_force = "[('create_uid', '=', user.id)]"
        gate.name = "Our own gate name"

        reload_noupdate_records(self.env, ["engagement_engagement_rule_member"])

        self.env.invalidate_all()
        self.assertEqual(changed.domain_force, defined)
        self.assertEqual(kept.domain_force, "[('create_uid', '=', user.id)]")
        self.assertEqual(gate.name, "Our own gate name")

    def test_a_record_from_another_file_is_reloaded_too(self):
        gate = self.env.ref(MODULE + "engagement_stage_gate_contracting_estimate")
        defined = (gate.name, gate.gate_type)
        gate.write({"name": "Renamed", "sequence": 99})
        reload_noupdate_records(
            self.env,
            ["engagement_stage_gate_contracting_estimate", "engagement_engagement_rule_member"],
        )
        self.env.invalidate_all()
        self.assertEqual((gate.name, gate.gate_type), defined)

    def test_a_name_no_data_file_defines_is_refused(self):
        rule = self.env.ref(MODULE + "engagement_engagement_rule_member")
        rule.domain_force = "[(1, '=', 1)]"
        with self.assertRaisesRegex(ValueError, "engagement_rule_typo"):
            reload_noupdate_records(
                self.env, ["engagement_engagement_rule_member", "engagement_rule_typo"]
            )
        self.env.invalidate_all()
        self.assertEqual(rule.domain_force, "[(1, '=', 1)]")
