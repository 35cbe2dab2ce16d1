"""Generic page views. Every app's list, detail and edit pages are a few lines on these.

- anonymous -> login redirect; logged in without the model permission -> 403;
- objects outside the user's scope -> 404 (they come from `Model.objects.for_user(user)`);
- writes run in one transaction and are re-checked against scope after the change.
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.views.generic import CreateView, DetailView, ListView, UpdateView

from core.scope import OutOfScope, ensure_in_scope, get_scoped_or_404


def add_form_errors(form, exc: ValidationError) -> None:
    """A model's or a service's ValidationError on the form: by field where the form has it, else on top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def save_in_scope(user, form, save=None):
    """Save a bound, valid form in one transaction and re-check that the result is still inside the user's area.

    `save(form)` does the writing (default `form.save()`) and returns the object. Refused (the change would put
    the record outside the area, or the model refused it): rolled back, the reason on the form, None returned.
    Workflow refusals (`TransitionRefused`) pass through to the caller."""
    try:
        with transaction.atomic():
            obj = save(form) if save is not None else form.save()
            ensure_in_scope(user, obj)
    except OutOfScope:
        form.add_error(None, _("This change would put the record outside your area; nothing was saved."))
        return None
    except ValidationError as exc:
        add_form_errors(form, exc)
        return None
    return obj


def show_refusal(request, exc) -> None:
    """A refused step as a page message, the same way on every page: a `ValidationError`'s messages, or a
    `TransitionRefused` / `core.actions.ActionRefused` with the reasons its message does not already say."""
    if isinstance(exc, ValidationError):
        for message in exc.messages:
            messages.error(request, message)
        return
    parts = [str(exc.message)]
    for reason in getattr(exc, "reasons", []) or []:
        text = str(reason.get("message", "") or "")
        if text and text not in parts[0]:
            parts.append(text)
    messages.error(request, " ".join(parts))


class PortalPermissionMixin:
    """`permission_required` (a string or a list): anonymous users go to login, others get 403."""

    permission_required: str | list[str] | None = None

    def get_permission_required(self) -> list[str]:
        perm = self.permission_required
        if perm is None:
            return []
        return [perm] if isinstance(perm, str) else list(perm)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.has_perms(self.get_permission_required()):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ScopedParentMixin(PortalPermissionMixin):
    """A page under one parent object (a team's roster import, an order's notices, an exercise's findings): the
    parent comes from the user's scope, else 404. It is loaded once, after login and permission are checked, so a
    user without the permission gets 403 and never learns whether the parent exists.

    `parent_model`, the URL kwarg holding its id (`parent_url_kwarg`), the name it has on the view and in the
    template (`parent_context_name`, default the model's name: `self.team`, `{{ team }}`), an optional permission
    for `for_user(user, perm)` and `check_parent(parent)` to refuse a parent in the wrong state (raise)."""

    parent_model = None
    parent_url_kwarg = "pk"
    parent_context_name: str | None = None
    parent_permission: str | None = None

    def get_parent_context_name(self) -> str:
        return self.parent_context_name or self.parent_model._meta.model_name

    def get_parent_queryset(self):
        return self.parent_model._default_manager.all()

    def check_parent(self, parent) -> None:
        """Raise (PermissionDenied, Http404) to refuse a parent the page cannot work on."""

    def get_parent(self):
        if not hasattr(self, "_scoped_parent"):
            parent = get_scoped_or_404(
                self.get_parent_queryset(),
                self.request.user,
                self.parent_permission,
                pk=self.kwargs[self.parent_url_kwarg],
            )
            self.check_parent(parent)
            self._scoped_parent = parent
            setattr(self, self.get_parent_context_name(), parent)
        return self._scoped_parent

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.has_perms(self.get_permission_required()):
            self.get_parent()
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault(self.get_parent_context_name(), self.get_parent())
        return context


class ScopedQuerysetMixin:
    model = None
    queryset = None

    def get_queryset(self):
        queryset = self.queryset if self.queryset is not None else self.model._default_manager.all()
        return queryset.for_user(self.request.user)


class ScopedObjectMixin(ScopedQuerysetMixin):
    """Detail and edit views: the object comes from the scoped queryset, so out of scope is DetailView's 404."""


class KeysetListMixin:
    """Lists of millions of rows: ordered by -id, next page by `?after=<id>`, no COUNT(*), no OFFSET."""

    page_size = 50

    def paginate_keyset(self, queryset, pk=lambda row: row.pk):
        """(rows, the id to continue after or None). `pk` reads a row's id (for values_list querysets)."""
        after = self.request.GET.get("after")
        if after and after.isdigit():
            queryset = queryset.filter(pk__lt=int(after))
        rows = list(queryset.order_by("-pk")[: self.page_size + 1])
        has_next = len(rows) > self.page_size
        rows = rows[: self.page_size]
        return rows, (pk(rows[-1]) if has_next and rows else None)


class FilteredListMixin:
    """One django-filter FilterSet serves the page and the API."""

    filterset_class = None

    def get_filterset(self, queryset):
        if self.filterset_class is None:
            return None
        return self.filterset_class(self.request.GET or None, queryset=queryset, request=self.request)


class ScopedListView(PortalPermissionMixin, FilteredListMixin, ScopedQuerysetMixin, ListView):
    paginate_by = 50

    def get_queryset(self):
        queryset = super().get_queryset()
        self.filterset = self.get_filterset(queryset)
        if self.filterset is not None:
            queryset = self.filterset.qs if self.filterset.is_bound and self.filterset.is_valid() else queryset
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filterset"] = getattr(self, "filterset", None)
        return context


class ScopedDetailView(PortalPermissionMixin, ScopedObjectMixin, DetailView):
    pass


class ScopedFormMixin:
    """Give the form the user (for scoped choices) and save in a transaction with a scope re-check."""

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def save_form(self, form):
        """The writing itself, inside the transaction (override to write more with it)."""
        return form.save()

    def form_valid(self, form):
        saved = save_in_scope(self.request.user, form, save=self.save_form)
        if saved is None:
            return self.form_invalid(form)
        self.object = saved
        messages.success(self.request, _("Saved."))
        from django.http import HttpResponseRedirect

        return HttpResponseRedirect(self.get_success_url())


class ScopedCreateView(PortalPermissionMixin, ScopedFormMixin, CreateView):
    pass


class ScopedUpdateView(PortalPermissionMixin, ScopedFormMixin, ScopedObjectMixin, UpdateView):
    pass
