from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from core.scope import get_scoped_or_404
from core.views import save_in_scope as core_save_in_scope


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
    """Save a bound, valid form in a transaction; refuse and roll back if the result is out of scope (core)."""
    return core_save_in_scope(request.user, form) is not None


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
