"""API of candidates: the one-person rules engine (eligibility) and the order's candidate list helpers."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.pagination import CountedPagination
from core.api.params import StrictQueryMixin
from core.api.permissions import perm_class
from reservists.models import Reservist

from .. import rules, services
from ..filters import filter_candidates
from ..models import CallUpOrder, Candidate
from .serializers import EligibilityRequestSerializer, EligibilityResponseSerializer


class EligibilityView(StrictQueryMixin, APIView):
    """The one-person rules engine: decision, every reason with its article, and the policy version used."""

    permission_classes = [IsAuthenticated, perm_class("mobilization.check_eligibility")]

    @extend_schema(request=EligibilityRequestSerializer, responses={200: EligibilityResponseSerializer})
    def post(self, request):
        data = EligibilityRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        reservist = get_object_or_404(Reservist.objects.for_user(request.user), pk=values["reservist"])
        overrides = None
        if values.get("order"):
            order = get_object_or_404(CallUpOrder.objects.for_user(request.user), pk=values["order"])
            overrides = order.overrides()
        proposal = rules.Proposal(values["mobilization_type"], values["start_date"], values["days"], values["wartime"])
        outcome = services.evaluate_reservist(reservist, proposal, overrides)
        return Response(
            {
                "decision": outcome.decision,
                "reasons": rules.render_reasons(outcome.reasons),
                "policy_version": outcome.policy_version,
            }
        )


class KnownCountPaginator(Paginator):
    def __init__(self, *args, known_count=None, **kwargs):
        super().__init__(*args, **kwargs)
        if known_count is not None:
            self.__dict__["count"] = known_count  # cached_property: skip the COUNT(*) over a million rows


class CandidatePagination(CountedPagination):
    known_count = None

    def django_paginator_class(self, *args, **kwargs):
        return KnownCountPaginator(*args, known_count=self.known_count, **kwargs)


def candidate_queryset(user, order, params):
    """The order's candidates the user may see, filtered (mobilization/filters.py); a wrong value is 400."""
    return filter_candidates(Candidate.objects.for_user(user).filter(order=order).order_by("id"), params)


def known_count(user, order, params):
    """The stored count for a nationwide reader with at most a decision filter; None means count."""
    from core.scope import get_scope

    if not get_scope(user).nation or params.get("excluded") or not order.summary:
        return None
    counts = order.summary.get("counts", {})
    decision = params.get("decision")
    return counts.get(decision) if decision else counts.get("total")
