"""What the administration pages share: who may open them, and how an action's refusal reaches the person."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404

from core.actions import ActionRefused

from ..models import MANAGE_COUNTY_ACCOUNTS, VIEW_ACCOUNTS


def can_open_accounts(user) -> bool:
    return user.has_perm(VIEW_ACCOUNTS) or user.has_perm(MANAGE_COUNTY_ACCOUNTS)


class AccountPagesMixin:
    """Anonymous -> log-in; without the account permissions (nationwide or county) -> 403."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_open_accounts(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def run(request, action, obj, success, **params):
    """Execute `action`; 404 and 403 as the mechanism says, any other refusal as a message. True if done."""
    try:
        action.execute(request.user, obj, **params)
    except ActionRefused as refused:
        if refused.status_code == 404:
            raise Http404 from refused
        if refused.status_code == 403:
            raise PermissionDenied(refused.check.message) from refused
        messages.error(request, refused.check.message)
        return False
    messages.success(request, success)
    return True


def refusal_errors(form, refused: ActionRefused) -> None:
    """Put an action's refusals on the form: by field where they name one the form has, else on the form."""
    for refusal in refused.check.refusals:
        field = refusal.field if refusal.field in form.fields else None
        form.add_error(field, str(refusal.message))
