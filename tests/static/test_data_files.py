"""Every XML/CSV data file parses, uses Odoo 19 syntax and references ids
that exist by the time the loader reaches them (manifest order)."""

import pytest
from lxml import etree

from emtools import checks

MODULE = "engagement_management"


def _xml_files(addon_dir):
    return sorted(p for p in addon_dir.rglob("*.xml") if "static" not in p.parts)


def _model_names(addon_dir):
    names = []
    for folder in ("models", "wizard", "report"):
        for path in sorted((addon_dir / folder).glob("*.py")):
            names += [n for n, _ in checks.declared_models(path.read_text(encoding="utf-8"))]
    return names


def test_xml_files_parse_and_use_odoo_19_syntax(addon_dir):
    problems = []
    files = _xml_files(addon_dir)
    assert files, "no XML file found in the addon"
    for path in files:
        rel = path.relative_to(addon_dir)
        try:
            tree = checks.parse_xml(path)
        except etree.XMLSyntaxError as exc:
            problems.append(f"{rel}: does not parse: {exc}")
            continue
        problems += [f"{rel}: {p}" for p in checks.xml_syntax_problems(tree)]
    assert not problems, "\n".join(problems)


def test_references_point_to_ids_defined_earlier(addon_dir, manifest):
    files = []
    for rel, _section in checks.manifest_files(manifest):
        path = addon_dir / rel
        if not path.is_file():
            continue  # reported by test_manifest
        if rel.endswith(".csv"):
            files.append((rel, path.read_text(encoding="utf-8")))
        elif rel.endswith(".xml"):
            try:
                files.append((rel, checks.parse_xml(path)))
            except etree.XMLSyntaxError:
                continue  # reported by the syntax test
    problems = checks.reference_problems(
        files, MODULE, manifest.get("depends", []), _model_names(addon_dir)
    )
    assert not problems, "\n".join(problems)


def test_csv_files_parse_and_access_file_is_well_formed(addon_dir):
    access = addon_dir / "security" / "ir.model.access.csv"
    assert access.is_file(), "security/ir.model.access.csv is missing"
    problems = []
    for path in sorted(addon_dir.rglob("*.csv")):
        rel = path.relative_to(addon_dir)
        text = path.read_text(encoding="utf-8")
        problems += [f"{rel}: {p}" for p in checks.csv_problems(text, path == access)]
    assert not problems, "\n".join(problems)


# --- the checkers themselves -------------------------------------------------


def _syntax(xml):
    return checks.xml_syntax_problems(checks.parse_xml(xml.encode()))


@pytest.mark.parametrize(
    "xml, expected",
    [
        (
            '<odoo><record id="v" model="ir.ui.view"><field name="arch" type="xml">'
            '<tree><field name="a"/></tree></field></record></odoo>',
            "<tree>",
        ),
        (
            '<odoo><record id="v" model="ir.ui.view"><field name="arch" type="xml">'
            '<form><field name="a" attrs="{\'invisible\': 1}"/></form></field></record></odoo>',
            "attrs=",
        ),
        (
            '<odoo><record id="v" model="ir.ui.view"><field name="arch" type="xml">'
            '<form><button name="x" states="draft"/></form></field></record></odoo>',
            "states=",
        ),
        (
            '<odoo><record id="m" model="ir.ui.menu"><field name="groups_id" eval="[]"/>'
            "</record></odoo>",
            "groups_id",
        ),
        (
            '<odoo><record id="a" model="ir.actions.act_window">'
            '<field name="view_mode">tree,form</field></record></odoo>',
            "view_mode",
        ),
        (
            '<odoo><record id="v" model="ir.ui.view"><field name="arch" type="xml">'
            '<xpath expr="//tree" position="inside"/></field></record></odoo>',
            "xpath",
        ),
    ],
)
def test_syntax_checker_flags_pre_19_syntax(xml, expected):
    assert any(expected in p for p in _syntax(xml))


def test_syntax_checker_accepts_odoo_19_view():
    xml = (
        '<odoo><record id="v" model="ir.ui.view"><field name="arch" type="xml">'
        '<list><field name="a" invisible="state == \'done\'"/></list></field>'
        '</record><record id="a" model="ir.actions.act_window">'
        '<field name="view_mode">list,form</field></record></odoo>'
    )
    assert _syntax(xml) == []


def _refs(*files, depends=("crm",), models=()):
    parsed = [
        (name, checks.parse_xml(xml.encode()) if name.endswith(".xml") else xml)
        for name, xml in files
    ]
    return checks.reference_problems(parsed, MODULE, list(depends), models)


def test_reference_checker_flags_unknown_and_late_ids():
    problems = _refs(
        (
            "views/a.xml",
            '<odoo><menuitem id="m" action="act_defined_later"/>'
            '<record id="r" model="x"><field name="y" ref="nowhere"/>'
            '<field name="z" eval="[(4, ref(\'also_nowhere\'))]"/></record></odoo>',
        ),
        (
            "views/b.xml",
            '<odoo><record id="act_defined_later" model="ir.actions.act_window"/></odoo>',
        ),
    )
    text = "\n".join(problems)
    assert "'act_defined_later'" in text
    assert "'nowhere'" in text
    assert "'also_nowhere'" in text


def test_reference_checker_flags_module_outside_dependencies():
    problems = _refs(
        (
            "views/a.xml",
            '<odoo><record id="r" model="x">'
            '<field name="y" ref="stock.warehouse0"/></record></odoo>',
        )
    )
    assert any("'stock' is not a dependency" in p for p in problems)


def test_reference_checker_checks_arch_groups_and_percent_refs():
    problems = _refs(
        (
            "views/a.xml",
            '<odoo><record id="v" model="ir.ui.view"><field name="arch" type="xml">'
            '<form><button name="%(missing_action)d" type="action" '
            'groups="missing_group,base.group_user"/></form></field></record></odoo>',
        )
    )
    text = "\n".join(problems)
    assert "'missing_action'" in text and "'missing_group'" in text
    assert "base.group_user" not in text


def test_reference_checker_accepts_ordered_ids_csv_and_own_models():
    problems = _refs(
        ("security/groups.xml", '<odoo><record id="group_u" model="res.groups"/></odoo>'),
        (
            "security/ir.model.access.csv",
            "id,name,model_id:id,group_id:id,perm_read,perm_write,perm_create,perm_unlink\n"
            "access_x,x,model_engagement_engagement,group_u,1,1,1,1\n",
        ),
        (
            "views/a.xml",
            '<odoo><record id="act" model="ir.actions.act_window">'
            '<field name="res_model_id" ref="model_engagement_engagement"/>'
            '<field name="group_ids" '
            "eval=\"[(4, ref('group_u')), (4, ref('base.group_user'))]\"/>"
            '</record><menuitem id="root"><menuitem id="child" action="act"/></menuitem>'
            '<menuitem id="other" parent="child" groups="engagement_management.group_u"/>'
            "</odoo>",
        ),
        models=("engagement.engagement",),
    )
    assert problems == []


def test_csv_checker_flags_bad_header_duplicates_and_perms():
    text = "id,name,model_id:id,group_id:id,perm_read,perm_write,perm_create\na,a,model_x,,1,1,1\n"
    assert any("header" in p for p in checks.csv_problems(text, is_access_file=True))
    text = (
        "id,name,model_id:id,group_id:id,perm_read,perm_write,perm_create,perm_unlink\n"
        "a,a,model_x,,1,1,1,1\na,a,model_y,,1,2,1,1\n"
    )
    problems = checks.csv_problems(text, is_access_file=True)
    assert "duplicate id 'a'" in problems
    assert any("'2'" in p for p in problems)
