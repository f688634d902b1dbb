"""The Content-Security-Policy (settings CONTENT_SECURITY_POLICY, django-csp): on every page, the
API docs and the admin; and no template has what the policy would block, inline script or
style, so that a template adding one fails here rather than silently in a browser."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse

from repairflow.core.views import server_error
from tests.pages import page

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

# What the policy blocks in a page: a <script> with content or without a src, any <style>
# element, a style="" attribute, an on...="" event handler, a javascript: URL.
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>|<script\b[^>]*>\s*[^\s<]", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)  # onclick=, not on_behalf=
JAVASCRIPT_URL = re.compile(r"""=\s*["']?\s*javascript:""", re.IGNORECASE)


def blocked_inline(html: str) -> list[str]:
    found = []
    for name, pattern in [
        ("inline script", INLINE_SCRIPT),
        ("inline style", INLINE_STYLE),
        ("event handler", EVENT_HANDLER),
        ("javascript: URL", JAVASCRIPT_URL),
    ]:
        found += [f"{name}: {match.group(0).strip()!r}" for match in pattern.finditer(html)]
    return found


def templates() -> list[Path]:
    roots = [Path(settings.BASE_DIR) / "templates", *(Path(settings.BASE_DIR) / "repairflow").glob("*/templates")]
    return sorted(path for root in roots for path in root.rglob("*.html"))


def policy(response) -> dict:
    header = response["Content-Security-Policy"]
    return dict(directive.strip().split(" ", 1) for directive in header.split(";"))


def test_the_scanner_finds_what_the_policy_blocks():
    assert blocked_inline('<script>alert(1)</script><script src="/s.js"></script>') == ["inline script: '<script>'"]
    assert len(blocked_inline('<p style="color: red" onclick="go()"><a href="javascript:go()">')) == 3
    assert blocked_inline("<style>p {}</style>") == ["inline style: '<style'"]
    assert blocked_inline('<script src="/a.js"></script><link rel="stylesheet" href="/a.css">') == []
    assert blocked_inline('{% include "portal/_case_filing.html" with on_behalf=on_behalf %}') == []


def test_there_are_templates_to_scan():
    assert {"base.html", "api_docs.html", "500.html"} <= {path.name for path in templates()}


@pytest.mark.parametrize("template", templates(), ids=lambda path: str(path.relative_to(settings.BASE_DIR)))
def test_no_template_has_inline_script_style_or_event_handlers(template):
    assert blocked_inline(template.read_text(encoding="utf-8")) == []


@pytest.mark.django_db
def test_a_page_has_the_policy(client):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    assert policy(response) == POLICY
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert blocked_inline(page(response)) == []
    assert '/static/repairflow/site.css"' in page(response)


@pytest.mark.django_db
def test_a_signed_in_page_has_the_policy(client, office):
    client.force_login(office)

    response = client.get(reverse("record-list"))

    assert response.status_code == 200
    assert policy(response) == POLICY
    assert blocked_inline(page(response)) == []


def test_the_api_docs_load_their_script_from_this_origin_under_the_policy(client, db):
    response = client.get(reverse("api-docs"))

    assert response.status_code == 200
    assert policy(response) == POLICY
    assert blocked_inline(page(response)) == []
    assert '<script src="/api/docs/?script="></script>' in page(response)
    assert "swagger-ui-bundle.js" in page(response)

    script = client.get(reverse("api-docs"), {"script": ""})

    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in page(script)
    assert '"/api/schema/"' in page(script)


def test_the_admin_has_the_policy_and_nothing_it_blocks(client, office):
    office.is_staff = office.is_superuser = True
    office.save()
    client.force_login(office)

    for name in ["admin:index", "admin:records_user_changelist", "admin:records_user_add"]:
        response = client.get(reverse(name))

        assert response.status_code == 200, name
        assert policy(response) == POLICY
        assert blocked_inline(page(response)) == [], name


def test_the_api_has_the_policy(api, office):
    response = api.as_user(office).get("/api/v1/records/")

    assert response.status_code == 200
    assert policy(response) == POLICY


def test_the_server_error_page_has_nothing_the_policy_blocks():
    assert blocked_inline(server_error(RequestFactory().get("/records/")).content.decode()) == []
