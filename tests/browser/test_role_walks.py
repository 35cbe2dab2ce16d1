"""Every role, on the demo data of `make run`, opens every page its menu offers and the first record of every
list, in zh-Hant, as a first-time user would. The page watch (tests/browser/strict.py) fails a role's walk on a
console error, a CSP violation, untranslated text or a slow page; the walk itself fails on an error page.

One test walks every role in turn (each in its own browser context) so the demo data is loaded once."""

from io import StringIO

import pytest
from django.core.management import call_command

from core.demo import DEMO_PASSWORD, USERS
from tests.browser.strict import Watch
from tests.browser.support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = [row[0] for row in USERS]  # admin, staff, approver, ntpc, taipei, banqiao, taipower, auditor
DETAILS_PER_PAGE = 1
DOWNLOADS = (".pdf", ".csv", "/pdf/", "/csv/", "/download/", "/xlsx/")


def same_site_links(page, selector: str, base: str) -> list[str]:
    hrefs = page.locator(selector).evaluate_all("els => els.map(a => a.href)")
    return [h.split("#", 1)[0] for h in hrefs if h.startswith(base) and "/logout" not in h and "/api/" not in h]


def walk(page, base: str, username: str) -> list[str]:
    """Every menu page and the first record of each list; returns what went wrong."""
    problems = []
    menu = list(dict.fromkeys(same_site_links(page, "nav.mainnav a", base)))
    if not menu:
        return [f"{username}: no menu"]
    visited = set()
    for url in menu:
        response = page.goto(url)
        visited.add(url)
        if response.status >= 400:
            problems.append(f"{username}: {url} answered {response.status}")
            continue
        rows = list(dict.fromkeys(same_site_links(page, "main table tbody a", base)))
        for detail in [u for u in rows if u not in visited and not u.endswith(DOWNLOADS)][:DETAILS_PER_PAGE]:
            response = page.goto(detail)
            visited.add(detail)
            if response.status >= 400:
                problems.append(f"{username}: {detail} (from {url}) answered {response.status}")
    return problems


def test_every_role_walks_its_menu(browser, live_server):
    call_command("seed_demo", stdout=StringIO())
    problems = []
    for username in ROLES:
        watch = Watch(base_url=live_server.url, allowed=set(ROLES))
        context = browser.new_context(locale="zh-TW", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15000)
        watch.attach(page)
        login(page, live_server, username, password=DEMO_PASSWORD)
        problems += walk(page, live_server.url, username)
        context.close()
        problems += [f"{username}: {finding}" for finding in watch.findings]
        assert len(watch.pages) > 3, f"{username} saw almost nothing: {watch.pages}"
    assert not problems, "\n".join(problems[:60])
