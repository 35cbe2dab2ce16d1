"""The audit log as an auditor reads it: events in words, not in the database's terms.

The triggers (core/audit.py) store rows as the database sees them: table names, column names, ids, ISO times in
UTC. This module turns a page of `AuditEvent`s into what a person reads: the kind of record and its name (with a
link to its page where it has one), each changed field by its label in the reader's language, values as the
reader knows them (choice labels, yes/no, names of related records, local times with ROC dates), before → after.

National IDs in the recorded data are masked unless the reader may see them (`core.pii.can_see_full_id`); when
they are shown, each record whose full ID appeared is logged as a personal-data view (core.audit), like every
other page that shows one.
"""

from __future__ import annotations

import datetime
import json
import re
from collections import defaultdict

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import get_language, pgettext, pgettext_lazy

from . import events as events_registry
from .audit import model_for_table, note_full_id_shown
from .dates import format_roc
from .pii import can_see_full_id, mask_national_id

# A Taiwan national ID (or resident certificate number) anywhere in a recorded value.
NATIONAL_ID = re.compile(r"\b[A-Z][12A-D89]\d{8}\b")

# Bookkeeping columns that say nothing to a reader (the row's own time is the event's time).
HIDDEN_KEYS = {"id", "created_at", "updated_at"}

# A record created or deleted with more fields than this shows them folded.
FOLD_AFTER = 3

# A value longer than this is folded (reports' stored figures run to pages).
LONG_VALUE = 160


def english() -> bool:
    return (get_language() or "").lower().startswith("en")


def local_datetime(value: datetime.datetime) -> str:
    """民國115年12月3日 06:21 (zh) or 2026-12-03 06:21 (ROC 115-12-03) (en), in the portal's time zone."""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    clock = date_format(local, "H:i")
    if english():
        return f"{local.date().isoformat()} {clock} ({format_roc(local.date(), english=True)})"
    return f"{format_roc(local.date())} {clock}"


def mask_text(text: str) -> str:
    return NATIONAL_ID.sub(lambda match: mask_national_id(match.group(0)), text)


def _contains_id(value) -> bool:
    return bool(NATIONAL_ID.search(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)))


def _field(model, key: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(key)
    except FieldDoesNotExist:
        for field in model._meta.concrete_fields:
            if field.attname == key:
                return field
    return None


# Keys of named events' data that are no field of their record.
EVENT_KEYS = {
    "method": pgettext_lazy("audit", "Method"),
    "path": pgettext_lazy("audit", "Address"),
    "status": pgettext_lazy("audit", "Status"),
    "rows": pgettext_lazy("audit", "Rows"),
    "scope": pgettext_lazy("audit", "Scope"),
}


def field_label(model, key: str) -> str:
    """A recorded field's name in the reader's language (the key itself when the field is gone)."""
    field = _field(model, key)
    if field is not None and hasattr(field, "verbose_name"):
        return str(capfirst(field.verbose_name))
    if key in EVENT_KEYS:
        return str(EVENT_KEYS[key])
    return key


class _Names:
    """Names of the records a page mentions (the events' own records and the ones their fields point at),
    fetched with one query per kind of record."""

    def __init__(self):
        self.wanted: dict = defaultdict(set)
        self.found: dict = {}

    def want(self, model, pk):
        if model is not None and isinstance(pk, int):
            self.wanted[model].add(pk)

    def load(self):
        for model, ids in self.wanted.items():
            manager = model._base_manager
            for obj in manager.filter(pk__in=ids):
                self.found[(model, obj.pk)] = obj

    def get(self, model, pk):
        return self.found.get((model, pk))


def _url(obj) -> str:
    get_url = getattr(obj, "get_absolute_url", None)
    if get_url is None:
        return ""
    try:
        return get_url()
    except Exception:  # noqa: BLE001 (a record whose page needs more than itself has no link here)
        return ""


def _plain(value, show_ids: bool) -> str:
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else str(value)
    return text if show_ids else mask_text(text)


def format_value(field, value, names: _Names, show_ids: bool) -> str:
    """A recorded value as the reader knows it."""
    if value is None or value == "":
        return "—"
    if field is not None:
        if field.choices:
            label = dict(field.flatchoices).get(value)
            if label is not None:
                return str(label)
        if isinstance(field, models.BooleanField):
            return pgettext("audit", "Yes") if value else pgettext("audit", "No")
        if isinstance(field, models.DateTimeField) and isinstance(value, str):
            parsed = parse_datetime(value)
            if parsed is not None:
                return local_datetime(parsed)
        if isinstance(field, models.DateField) and isinstance(value, str):
            parsed = parse_date(value)
            if parsed is not None:
                return format_roc(parsed, english=english())
        if field.is_relation and field.many_to_one and isinstance(value, int):
            obj = names.get(field.related_model, value)
            if obj is not None:
                return _plain(str(obj), show_ids)
    if isinstance(value, bool):
        return pgettext("audit", "Yes") if value else pgettext("audit", "No")
    if isinstance(value, str):
        parsed = parse_datetime(value) if "T" in value and len(value) >= 19 else None
        if parsed is not None:
            return local_datetime(parsed)
    return _plain(value, show_ids)


def present(events, request) -> list[dict]:
    """One readable row per event: time, person, what happened, the record (name and link), the changes."""
    user = request.user
    show_ids = can_see_full_id(user)
    names = _Names()
    models_of = {}
    for event in events:
        model = models_of.setdefault(event.table_name, model_for_table(event.table_name))
        names.want(model, event.object_id)
        for key, old, new in event.changes:
            field = _field(model, key)
            if field is not None and field.is_relation and field.many_to_one:
                names.want(field.related_model, old)
                names.want(field.related_model, new)
    names.load()

    rows = []
    for event in events:
        model = models_of[event.table_name]
        changes = []
        ids_shown = False
        for key, old, new in event.changes:
            if key in HIDDEN_KEYS:
                continue
            field = _field(model, key)
            ids_shown = ids_shown or (show_ids and (_contains_id(old) or _contains_id(new)))
            before = format_value(field, old, names, show_ids) if old is not None else ""
            after = format_value(field, new, names, show_ids) if new is not None else ""
            changes.append(
                {
                    "label": field_label(model, key),
                    "before": before,
                    "after": after,
                    "long": len(before) + len(after) > LONG_VALUE,
                }
            )
        message = event.message or ""
        if message == event.event:  # some events repeat their name as their message
            message = ""
        if message and message != "national_id":
            ids_shown = ids_shown or (show_ids and _contains_id(message))
            message = message if show_ids else mask_text(message)
        elif message == "national_id":
            message = ""
        if ids_shown:
            # the full IDs of this event's record are on the page: logged like any other view of them
            note_full_id_shown(request, model(pk=event.object_id) if model and event.object_id else event)

        subject = names.get(model, event.object_id)
        subject_name = ""
        if subject is not None:
            subject_name = _plain(str(subject), show_ids)
        elif event.object_id is not None:
            recorded = (event.before or event.after or {}).get("name")
            subject_name = _plain(recorded, show_ids) if recorded else f"#{event.object_id}"
        rows.append(
            {
                "event": event,
                "when": local_datetime(event.created_at),
                "what": events_registry.label(event.event) if event.event else event.get_action_display(),
                "model": capfirst(model._meta.verbose_name) if model else _record_kind(event.table_name),
                "subject": subject_name,
                "url": _url(subject) if subject is not None else "",
                "message": message,
                "changes": changes,
                # A new or removed record lists every field: folded, so a page stays a page.
                "folded": event.action in ("create", "delete") and len(changes) > FOLD_AFTER,
            }
        )
    return rows


def _record_kind(table: str) -> str:
    if table == "access":
        return pgettext("audit", "Access")
    return table or "—"
