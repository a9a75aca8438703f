"""The Apps page (static/description/index.html): well-formed, shows only images that
are there and that scripts/screenshots writes (so one run refreshes them), and nothing
the Apps store strips (scripts, external images)."""

from lxml import etree, html

from emtools import paths

DESCRIPTION = paths.ADDON_DIR / "static" / "description"


def _page():
    return html.fromstring((DESCRIPTION / "index.html").read_text(encoding="utf-8"))


def test_the_apps_page_is_well_formed_html():
    # The Apps store renders the file as an HTML fragment: it must parse as XML too.
    etree.fromstring(f"<div>{(DESCRIPTION / 'index.html').read_text(encoding='utf-8')}</div>")


def test_the_apps_page_shows_the_screenshots_scripts_screenshots_writes():
    shots = paths.load_script("screenshots").DESCRIPTION_SHOTS
    sources = {img.get("src") for img in _page().iter("img")}
    assert sources, "the Apps page shows no screenshot"
    assert sources <= shots, sources - shots
    for source in sources:
        assert (DESCRIPTION / source).is_file(), source
    assert all(img.get("alt") for img in _page().iter("img"))


def test_the_apps_page_has_no_script_and_no_remote_image():
    page = _page()
    assert not page.xpath("//script|//link|//iframe|//style")
    assert not [img.get("src") for img in page.iter("img") if "//" in img.get("src", "")]
    headings = [h.text_content() for h in page.iter("h2")]
    for section in ("Gated stages", "Who does what", "Configure"):
        assert section in headings, headings
