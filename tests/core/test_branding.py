"""The product carries its own name and icon: a favicon linked from every page (and answered at
/favicon.ico for tools that do not read the page), and an admin titled "repairflow", not
"Django administration"."""

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from repairflow.core.views import FAVICON
from tests.pages import page

pytestmark = pytest.mark.django_db


def test_every_page_links_the_svg_favicon(client):
    assert '<link rel="icon" href="/static/repairflow/favicon.svg" type="image/svg+xml">' in page(client.get("/"))
    with open(finders.find(FAVICON)) as icon:
        assert icon.read().startswith("<svg ")


def test_favicon_ico_answers_with_the_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"] == "/static/repairflow/favicon.svg"


def test_the_admin_is_titled_repairflow(client, office_admin):
    client.force_login(office_admin)

    shown = page(client.get(reverse("admin:index")))

    assert "Django" not in shown
    assert "<title>信用办管理 | repairflow 管理后台</title>" in shown
