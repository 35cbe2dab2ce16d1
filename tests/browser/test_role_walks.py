"""Every role, on the demo data of `make run`, opens every page its menu offers and the first record of every
list, in zh-Hant, as a first-time user would. The page watch (tests/browser/strict.py) fails the walk on a
console error, a CSP violation, untranslated text or a slow page; the walk itself fails on an error page."""

from io import StringIO

import pytest
from django.core.management import call_command

from core.demo import DEMO_PASSWORD
from tests.browser.support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = ["staff", "approver", "admin", "ntpc", "banqiao", "taipower", "auditor"]
DETAILS_PER_PAGE = 1
DOWNLOADS = (".pdf", ".csv", "/pdf/", "/csv/", "/download/", "/xlsx/")


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=StringIO())


def same_site_links(page, selector: str, base: str) -> list[str]:
    hrefs = page.locator(selector).evaluate_all("els => els.map(a => a.href)")
    return [h.split("#", 1)[0] for h in hrefs if h.startswith(base) and "/logout" not in h and "/api/" not in h]


@pytest.mark.parametrize("username", ROLES)
def test_role_walks_its_menu(page, live_server, demo, watch, username):
    login(page, live_server, username, password=DEMO_PASSWORD)
    menu = list(dict.fromkeys(same_site_links(page, "nav.mainnav a", live_server.url)))
    assert menu, "the role sees no menu"
    visited = set()
    for url in menu:
        response = page.goto(url)
        assert response.status < 400, f"{username}: {url} answered {response.status}"
        visited.add(url)
        rows = list(dict.fromkeys(same_site_links(page, "main table tbody a", live_server.url)))
        pages = [u for u in rows if u not in visited and not u.endswith(DOWNLOADS)]
        for detail in pages[:DETAILS_PER_PAGE]:
            response = page.goto(detail)
            assert response.status < 400, f"{username}: {detail} (from {url}) answered {response.status}"
            visited.add(detail)
    assert len(watch.pages) >= len(menu)
