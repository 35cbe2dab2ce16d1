from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from core.scope import OutOfScope, ensure_in_scope, get_scoped_or_404


def check_access(request, *perms: str) -> None:
    """Function views: anonymous -> login (raised as a redirect by the caller), missing perm -> 403."""
    if not request.user.has_perms(perms):
        raise PermissionDenied


def login_or_none(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


def scoped(model, request, pk, queryset=None):
    return get_scoped_or_404(queryset if queryset is not None else model.objects, request.user, pk=pk)


def save_in_scope(request, form) -> bool:
    """Save a bound, valid form in a transaction; refuse and roll back if the result is out of scope."""
    try:
        with transaction.atomic():
            obj = form.save()
            ensure_in_scope(request.user, obj)
    except OutOfScope:
        form.add_error(None, _("This change would put the record outside your area; nothing was saved."))
        return False
    return True


def portal_view(*perms: str, methods=("GET", "POST")):
    """Decorator for function views: login, model permissions, allowed methods."""
    from functools import wraps

    from django.http import HttpResponseNotAllowed

    def decorator(func):
        @wraps(func)
        def wrapper(request, *args, **kwargs):
            redirect = login_or_none(request)
            if redirect is not None:
                return redirect
            check_access(request, *perms)
            if request.method not in methods:
                return HttpResponseNotAllowed(methods)
            return func(request, *args, **kwargs)

        return wrapper

    return decorator
