"""Workflow actions: one declaration per step, used alike by pages, the API and management commands.

An action is declared once, as a subclass of `Action`, with

- `event`: the named audit event it writes (core/events.py),
- `permission`: the Django permission it needs (checked first: a user without it gets 403, never 409),
- `from_states` / `to_state`: the states it may start from and the state it leaves the object in,
- `guard()`: the domain's own refusals (four-eyes, the law's limits), each a `Refusal` with a code, the
  article where there is one, and a message in the reader's language,
- `changes()`: other fields the guarded update sets together with the state,
- `effect()`: further writes inside the same transaction, and `after_commit()`: tasks scheduled on commit.

`check(user, obj, **params)` answers whether the user may do it now, with the refusals if not; pages decide
which buttons and forms to show from it. `execute(user, obj, **params)` re-checks inside the transaction on a
locked fresh copy, moves the state by a guarded update that must touch exactly one row, runs the effect,
writes the named event with before/after as data, and schedules `after_commit`.

A refusal outside the user's scope is 404 (the object does not exist for them), without the permission 403,
in the wrong state or refused by a guard 409 (or 400 for a refusal about the input).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.db import models, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import events
from .audit import audit_context
from .exceptions import STALE_STATE, TransitionRefused


@dataclass(frozen=True)
class Refusal:
    """Why an action is not allowed: a stable code, the article of the law where there is one, a message."""

    code: str
    message: Any
    article: str | None = None
    item: str | None = None
    field: str | None = None
    # An explicit HTTP status for this refusal (e.g. 400 for the law refusing what was asked, 403 for a
    # regional user acting on a nationwide record); by default 409, or 400 when every refusal names a field.
    status: int | None = None

    def as_dict(self) -> dict:
        data = {"code": self.code, "article": self.article, "item": self.item, "message": str(self.message)}
        if self.field:
            data["field"] = self.field
        return data


@dataclass
class Check:
    """The answer of `Action.check()`: allowed, or the HTTP status and the refusals."""

    action: Action
    status: int = 200
    refusals: list[Refusal] = field(default_factory=list)
    # Allowed because it is done already (e.g. acknowledging an acknowledged notice): execute() writes nothing.
    done: bool = False

    @property
    def allowed(self) -> bool:
        return self.status == 200

    def __bool__(self) -> bool:
        return self.allowed

    @property
    def message(self) -> str:
        return " ".join(str(r.message) for r in self.refusals)


class ActionRefused(TransitionRefused):
    """Raised by `execute()`; the API's exception handler turns it into its status with the reasons."""

    def __init__(self, check: Check):
        self.check = check
        super().__init__(
            check.action.headline(check) or check.message or _("This action is not allowed."),
            reasons=[r.as_dict() for r in check.refusals],
            status_code=check.status,
        )


NOT_PERMITTED = _("You do not have permission to do this.")


class Action:
    """Base of every workflow step. Subclasses set the class attributes and override the hooks."""

    event: ClassVar[str] = ""
    label: ClassVar[Any] = ""
    permission: ClassVar[str | None] = None
    model: ClassVar[type[models.Model] | None] = None
    state_field: ClassVar[str] = "status"
    from_states: ClassVar[tuple | frozenset | set | None] = None
    to_state: ClassVar[str | None] = None
    # Whether the object must be inside the user's scope (`Model.objects.for_user(user)`).
    scoped: ClassVar[bool] = True
    # Whether the action needs a note (a reason) from the person; destructive steps do.
    requires_note: ClassVar[bool] = False
    timestamp_field: ClassVar[str | None] = "updated_at"
    # The refusal code of a wrong state (apps keep their own stable codes, e.g. `order.wrong_status`).
    state_code: ClassVar[str] = "state"
    # Whether an anonymous caller may run it (a reservist on the verification page: the code is the key).
    anonymous_allowed: ClassVar[bool] = False

    # ----- hooks --------------------------------------------------------------------------------

    def guard(self, user, obj, **params) -> list[Refusal]:
        """The domain's refusals (four-eyes, the law). Empty when allowed."""
        return []

    def done(self, user, obj, **params) -> bool:
        """True when the step has nothing to do (idempotent repeat): checked after permission, before state."""
        return False

    def validate(self, user, obj, **params) -> None:
        """Input errors (raise ValidationError, 400), checked in execute() once the step itself is allowed."""

    def changes(self, user, obj, **params) -> dict:
        """Fields the guarded update sets together with the state."""
        return {}

    def effect(self, user, obj, **params):
        """Writes inside the transaction, after the state moved. Its return value is `execute()`'s."""
        return None

    def after_commit(self, user, obj, result, **params) -> None:
        """Work to schedule once the transaction has committed (Celery tasks, alerts)."""

    def headline(self, check: Check) -> str | None:
        """One sentence above the refusal's reasons (e.g. "cannot be granted under Art. 31"); None: the reasons."""
        return None

    def describe(self, obj, **params) -> dict:
        """Before/after data recorded beside the state (override to add fields that matter to an auditor)."""
        return {}

    def target_state(self, user, obj, **params):
        """The state the step leaves the object in (`to_state` unless the step decides by its input)."""
        return self.to_state

    # ----- the mechanism ------------------------------------------------------------------------

    def in_scope(self, user, obj) -> bool:
        if not self.scoped:
            return True
        manager = type(obj)._default_manager
        if not hasattr(manager, "for_user"):
            return True
        return manager.for_user(user).filter(pk=obj.pk).exists()

    def check(
        self, user, obj, *, note: str = "", require_note: bool = True, in_scope: bool | None = None, **params
    ) -> Check:
        if not getattr(user, "is_authenticated", False):
            if not self.anonymous_allowed:
                return Check(self, 403, [Refusal("permission", NOT_PERMITTED)])
        else:
            if not (self.in_scope(user, obj) if in_scope is None or not self.scoped else in_scope):
                return Check(self, 404, [Refusal("scope", _("Not found."))])
            if self.permission and not user.has_perm(self.permission):
                return Check(self, 403, [Refusal("permission", NOT_PERMITTED)])
        if self.done(user, obj, **params):
            return Check(self, done=True)
        state = getattr(obj, self.state_field, None) if self.from_states is not None else None
        if self.from_states is not None and state not in self.from_states:
            return Check(self, 409, [Refusal(self.state_code, self.state_refusal(obj))])
        refusals = list(self.guard(user, obj, **params))
        if self.requires_note and require_note and not str(note or "").strip():
            refusals.append(Refusal("note_required", _("Give a reason for this step."), field="note"))
        if refusals:
            explicit = [r.status for r in refusals if r.status]
            status = explicit[0] if explicit else (400 if all(r.field for r in refusals) else 409)
            return Check(self, status, refusals)
        return Check(self)

    def check_available(self, user, obj, *, in_scope: bool | None = None) -> Check:
        """For pages deciding whether to offer the form: everything but the input-dependent checks.
        `in_scope` is the answer of the scope query when the caller has it already (see `available`)."""
        return self.check(user, obj, require_note=False, in_scope=in_scope)

    def state_refusal(self, obj) -> str:
        display = getattr(obj, f"get_{self.state_field}_display", None)
        state = display() if display else getattr(obj, self.state_field, "")
        return _("Not possible while the record is “%(state)s”.") % {"state": state}

    def execute(self, user, obj, *, note: str = "", **params):
        model = self.model or type(obj)
        with audit_context(user, reason=str(note or "")), transaction.atomic():
            fresh = model._default_manager.select_for_update(of=("self",)).filter(pk=obj.pk).first()
            if fresh is None:
                raise Http404
            result_check = self.check(user, fresh, note=note, **params)
            if result_check.status == 404:
                raise Http404
            if not result_check:
                raise ActionRefused(result_check)
            if result_check.done:
                return None
            self.validate(user, fresh, note=note, **params)
            before = {self.state_field: getattr(fresh, self.state_field, None), **self.describe(fresh, **params)}
            changes = dict(self.changes(user, fresh, note=note, **params))
            target = self.target_state(user, fresh, note=note, **params)
            if target is not None:
                changes[self.state_field] = target
            if changes:
                if self.timestamp_field and any(f.name == self.timestamp_field for f in model._meta.fields):
                    changes.setdefault(self.timestamp_field, timezone.now())
                guard = {"pk": fresh.pk}
                if self.from_states is not None:
                    guard[f"{self.state_field}__in"] = list(self.from_states)
                guarded_update(model._default_manager.filter(**guard), **changes)
                for key, value in changes.items():
                    setattr(fresh, key, value)
                    setattr(obj, key, value)
            result = self.effect(user, fresh, note=note, **params)
            after = {self.state_field: getattr(fresh, self.state_field, None), **self.describe(fresh, **params)}
            events.record(self.event, user=user, obj=fresh, before=before, after=after, note=note)
            transaction.on_commit(lambda: self.after_commit(user, fresh, result, note=note, **params))
        return result


def guarded_update(queryset, **changes) -> None:
    """The one guarded update: `queryset` (the row and the states it may be in) must match exactly one row,
    which takes `changes`; otherwise nothing changes and the step is refused as stale (409)."""
    if queryset.update(**changes) != 1:
        raise TransitionRefused(STALE_STATE)


def available(user, obj, actions, *, in_scope: bool | None = None) -> dict[str, Check]:
    """name -> Check for each action in `actions` (a dict name -> Action); pages show the allowed ones.
    The scope query runs once for all of them (they are about the same object), or not at all when the caller
    fetched `obj` through the user's scoped queryset and says so with `in_scope=True`."""
    scoped = [action for action in actions.values() if action.scoped]
    if in_scope is None and scoped and getattr(user, "is_authenticated", False):
        in_scope = scoped[0].in_scope(user, obj)
    return {name: action.check_available(user, obj, in_scope=in_scope) for name, action in actions.items()}
