"""An API refuses parameters it does not understand: a typo in a filter must never widen a list silently.

`StrictQueryMixin` is part of every API view of the portal (core's base viewsets carry it; a view on DRF's own
classes adds it). A request's query parameters must be ones its operation documents in the API schema: the
filterset's filters, the paginator's, ordering and search, and the parameters an `@extend_schema` declares. Anything
else is a 400 naming each unknown parameter, so the schema and the behaviour cannot drift apart (the walk in
`tests/test_api_params.py` sends a bogus parameter to every list endpoint of the schema).
"""

from django.utils.translation import gettext as _
from rest_framework import serializers

# Understood by every endpoint: DRF's format override.
ALWAYS = frozenset({"format"})
_PAGINATOR_PARAMS = ("page_query_param", "page_size_query_param", "cursor_query_param")
_PAGINATOR_PARAMS += ("limit_query_param", "offset_query_param")

_documented: dict[tuple, frozenset[str]] = {}


def refuse_unknown(params, allowed) -> None:
    """400 naming each parameter of `params` (a QueryDict, a body dict) that is not in `allowed`; a body that is not
    an object at all is refused too."""
    if not hasattr(params, "keys"):
        raise serializers.ValidationError({"non_field_errors": [_("Send an object with named fields.")]})
    unknown = sorted(set(params.keys()) - set(allowed))
    if unknown:
        raise serializers.ValidationError(
            {name: [_("Unknown parameter “%(name)s”.") % {"name": name}] for name in unknown}
        )


def paginator_params(view) -> set[str]:
    paginator = getattr(view, "paginator", None)
    if paginator is None:
        return set()
    names = {getattr(paginator, attr, None) for attr in _PAGINATOR_PARAMS}
    names |= set(getattr(paginator, "query_params", ()))  # a portal paginator that reads more (`after`)
    return {name for name in names if name}


def documented_query_params(view) -> frozenset[str]:
    """The query parameters the API schema documents for this view's operation (drf-spectacular), computed once per
    view class, action and method: filters, pagination, ordering, search and `@extend_schema` parameters."""
    method = "GET" if view.request.method == "HEAD" else view.request.method
    key = (type(view), getattr(view, "action", None), method)
    if key not in _documented:
        try:
            names = _schema_query_params(view, method)
        except Exception:  # a view the schema generator cannot read: its filterset at least (never a 500)
            filterset_class = getattr(view, "filterset_class", None)
            names = set(filterset_class.base_filters) if filterset_class is not None else set()
        _documented[key] = frozenset(names)
    return _documented[key]


def _operation_schema(view, method: str):
    """The AutoSchema of this view's operation, with its `@extend_schema` override, the way the schema generator
    builds it (drf_spectacular.generators.SchemaGenerator.create_view)."""
    from drf_spectacular.plumbing import get_class
    from rest_framework import viewsets
    from rest_framework.settings import api_settings

    if isinstance(view, viewsets.ViewSetMixin):
        handler = getattr(view, view.action or "", None)
    else:
        handler = getattr(view, method.lower(), None)
    override = getattr(handler, "kwargs", {}).get("schema") if handler is not None else None
    if not override:
        return view.schema
    override_class, view_class = get_class(override), get_class(type(view).schema)
    if not issubclass(override_class, view_class):
        mro = tuple(c for c in override_class.__mro__ if c not in api_settings.DEFAULT_SCHEMA_CLASS.__mro__)
        override_class = type("ExtendedRearrangedSchema", mro + view_class.__mro__, {})
    schema = override_class()
    schema.view = view
    return schema


def _schema_query_params(view, method: str) -> set[str]:
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.openapi import AutoSchema
    from drf_spectacular.plumbing import ComponentRegistry

    # As the schema generator does: the view answers from an empty queryset instead of loading a parent by its id.
    fake = "swagger_fake_view" not in view.__dict__
    if fake:
        view.swagger_fake_view = True
    try:
        schema = _operation_schema(view, method)
        if not isinstance(schema, AutoSchema):
            return set()
        schema.registry = ComponentRegistry()
        schema.path = schema.path_regex = schema.path_prefix = ""
        schema.method = method.upper()
        with GENERATOR_STATS.silence():
            parameters = schema._get_parameters()
    finally:
        if fake:
            del view.swagger_fake_view
    return {p["name"] for p in parameters if p.get("in") == "query"}


class StrictQueryMixin:
    """Refuse a query parameter the operation does not document (400 naming it), after authentication and
    permissions (a stranger learns nothing about the parameters). `extra_query_params`: names a view reads beyond
    what the schema can see (rarely needed; declare them with `@extend_schema(parameters=...)` instead)."""

    extra_query_params: tuple | frozenset = ()

    def allowed_query_params(self) -> set[str]:
        return set(ALWAYS) | paginator_params(self) | documented_query_params(self) | set(self.extra_query_params)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.query_params:
            refuse_unknown(request.query_params, self.allowed_query_params())
