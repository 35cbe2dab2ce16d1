"""Shelters with their fill level, assignments of reservists (Art. 24) and approved moves."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import searchtokens
from core.actions import allowed
from core.exceptions import TransitionRefused
from core.models import Region
from core.pii import mask_national_id
from core.views import ScopedCreateView, ScopedDetailView, ScopedListView, ScopedUpdateView, show_refusal

from .. import worklist
from ..actions import RELEASE_DECISIONS, AssignShelter, RequestRelease
from ..choices import ReleaseStatus
from ..forms import AssignForm, DecisionForm, ReleaseRequestForm, ReservistSearchForm, ShelterForm
from ..models import Shelter, ShelterAssignment, ShelterReleaseRequest
from ..services import shelters as service
from .common import portal_view, scoped

FOUND_LIMIT = 20  # a search that finds more asks for a longer text, never lists a county's registry


def find_reservists(request, text: str):
    """The reservists of the user's area that the registry's search box finds for `text` (reservists.filters:
    a name or part of it, the ID as shown masked, its last digits, a birth date): (rows, errors). At most
    FOUND_LIMIT + 1 rows (one more says "there are more"); each says whether the person has a shelter already.
    An ID search is logged as a personal-data access, as on the registry list."""
    from reservists.filters import ReservistFilter
    from reservists.models import Reservist

    filterset = ReservistFilter({"q": text}, queryset=Reservist.objects.for_user(request.user), request=request)
    if not filterset.is_valid():
        return [], [error for errors in filterset.form.errors.values() for error in errors]
    sheltered = ShelterAssignment.objects.filter(reservist=OuterRef("pk"), released_at__isnull=True)
    rows = list(
        filterset.qs.annotate(sheltered=Exists(sheltered))
        .select_related("township__parent")
        .order_by("-pk")[: FOUND_LIMIT + 1]
    )
    for row in rows:
        row.masked_id = mask_national_id(row.national_id)
    return rows, []


def fill_status(assigned: int, capacity: int) -> str:
    if not capacity:
        return "bad"
    share = assigned / capacity
    return "bad" if share >= 1 else "warn" if share >= 0.9 else "ok"


class ShelterListView(ScopedListView):
    model = Shelter
    permission_required = "civil_defense.view_shelter"
    template_name = "civil_defense/shelter_list.html"
    paginate_by = 100

    def get_queryset(self):
        queryset = super().get_queryset().with_assigned().select_related("township__parent")
        township = self.request.GET.get("township")
        if township:
            queryset = queryset.filter(township__code=township)
        q = (self.request.GET.get("q") or "").strip()
        if q:
            queryset = queryset.filter(Q(name__icontains=q) | Q(address__icontains=q))
        if self.request.GET.get("release") == "pending":  # the home page's "release requests waiting"
            queryset = worklist.shelters_with_release_waiting(self.request.user, queryset)
        return queryset.order_by("township__code", "name", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for shelter in context["object_list"]:
            shelter.fill = fill_status(shelter.assigned, shelter.capacity)
            shelter.percent = round(100 * shelter.assigned / shelter.capacity) if shelter.capacity else 0
        context["townships"] = (
            Region.objects.for_user(self.request.user).filter(level="township").select_related("parent")
        )
        context["selected"] = {k: self.request.GET.get(k, "") for k in ("township", "q", "release")}
        return context


class ShelterCreateView(ScopedCreateView):
    model = Shelter
    form_class = ShelterForm
    permission_required = "civil_defense.add_shelter"
    template_name = "civil_defense/form.html"
    extra_context = {"title": gettext_lazy("New shelter")}

    def get_success_url(self):
        return reverse("civil_defense:shelter-detail", args=[self.object.pk])


class ShelterUpdateView(ScopedUpdateView):
    model = Shelter
    form_class = ShelterForm
    permission_required = "civil_defense.change_shelter"
    template_name = "civil_defense/form.html"
    extra_context = {"title": gettext_lazy("Edit shelter")}

    def get_success_url(self):
        return reverse("civil_defense:shelter-detail", args=[self.object.pk])


class ShelterDetailView(ScopedDetailView):
    model = Shelter
    permission_required = "civil_defense.view_shelter"
    template_name = "civil_defense/shelter_detail.html"

    def post(self, request, *args, **kwargs):
        """The "find a reservist" box: its text (a name, an ID as shown) goes behind a search token, never into the
        URL (core.searchtokens), and the page shows what it found with an "Assign" button each."""
        shelter = self.get_object()  # out of scope: 404
        url = reverse("civil_defense:shelter-detail", args=[shelter.pk])
        form = ReservistSearchForm(request.POST)
        if not form.is_valid():
            return redirect(url)
        token = searchtokens.stash(request, {"q": form.cleaned_data["q"].strip()})
        return redirect(f"{url}?{searchtokens.TOKEN_PARAM}={token}#find")

    def search_context(self, can_assign: bool) -> dict:
        if not can_assign:
            return {}
        try:
            text = (searchtokens.resolve(self.request).get("q") or "").strip()
        except searchtokens.ExpiredSearch:
            text = ""
        found, errors = find_reservists(self.request, text) if text else ([], [])
        return {
            "search_form": ReservistSearchForm(initial={"q": text}),
            "searched": text,
            "found": found[:FOUND_LIMIT],
            "found_more": len(found) > FOUND_LIMIT,
            "search_errors": errors,
        }

    def get_queryset(self):
        return super().get_queryset().with_assigned().select_related("township__parent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        shelter = self.object
        user = self.request.user
        pending = ShelterReleaseRequest.objects.filter(assignment=OuterRef("pk"), status=ReleaseStatus.PENDING)
        assignments = list(
            ShelterAssignment.objects.filter(shelter=shelter, released_at__isnull=True)
            .annotate(pending_request=Exists(pending))
            .select_related("reservist")
            .order_by("reservist__name")
        )
        # Every form and button below is what the workflow's check() allows (rows are in scope already).
        for assignment in assignments:
            assignment.masked_id = mask_national_id(assignment.reservist.national_id)
            assignment.can_request = RequestRelease().check_available(user, assignment, known_in_scope=True).allowed
        requests = list(
            ShelterReleaseRequest.objects.filter(assignment__shelter=shelter)
            .select_related("assignment__reservist", "target_shelter", "requested_by", "decided_by")
            .order_by("-id")[:50]
        )
        for req in requests:
            req.decisions = allowed(user, req, RELEASE_DECISIONS, known_in_scope=True)
            req.can_decide = bool(req.decisions)
        can_assign = AssignShelter().check_available(user, shelter, known_in_scope=True).allowed
        context.update(self.search_context(can_assign))
        context.update(
            can_assign=can_assign,
            assignments=assignments,
            requests=requests,
            pending_ids={r.assignment_id for r in requests if r.status == ReleaseStatus.PENDING},
            fill=fill_status(shelter.assigned, shelter.capacity),
            assign_form=kwargs.get("assign_form") or AssignForm(user=user),
            release_form=ReleaseRequestForm(user=user, exclude=shelter),
            decision_form=DecisionForm(),
        )
        return context


_refusal = show_refusal  # a refused step as a page message: once, in core


@portal_view("civil_defense.view_shelter", "civil_defense.add_shelterassignment", methods=("POST",))
def assign_view(request, pk):
    shelter = scoped(Shelter, request, pk)
    form = AssignForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            service.assign_reservist(user=request.user, shelter=shelter, reservist=form.reservist)
            messages.success(request, _("The reservist was assigned to this shelter."))
        except (TransitionRefused, ValidationError) as exc:
            _refusal(request, exc)
    else:
        for error in form.errors.get("reservist", []):
            messages.error(request, error)
    return redirect("civil_defense:shelter-detail", pk=shelter.pk)


@portal_view("reservists.view_reservist", "civil_defense.view_shelter", "civil_defense.add_shelterassignment")
def reservist_shelter_view(request, pk):
    """ "Assign to a shelter" from a reservist's page or the registry list: the person (404 outside the user's
    area), their shelter if they have one, and the shelters of their county that the user keeps, those of their
    own township first, each with its fill and an "Assign here" button (the same AssignShelter action)."""
    from reservists.models import Reservist

    reservist = scoped(Reservist, request, pk, Reservist.objects.select_related("township__parent"))
    current = (
        ShelterAssignment.objects.filter(reservist=reservist, released_at__isnull=True)
        .select_related("shelter__township__parent")
        .first()
    )
    shelters = list(
        Shelter.objects.for_user(request.user)
        .with_assigned()
        .filter(township__parent_id=reservist.township.parent_id)
        .select_related("township__parent")
        .annotate(
            here=Case(
                When(township_id=reservist.township_id, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("here", "township__position", "name", "pk")
    )
    for shelter in shelters:
        shelter.fill = fill_status(shelter.assigned, shelter.capacity)
        shelter.full = shelter.assigned >= shelter.capacity
    return render(
        request,
        "civil_defense/reservist_shelter.html",
        {
            "reservist": reservist,
            "masked_id": mask_national_id(reservist.national_id),
            "current": current,
            "shelters": shelters,
        },
    )


@portal_view("civil_defense.view_shelterassignment", "civil_defense.add_shelterreleaserequest", methods=("POST",))
def request_release_view(request, pk):
    assignment = scoped(ShelterAssignment, request, pk, ShelterAssignment.objects.select_related("shelter"))
    form = ReleaseRequestForm(request.POST, user=request.user, exclude=assignment.shelter)
    if form.is_valid():
        try:
            service.request_release(
                user=request.user,
                assignment=assignment,
                reason=form.cleaned_data["reason"],
                target_shelter=form.cleaned_data["target_shelter"],
            )
            messages.success(request, _("The request was recorded; another official must approve it."))
        except (TransitionRefused, ValidationError) as exc:
            _refusal(request, exc)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("civil_defense:shelter-detail", pk=assignment.shelter_id)


@portal_view("civil_defense.approve_shelterreleaserequest", methods=("POST",))
def decide_release_view(request, pk):
    release = scoped(ShelterReleaseRequest, request, pk, ShelterReleaseRequest.objects.select_related("assignment"))
    form = DecisionForm(request.POST)
    form.is_valid()
    approve = request.POST.get("decision") == "approve"
    try:
        service.decide_release(
            user=request.user, request=release, approve=approve, comment=form.cleaned_data.get("comment", "")
        )
        messages.success(request, _("Approved.") if approve else _("Rejected."))
    except (TransitionRefused, ValidationError) as exc:
        _refusal(request, exc)
    return redirect("civil_defense:shelter-detail", pk=release.assignment.shelter_id)
