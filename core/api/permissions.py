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


def perm_class(perm: str):
    """A DRF permission class requiring one Django permission (for actions with their own permission)."""
    from rest_framework.permissions import BasePermission

    class HasPerm(BasePermission):
        def has_permission(self, request, view):
            return bool(request.user and request.user.has_perm(perm))

    HasPerm.__name__ = f"Has_{perm.replace('.', '_')}"
    return HasPerm
