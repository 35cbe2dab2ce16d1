from django.core.exceptions import PermissionDenied
from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.api.pagination import KeysetPagination
from core.api.params import refuse_unknown
from core.api.viewsets import ScopedCreateListRetrieveUpdateViewSet
from core.pii import can_see_full_id
from core.scope import ensure_in_scope

from ..filters import ReservistFilter
from ..models import Reservist
from ..pii import log_full_id_views
from ..signals import announce
from .serializers import PriorityGrantSerializer, ReservistSerializer, ServiceRecordSerializer, read_columns, represent


class ReservistViewSet(ScopedCreateListRetrieveUpdateViewSet):
    """The reserve registry. National IDs are masked unless the user may see them (each full view is logged)."""

    queryset = Reservist.objects.select_related("township")
    serializer_class = ReservistSerializer
    filterset_class = ReservistFilter
    pagination_class = KeysetPagination

    # Query parameters of the list besides its filters: the page's cursor and size, the renderer's format.
    LIST_PARAMS = {"cursor", "page_size", "format"}

    def initial(self, request, *args, **kwargs):
        """A parameter the list does not understand is a 400 naming it (issue 18: `?nationalid=` must never
        answer the first page of the whole registry); the detail takes none but `format`."""
        super().initial(request, *args, **kwargs)
        if request.method in ("GET", "HEAD"):
            if self.action == "list":
                refuse_unknown(request.query_params, set(self.filterset_class.base_filters) | self.LIST_PARAMS)
            elif self.action == "retrieve":
                refuse_unknown(request.query_params, {"format"})

    def filter_queryset(self, queryset):
        """The FilterSet only when the query names one of its filters (building it deep-copies ten filters and
        their form; without one of its parameters it filters nothing)."""
        filters = self.filterset_class.base_filters if self.filterset_class is not None else ()
        if not any(name in self.request.query_params for name in filters):
            return queryset
        return super().filter_queryset(queryset)

    # Reads are the load of issue 10: rows as values(), represented by serializers.represent (the fields, names
    # and formats of ReservistSerializer, which still describes them in the schema and does every write).

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset()).values(*read_columns())
        page = self.paginate_queryset(queryset)
        full = can_see_full_id(request.user)
        if full:
            log_full_id_views(request.user, Reservist, [row["id"] for row in page])
        return self.get_paginated_response([represent(row, full) for row in page])

    def retrieve(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset()).values(*read_columns())
        row = get_object_or_404(queryset, pk=self.kwargs[self.lookup_url_kwarg or self.lookup_field])
        self.check_object_permissions(request, row)
        full = can_see_full_id(request.user)
        if full:
            log_full_id_views(request.user, Reservist, [row["id"]])
        return Response(represent(row, full))

    def perform_update(self, serializer):
        before = Reservist.objects.filter(pk=serializer.instance.pk).values_list("status", "township_id").first()
        with transaction.atomic():
            super().perform_update(serializer)
            person = serializer.instance
            if (person.status, person.township_id) != before:
                announce([person.pk], cause="registry", user=self.request.user)

    def _nested(self, request, relation, serializer_class, model_name, save_kwargs):
        if not request.user.has_perm("reservists.view_reservist"):
            raise PermissionDenied
        reservist = self.get_object()  # out of scope -> 404
        if request.method == "GET":
            if not request.user.has_perm(f"reservists.view_{model_name}"):
                raise PermissionDenied
            rows = getattr(reservist, relation).all()
            return Response(serializer_class(rows, many=True, context=self.get_serializer_context()).data)
        if not request.user.has_perm(f"reservists.add_{model_name}"):
            raise PermissionDenied
        serializer = serializer_class(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            instance = serializer.save(reservist=reservist, **save_kwargs)
            ensure_in_scope(request.user, instance)
            if model_name == "prioritygrant":
                announce([reservist.pk], cause="grant", user=request.user)
        return Response(serializer_class(instance, context=self.get_serializer_context()).data, status=201)

    @extend_schema(request=ServiceRecordSerializer, responses={200: ServiceRecordSerializer(many=True)})
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="service-records",
        permission_classes=[IsAuthenticated],
        pagination_class=None,
        filterset_class=None,
    )
    def service_records(self, request, pk=None):
        return self._nested(request, "service_records", ServiceRecordSerializer, "servicerecord", {})

    @extend_schema(request=PriorityGrantSerializer, responses={200: PriorityGrantSerializer(many=True)})
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="priority-grants",
        permission_classes=[IsAuthenticated],
        pagination_class=None,
        filterset_class=None,
    )
    def priority_grants(self, request, pk=None):
        return self._nested(
            request,
            "priority_grants",
            PriorityGrantSerializer,
            "prioritygrant",
            {"approved_by": request.user, "approved_by_name": request.user.get_username()},
        )
