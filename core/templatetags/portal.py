"""Template helpers available in every template (registered as builtins in settings)."""

import datetime
from functools import lru_cache

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import get_language

from core.dates import format_roc
from core.dates import reader_date as _reader_date

register = template.Library()


def _english() -> bool:
    return (get_language() or "").lower().startswith("en")


@register.filter
def roc_date(value):
    """民國115年3月1日 (or 'ROC 115-03-01' in English)."""
    if not value:
        return ""
    return format_roc(value, english=_english())


@register.filter
def reader_date(value):
    """A date inside a sentence in the reader's calendar (an ISO string or a date): 民國115年3月1日 / 2026-03-01."""
    return _reader_date(value)


@register.filter
def dual_date(value):
    """The Gregorian date with the ROC date beside it: 2026-03-01（民國115年3月1日）."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    return dual_date_html(value, _english())


@lru_cache(maxsize=4096)
def dual_date_html(value: datetime.date, english: bool) -> str:
    """dual_date's markup, kept per date and language: a page of 50 rows repeats a few hundred distinct dates."""
    return format_html(
        '<time datetime="{}">{} <span class="roc">({})</span></time>',
        value.isoformat(),
        value.isoformat(),
        format_roc(value, english=english),
    )


@register.filter
def dual_datetime(value):
    if not value:
        return ""
    from django.utils import timezone

    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return format_html(
        '<time datetime="{}">{} {} <span class="roc">({})</span></time>',
        local.isoformat(),
        local.date().isoformat(),
        date_format(local, "H:i"),
        format_roc(local, english=_english()),
    )


@register.simple_tag(takes_context=True)
def query_with(context, **kwargs):
    """The current query string with some parameters replaced (for filters and pagination links)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value is None or value == "":
            query.pop(key, None)
        else:
            query[key] = value
    return "?" + query.urlencode() if query else "?"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def event_label(name):
    """A named audit event (mobilization.order.approved) in the reader's language."""
    from core import events

    return events.label(name) if name else ""


@register.simple_tag
def today_reader():
    """Today's date in the reader's calendar (民國 in Chinese), for the page footer."""
    from django.utils import timezone

    from core.dates import reader_date

    return reader_date(timezone.localdate())


@register.simple_tag
def fixed_url(name: str) -> str:
    """`{% url name %}` for a route without arguments, reversed once per process: a page's header and footer
    links are the same on every request, and reversing costs ~0.1 ms each (the self-service pages, issue 20)."""
    return _fixed_url(name, get_script_prefix(), get_urlconf(), get_language())


@lru_cache(maxsize=512)
def _fixed_url(name: str, prefix: str, urlconf, language) -> str:
    return reverse(name, urlconf=urlconf)
