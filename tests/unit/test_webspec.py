"""emtools.webspec: the fields the load run reads for a list or a form, as the web
client would from the view's arch."""

from emtools.webspec import spec_from_arch

MODELS = {
    "project.project": {
        "fields": {
            "name": {"type": "char"},
            "partner_id": {"type": "many2one", "relation": "res.partner"},
            "tag_ids": {"type": "many2many", "relation": "project.tags"},
            "task_ids": {"type": "one2many", "relation": "project.task"},
            "date": {"type": "date"},
        }
    },
    "project.task": {
        "fields": {
            "name": {"type": "char"},
            "user_ids": {"type": "many2many", "relation": "res.users"},
            "stage_id": {"type": "many2one", "relation": "project.task.type"},
        }
    },
}


def test_a_list_reads_every_field_many2ones_with_their_name():
    arch = """<list><field name="name"/><field name="partner_id" optional="show"/>
        <field name="date" column_invisible="1"/><field name="tag_ids" widget="many2many_tags"/>
        <groupby name="partner_id"><field name="name"/></groupby></list>"""
    assert spec_from_arch(arch, "project.project", MODELS, "list") == {
        "name": {},
        "partner_id": {"fields": {"display_name": {}}},
        "date": {},
        "tag_ids": {"fields": {"display_name": {}}},
    }


def test_a_form_reads_its_display_name_nested_fields_and_inline_lists():
    arch = """<form><header><button name="x"/></header><sheet><group>
        <field name="name"/><div><field name="partner_id"/></div></group>
        <notebook><page><field name="task_ids"><list><field name="name"/>
            <field name="stage_id"/><field name="user_ids"/></list>
            <form><field name="name"/><field name="secret"/></form></field></page></notebook>
        <field name="name" invisible="1"/></sheet></form>"""
    spec = spec_from_arch(arch, "project.project", MODELS, "form")
    assert spec == {
        "display_name": {},
        "name": {},
        "partner_id": {"fields": {"display_name": {}}},
        "task_ids": {
            "fields": {
                "name": {},
                "stage_id": {"fields": {"display_name": {}}},
                "user_ids": {"fields": {"display_name": {}}},
            },
            "limit": 40,
        },
    }


def test_fields_the_user_cannot_see_are_left_out():
    arch = '<list><field name="name"/><field name="margin"/></list>'
    assert spec_from_arch(arch, "project.project", MODELS, "list") == {"name": {}}
