"""The shipped translations load into Odoo and show: every label, menu, action and view
term of the catalogue is what a user of that language reads, and Python messages come out
translated. Odoo silently drops a view term whose translation breaks the markup, so a
catalogue that only passes msgfmt is not enough."""

import re

import polib
from lxml import html

from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationImporter, code_translations

LANGUAGES = {"fr": "fr_FR", "de": "de_DE", "es": "es_ES"}
MODULE = "engagement_management"


def _text(markup):
    """The words of a term, as a reader sees them (markup and spacing aside)."""
    if "<" in markup:
        markup = html.fromstring(f"<div>{markup}</div>").text_content()
    return re.sub(r"\s+", " ", markup).strip()


def _shown(markup):
    """Everything of a view or an HTML field a reader sees: its text and its labels,
    placeholders and titles (the attributes Odoo translates)."""
    root = html.fromstring(f"<div>{markup}</div>")
    attributes = [value for node in root.iter() for value in node.attrib.values()]
    return " | ".join(_text(part) for part in [root.text_content(), *attributes])


@tagged("post_install", "-at_install")
class TestEngagementTranslations(TransactionCase):
    def _catalogue(self, code):
        return polib.pofile(f"{get_module_path(MODULE)}/i18n/{code}.po")

    def _load(self, code, lang):
        self.env["res.lang"]._activate_lang(lang)
        importer = TranslationImporter(self.env.cr, verbose=False)
        importer.load_file(f"{get_module_path(MODULE)}/i18n/{code}.po", lang)
        importer.save(overwrite=True, force_overwrite=True)

    def _stored_terms(self, po):
        """(entry, model, field, xmlid, kind) for each stored record the catalogue names."""
        for entry in po:
            for occurrence, _line in entry.occurrences:
                kind, _sep, rest = occurrence.partition(":")
                if kind not in ("model", "model_terms"):
                    continue
                target, _sep, xmlid = rest.partition(":")
                model, _sep, field = target.partition(",")
                yield entry, model, field, xmlid, kind

    def test_catalogues_show_in_odoo(self):
        for code, lang in LANGUAGES.items():
            with self.subTest(lang=lang):
                po = self._catalogue(code)
                self._load(code, lang)
                checked, wrong = 0, []
                for entry, model, field, xmlid, kind in self._stored_terms(po):
                    record = self.env.ref(xmlid, raise_if_not_found=False)
                    if record is None or record._name != model:
                        continue  # demo-only records on a database without demo
                    value = record.with_context(lang=lang)[field]
                    expected = _text(entry.msgstr)
                    if kind == "model":
                        ok = _text(str(value or "")) == expected
                    else:
                        ok = expected in _shown(str(value or ""))
                    checked += 1
                    if not ok:
                        wrong.append(f"{xmlid} {field}: {entry.msgid!r}")
                self.assertGreater(checked, 500, "the catalogue names the addon's records")
                self.assertFalse(wrong, f"{lang}: not shown as translated: {wrong[:5]}")

    def test_python_messages_are_translated(self):
        for code, lang in LANGUAGES.items():
            with self.subTest(lang=lang):
                self.env["res.lang"]._activate_lang(lang)
                runtime = code_translations.get_python_translations(MODULE, lang)
                code_entries = [
                    entry for entry in self._catalogue(code) if "odoo-python" in entry.comment
                ]
                self.assertGreater(len(code_entries), 100)
                untranslated = [e.msgid for e in code_entries if runtime.get(e.msgid) != e.msgstr]
                self.assertFalse(untranslated, f"{lang}: {untranslated[:5]}")
