"""Base API views: every app's endpoints get scope, permissions and transactional writes from here."""

from django.db import transaction
from rest_framework import mixins, viewsets
from rest_framework.permissions import IsAuthenticated

from core.scope import ensure_in_scope

from .permissions import ModelPermissions


class ScopedQuerysetMixin:
    """`queryset` is restricted to the user's scope: out-of-scope objects are 404, never listed or counted."""

    permission_classes = [IsAuthenticated, ModelPermissions]

    def get_queryset(self):
        return super().get_queryset().for_user(self.request.user)


class ScopedWriteMixin:
    """Create and update in one transaction and re-check scope after the change (refused -> rolled back)."""

    def perform_create(self, serializer):
        with transaction.atomic():
            instance = serializer.save()
            ensure_in_scope(self.request.user, instance)

    def perform_update(self, serializer):
        with transaction.atomic():
            instance = serializer.save()
            ensure_in_scope(self.request.user, instance)

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
