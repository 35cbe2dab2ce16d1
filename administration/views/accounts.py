"""Account pages: the list with filters, an account with its grants and actions, creating one, changing its
role and scope, and provisioning many by import."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView

from core.actions import ActionRefused, available
from core.importing import start_import, template_response
from core.models import AuditEvent
from core.views import PortalPermissionMixin

from ..access import grant_value_labels, permission_labels, read_access, role_label
from ..actions import ACCOUNT_ACTIONS, ChangeAccess, CreateAccount, change_access, get_account_or_404
from ..filters import AccountFilter
from ..forms import AccessChangeForm, AccountCreateForm, ImportForm, NoteForm
from ..imports import IMPORTERS
from ..models import ADMINISTER_ACCOUNTS, AccessGrant, Account, AccountRecord, PendingGrant
from ..services import AccountFacts
from .base import AccountPagesMixin, refusal_errors, run


class AccountListView(AccountPagesMixin, ListView):
    model = Account
    template_name = "administration/account_list.html"
    paginate_by = 50

    def get_queryset(self):
        queryset = Account.objects.for_user(self.request.user).order_by("username")
        self.filterset = AccountFilter(self.request.GET or None, queryset=queryset, request=self.request)
        return self.filterset.qs if self.filterset.is_bound and self.filterset.is_valid() else queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        facts = AccountFacts(context["object_list"])
        context["filterset"] = self.filterset
        context["rows"] = [account_row(a, facts) for a in context["object_list"]]
        context["can_create"] = CreateAccount().check(self.request.user).status != 403
        context["can_import"] = self.request.user.has_perm("administration.add_account")
        return context


def account_row(account, facts: AccountFacts) -> dict:
    access = facts.of(account)
    return {
        "account": account,
        "role": role_label(access.role),
        "scope": facts.scope(account),
        "permissions": permission_labels(access),
        "two_factor": account.pk in facts.two_factor,
        "locked": account.username in facts.locked,
        "pending": facts.pending.get(account.pk),
    }


class AccountDetailView(AccountPagesMixin, DetailView):
    model = Account
    template_name = "administration/account_detail.html"
    context_object_name = "account"

    def get_object(self, queryset=None):
        return get_account_or_404(self.request.user, self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        account, user = self.object, self.request.user
        facts = AccountFacts([account])
        context["row"] = account_row(account, facts)
        context["record"] = AccountRecord.objects.filter(user_id=account.pk).first()
        grants = list(AccessGrant.objects.filter(user=account).order_by("kind", "value"))
        labels = grant_value_labels(grants)
        for grant in grants:
            grant.value_label = labels[grant.pk]
        context["grants"] = grants
        context["pending_grants"] = PendingGrant.objects.filter(user=account).order_by("-id")[:10]
        checks = available(user, account, ACCOUNT_ACTIONS)
        context["actions"] = [(name, ACCOUNT_ACTIONS[name], check) for name, check in checks.items() if check.allowed]
        context["can_change_access"] = ChangeAccess().check(user, account).status not in (403, 404)
        context["note_form"] = NoteForm()
        context["events"] = AuditEvent.objects.filter(
            table_name=Account._meta.db_table, object_id=account.pk, event__startswith="administration."
        ).order_by("-id")[:30]
        return context


class AccountCreateView(AccountPagesMixin, FormView):
    form_class = AccountCreateForm
    template_name = "administration/account_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and CreateAccount().check(request.user).status == 403:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            account, pending = CreateAccount().execute(
                self.request.user,
                username=data["username"],
                access=form.access(),
                full_name=data["full_name"],
                email=data["email"],
                phone=data["phone"],
                note=data["note"],
            )
        except ActionRefused as refused:
            refusal_errors(form, refused)
            return self.render_to_response(self.get_context_data(form=form), status=refused.status_code)
        if pending is not None:
            messages.warning(
                self.request,
                _("Account %(u)s created. Its role takes effect when a second administrator approves it.")
                % {"u": account.username},
            )
        else:
            messages.success(
                self.request, _("Account %(u)s created; a link to set the password was sent.") % {"u": account.username}
            )
        return redirect("administration:account-detail", pk=account.pk)


class AccountAccessView(AccountPagesMixin, FormView):
    form_class = AccessChangeForm
    template_name = "administration/account_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.account = get_account_or_404(request.user, kwargs["pk"])
            check = ChangeAccess().check(request.user, self.account)
            if check.status == 403:
                raise PermissionDenied(check.message)
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        access = read_access(self.account)
        return {
            "role": access.role,
            "regions": list(access.regions),
            "organisation": access.organisation or None,
            "permissions": list(access.permissions),
        }

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "account": self.account}

    def form_valid(self, form):
        try:
            outcome, _result = change_access(self.request.user, self.account, form.access(), form.cleaned_data["note"])
        except ActionRefused as refused:
            refusal_errors(form, refused)
            return self.render_to_response(self.get_context_data(form=form), status=refused.status_code)
        if outcome == "pending":
            messages.warning(self.request, _("The change waits for a second administrator's approval."))
        else:
            messages.success(self.request, _("Role and scope changed."))
        return redirect("administration:account-detail", pk=self.account.pk)


def account_action(request, pk: int, action: str):
    """POST: deactivate, reactivate, unlock, reset-2fa, password-reset."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    step = ACCOUNT_ACTIONS.get(action)
    if step is None:
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    account = get_account_or_404(request.user, pk)
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    done = {
        "deactivate": _("Account deactivated; its API tokens were ended."),
        "reactivate": _("Account reactivated."),
        "unlock": _("Account unlocked."),
        "reset-2fa": _("Second factor reset: the person sets it up again at the next log-in."),
        "password-reset": _("A single-use link to set a new password was sent by e-mail."),
    }[action]
    run(request, step, account, done, note=note)
    return redirect("administration:account-detail", pk=account.pk)


# ----- import ----------------------------------------------------------------------------------------------


class ImportView(PortalPermissionMixin, FormView):
    permission_required = "administration.add_account"
    form_class = ImportForm
    template_name = "administration/import.html"

    def form_valid(self, form):
        job = start_import(IMPORTERS["accounts"], self.request.user, form.cleaned_data["file"])
        return redirect("administration:import-job", pk=job.pk)


def import_template(request, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm(IMPORTERS["accounts"].permission):
        raise PermissionDenied
    return template_response(IMPORTERS["accounts"], fmt)


def import_job(request, pk: int):
    from django.shortcuts import get_object_or_404

    from core.api.views import visible_jobs

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm(ADMINISTER_ACCOUNTS):
        raise PermissionDenied
    job = get_object_or_404(visible_jobs(request.user).filter(kind=IMPORTERS["accounts"].kind), pk=pk)
    return render(
        request,
        "administration/import_job.html",
        {
            "job": job,
            "errors": (job.result or {}).get("errors", []),
            "list_url": reverse("administration:account-list"),
        },
    )
