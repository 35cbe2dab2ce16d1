from rest_framework.permissions import DjangoModelPermissions


class ModelPermissions(DjangoModelPermissions):
    """Django model permissions for every method, reads included (DRF's default lets any user read).

    Object scope is not checked here: scoped querysets make out-of-scope objects 404.
    """

    perms_map = {
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": [],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "POST": ["%(app_label)s.add_%(model_name)s"],
        "PUT": ["%(app_label)s.change_%(model_name)s"],
        "PATCH": ["%(app_label)s.change_%(model_name)s"],
        "DELETE": ["%(app_label)s.delete_%(model_name)s"],
    }

    def _queryset(self, view):
        """Only the model is read from it: the view's declared queryset when get_queryset is the scoped one
        (same model), instead of building the scoped queryset once more per request."""
        from .viewsets import ScopedQuerysetMixin

        queryset = getattr(view, "queryset", None)
        if queryset is not None and type(view).get_queryset is ScopedQuerysetMixin.get_queryset:
            return queryset
        return super()._queryset(view)


def perm_class(perm: str):
    """A DRF permission class requiring one Django permission (for actions with their own permission)."""
    from rest_framework.permissions import BasePermission

    class HasPerm(BasePermission):
        def has_permission(self, request, view):
            return bool(request.user and request.user.has_perm(perm))

    HasPerm.__name__ = f"Has_{perm.replace('.', '_')}"
    return HasPerm
