"""Issue 18: one highlighted menu entry per page, a menu of a few groups, and error pages in the portal's look."""

import re

import pytest
from django.test import Client

from core.context_processors import NAV_GROUPS
from core.testing import logged_in

pytestmark = pytest.mark.django_db

ACTIVE = re.compile(r'class="(?:active|current)" aria-current="page"')


def nav(html: str) -> str:
    return html.split('<nav class="mainnav"', 1)[1].split("</nav>", 1)[0]


@pytest.mark.parametrize(
    "path, entry",
    [
        ("/civil-defense/shelters/", "/civil-defense/shelters/"),
        ("/civil-defense/", "/civil-defense/"),
        ("/audit/personal-data/", "/audit/personal-data/"),
        ("/audit/", "/audit/"),
        ("/exercises/actions/", "/exercises/actions/"),
    ],
)
def test_exactly_one_menu_entry_is_current(users, path, entry):
    html = nav(logged_in(users.auditor).get(path).content.decode())
    assert len(ACTIVE.findall(html)) == 1, html
    assert re.search(rf'<a href="{re.escape(entry)}" class="(?:active|current)" aria-current="page"', html)
    # and its group, the one thing lit in the bar
    assert html.count('class="active"') == 1


def test_the_menu_is_a_few_groups(users):
    html = nav(logged_in(users.admin).get("/").content.decode())
    top_level = html.count('<div class="navgroup">') + len(re.findall(r"^<a |</div><a ", html))
    assert top_level <= len(NAV_GROUPS)
    assert "aria-current" not in html  # the home page is no menu entry


def test_a_county_official_sees_only_their_entries(users):
    html = nav(logged_in(users.county_a).get("/").content.decode())
    assert "/audit/" not in html and "/civil-defense/shelters/" in html


@pytest.mark.parametrize("language, title", [("zh-hant", "找不到這個頁面"), ("en", "Page not found")])
def test_404_is_the_portals_own_page_in_the_readers_language(users, settings, language, title):
    settings.DEBUG = False
    client = logged_in(users.county_a)
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    html = response.content.decode()
    assert 'id="error-page"' in html and title in html
    assert 'class="topbar"' in html and "/static/css/portal.css" in html.replace("portal.", "portal.")
    anonymous = Client().get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=language)
    assert anonymous.status_code == 404 and title in anonymous.content.decode()


def test_403_is_the_portals_own_page(users, settings):
    settings.DEBUG = False
    response = logged_in(users.county_a).get("/audit/")
    assert response.status_code == 403
    assert "沒有權限" in response.content.decode() and 'id="error-page"' in response.content.decode()


def test_500_page_answers_in_the_layout_and_without_it(rf, users):
    from core.views.errors import server_error

    request = rf.get("/x/")
    request.user = users.county_a
    response = server_error(request)
    assert response.status_code == 500 and "系統發生錯誤" in response.content.decode()


def test_fixed_url_is_the_url_tag_for_routes_without_arguments_under_any_script_prefix():
    from django.template import engines
    from django.urls import set_script_prefix

    django_engine = engines["django"]
    both = django_engine.from_string("{% url 'my:home' %}|{% fixed_url 'my:home' %}|{% fixed_url 'set_language' %}")
    assert both.render({}) == "/my/|/my/|/i18n/setlang/"
    set_script_prefix("/portal/")
    try:
        assert both.render({}) == "/portal/my/|/portal/my/|/portal/i18n/setlang/"
    finally:
        set_script_prefix("/")
