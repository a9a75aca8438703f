import inspect

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .access_matrix import (
    ACL,
    ACTIONS,
    NOT_IN_ACTIONS,
    OPERATIONS,
    RECORD,
    expected,
    expected_actions,
)
from .access_matrix_common import AccessMatrixCommon

ADDON_MODULE = "odoo.addons.engagement_management."


@tagged("post_install", "-at_install")
class TestEngagementAccessMatrix(AccessMatrixCommon):
    """Every model of the addon, every group, every operation and every workflow button:
    as the table says.

    The table (tests/access_matrix.py) is also the README's access matrix, so what the
    README promises is what this test checks.
    """

    def test_the_table_covers_every_model_of_the_addon(self):
        model_ids = self.env["ir.model.data"].search(
            [("module", "=", "engagement_management"), ("model", "=", "ir.model")]
        )
        models = [
            model.model
            for model in self.env["ir.model"].browse(model_ids.mapped("res_id"))
            if model.model.startswith("engagement.") and not self.env[model.model]._abstract
        ]
        self.assertEqual(sorted(models), sorted(ACL))
        self.assertEqual(sorted(RECORD), sorted(ACL))
        for model, record in self.samples.items():
            self.assertEqual(len(record), 1, f"no sample record of {model}")

    def test_access_rights_of_each_group_on_each_model(self):
        for model in ACL:
            for key, rights in expected(ACL, model).items():
                Model = self.env[model].with_user(self.users[key])
                for _letter, operation in OPERATIONS:
                    with self.subTest(model=model, group=key, operation=operation):
                        self.assertEqual(Model.has_access(operation), rights[operation])

    def test_rights_on_a_record_of_an_engagement_they_are_not_member_of(self):
        for model, record in self.samples.items():
            for key, rights in expected(RECORD, model).items():
                as_user = record.with_user(self.users[key])
                for _letter, operation in OPERATIONS:
                    with self.subTest(model=model, group=key, operation=operation):
                        self.assertEqual(as_user.has_access(operation), rights[operation])
                if rights["read"]:
                    # has_access is what the ORM checks; reading for real agrees.
                    as_user.read(["display_name"])

    def test_the_table_covers_every_action_of_the_addon(self):
        """A new button of the addon is a new row (or a reason to leave it out)."""
        models = set(ACL) | {"crm.lead", "project.project", "sale.order"}
        found = set()
        for model in models:
            for cls in type(self.env[model]).mro():
                if not cls.__module__.startswith(ADDON_MODULE):
                    continue
                found.update(
                    f"{model}.{name}"
                    for name, member in vars(cls).items()
                    if name.startswith("action_") and inspect.isfunction(member)
                )
        in_table = {key.partition(" [")[0] for key in ACTIONS}
        self.assertEqual(found, in_table | set(NOT_IN_ACTIONS))
        self.assertFalse(in_table & set(NOT_IN_ACTIONS))

    def test_each_action_as_each_group(self):
        for key, allowed_by_group in expected_actions().items():
            case = self.action_cases[key]
            for group, allowed in allowed_by_group.items():
                env = self.env(user=self.users[group])
                with self.subTest(action=key, group=group), self.rolled_back():
                    case.make_member(self.users[group])
                    if allowed:
                        case.run(env)
                        self.env.flush_all()
                    else:
                        with self.assertRaises(AccessError):
                            case.run(env)
