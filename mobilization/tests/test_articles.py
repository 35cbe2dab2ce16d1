"""Every article of 24-33 names where the portal applies it, and every named place exists."""

import importlib
import re
from pathlib import Path

import pytest
from django.urls import reverse

from mobilization.articles import ARTICLES

README = Path(__file__).resolve().parents[2] / "README.md"


def resolve(path: str):
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def test_articles_24_to_33_are_all_listed():
    assert [a.number for a in ARTICLES] == [str(n) for n in range(24, 34)]


@pytest.mark.parametrize("article", ARTICLES, ids=lambda a: f"art{a.number}")
def test_each_place_an_article_is_enforced_exists(article):
    assert article.enforced
    for enforcement in article.enforced:
        assert enforcement.kind in {"rule", "workflow", "form"}
        assert callable(resolve(enforcement.code)), enforcement.code
        if enforcement.page:
            assert reverse(enforcement.page)


def test_the_readme_lists_every_article_with_its_code():
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Articles 24-33") :]
    for article in ARTICLES:
        assert re.search(rf"^\| {article.number} \|", section, flags=re.M), article.number
        for enforcement in article.enforced:
            assert f"`{enforcement.code}`" in section, enforcement.code


@pytest.mark.django_db
def test_the_policy_page_lists_the_articles(users, client):
    client.force_login(users.admin)
    html = client.get(reverse("mobilization:policy")).content.decode()
    for article in ARTICLES:
        assert f'id="article-{article.number}"' in html
