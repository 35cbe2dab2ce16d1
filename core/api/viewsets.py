"""Base API views: every app's endpoints get scope, permissions and transactional writes from here."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer

from core.scope import ensure_in_scope

from .params import StrictQueryMixin
from .permissions import ModelPermissions


class ScopedQuerysetMixin(StrictQueryMixin):
    """`queryset` is restricted to the user's scope: out-of-scope objects are 404, never listed or counted.
    Query parameters the operation does not document are refused (core.api.params.StrictQueryMixin)."""

    permission_classes = [IsAuthenticated, ModelPermissions]

    def get_queryset(self):
        return super().get_queryset().for_user(self.request.user)

    def handle_exception(self, exc):
        # Errors are JSON whatever was asked for (a PDF or CSV renderer cannot describe them).
        response = super().handle_exception(exc)
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return response


def _refuse_integrity_error(exc: IntegrityError):
    """A database constraint is the last line of defence: its refusal is a 400, never a server error."""
    rule = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None) or "constraint"
    message = _("The change conflicts with a rule of the data and was not saved (%(rule)s).") % {"rule": rule}
    raise serializers.ValidationError({"non_field_errors": [message]}) from exc


class ScopedWriteMixin:
    """Create and update in one transaction and re-check scope after the change (refused -> rolled back)."""

    def perform_create(self, serializer):
        try:
            with transaction.atomic():
                instance = serializer.save()
                ensure_in_scope(self.request.user, instance)
        except IntegrityError as exc:
            _refuse_integrity_error(exc)

    def perform_update(self, serializer):
        try:
            with transaction.atomic():
                instance = serializer.save()
                ensure_in_scope(self.request.user, instance)
        except IntegrityError as exc:
            _refuse_integrity_error(exc)

    def perform_destroy(self, instance):
        with transaction.atomic():
            instance.delete()


class ScopedReadOnlyViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedModelViewSet(ScopedQuerysetMixin, ScopedWriteMixin, viewsets.ModelViewSet):
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]


class ScopedCreateListRetrieveUpdateViewSet(
    ScopedQuerysetMixin,
    ScopedWriteMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """For records that are never deleted through the API (the registry, orders)."""

    http_method_names = ["get", "post", "patch", "head", "options"]
