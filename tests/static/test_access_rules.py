"""Every model the addon creates has at least one access rule line."""

from emtools import checks

MODULE = "engagement_management"
MODEL_FOLDERS = ("models", "wizard", "report")


def test_every_model_has_an_access_line(addon_dir):
    models = []
    for folder in MODEL_FOLDERS:
        for path in sorted((addon_dir / folder).glob("*.py")):
            models += checks.declared_models(path.read_text(encoding="utf-8"))
    assert models, "no model with _name found in models/, wizard/ or report/"
    access = (addon_dir / "security" / "ir.model.access.csv").read_text(encoding="utf-8")
    problems = checks.missing_access_problems(models, checks.access_model_ids(access, MODULE))
    assert not problems, "\n".join(problems)


SOURCE = """
from odoo import models, fields

class Engagement(models.Model):
    _name = "engagement.engagement"
    _inherit = ["mail.thread"]

class Wizard(models.TransientModel):
    _name = "engagement.create.wizard"

class Mixin(models.AbstractModel):
    _name = "engagement.mixin"

class Lead(models.Model):
    _inherit = "crm.lead"

class Redeclared(models.Model):
    _name = "sale.order"
    _inherit = "sale.order"
"""


def test_declared_models_skips_inherit_only_classes():
    assert checks.declared_models(SOURCE) == [
        ("engagement.engagement", "Model"),
        ("engagement.create.wizard", "TransientModel"),
        ("engagement.mixin", "AbstractModel"),
    ]


def test_missing_access_is_flagged_for_models_and_wizards_not_abstract():
    access = (
        "id,name,model_id:id,group_id:id,perm_read,perm_write,perm_create,perm_unlink\n"
        "a,a,engagement_management.model_engagement_engagement,,1,1,1,1\n"
    )
    problems = checks.missing_access_problems(
        checks.declared_models(SOURCE), checks.access_model_ids(access, MODULE)
    )
    assert len(problems) == 1
    assert "engagement.create.wizard" in problems[0]
