"""Pages that work on a 390 px wide phone: the viewport is the device's, the header and its
navigation wrap, definition lists stack, and wide tables scroll inside themselves."""

import re

import pytest
from django.contrib.staticfiles import finders

from tests.pages import page

pytestmark = pytest.mark.django_db


def stylesheet() -> str:
    with open(finders.find("repairflow/site.css"), encoding="utf-8") as css:
        return css.read()


def small_screen_rules() -> str:
    """The rules of the stylesheet's media query for screens up to 640 px (390 px phones included)."""
    match = re.search(r"@media \(max-width: (\d+)px\) \{(.*?)\n\}", stylesheet(), re.S)
    assert match and int(match.group(1)) >= 390
    return match.group(2)


def test_every_page_takes_the_device_width(client):
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page(client.get("/"))


def test_wide_tables_scroll_inside_themselves_on_a_phone():
    assert re.search(r"table \{[^}]*display: block;[^}]*overflow-x: auto;", small_screen_rules())


def test_the_navigation_wraps_and_definition_lists_stack_on_a_phone():
    rules = small_screen_rules()
    assert "header nav {" in rules and "flex-basis: 100%" in rules
    assert re.search(r"dl \{ grid-template-columns: 1fr; \}", rules)
    assert re.search(r"header nav \{[^}]*flex-wrap: wrap", stylesheet())


def test_destructive_actions_and_banners_have_their_own_styles():
    css = stylesheet()
    assert re.search(r"button\.danger[^{]*\{[^}]*background: var\(--danger\)", css)
    assert "--danger: #b3261e" in css
    for level in ("success", "warning", "error"):
        assert f".banner.{level} {{" in css
