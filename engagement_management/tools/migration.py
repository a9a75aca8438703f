"""What the migration scripts share: reloading ``noupdate`` records from the data files.

An update skips every record of a ``noupdate`` block that exists (Odoo's loader,
``odoo/tools/convert.py``), so a changed rule, gate or template never reaches a database
installed before the change. A release's post-migrate names the records whose
definition it changed, and they are loaded again, alone, from the module's current
data files, as a fresh install loads them; every other ``noupdate`` record keeps what
the company made of it.
"""

from lxml import etree

from odoo.modules.module import get_manifest
from odoo.tools.convert import xml_import
from odoo.tools.misc import file_path

MODULE = "engagement_management"


def _noupdate_records():
    """``{name: (data file, <record> element)}`` of every record in a ``noupdate``
    block of the manifest's data files (names without the module)."""
    records = {}
    for path in get_manifest(MODULE)["data"]:
        if not path.endswith(".xml"):
            continue
        tree = etree.parse(file_path(f"{MODULE}/{path}"))
        for block in tree.xpath("//*[@noupdate]"):
            if block.get("noupdate").lower() not in ("1", "true"):
                continue
            for record in block.iter("record"):
                name = record.get("id")
                if name.startswith(f"{MODULE}."):
                    name = name.split(".", 1)[1]
                if "." not in name:
                    records[name] = (path, record)
    return records


def reload_noupdate_records(env, names):
    """Load the ``noupdate`` records ``names`` again from their data files, replacing
    what the database holds of them. Fails on a name no data file defines, so that a
    typo in a migration does not pass for a reloaded record."""
    records = _noupdate_records()
    unknown = sorted(set(names) - set(records))
    if unknown:
        raise ValueError(f"no noupdate record of {MODULE} is named {', '.join(unknown)}")
    by_file = {}
    for name in names:
        path, record = records[name]
        by_file.setdefault(path, []).append(record)
    for path, elements in by_file.items():
        document = etree.Element("odoo", noupdate="1")
        document.extend(etree.fromstring(etree.tostring(element)) for element in elements)
        # 'init' as on a fresh install: the loader writes the records whatever their
        # noupdate flag (their own data files were validated when the module loaded).
        xml_import(env, MODULE, {}, "init", noupdate=True, xml_filename=path).parse(document)
