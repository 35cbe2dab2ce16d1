"""Team tree, team page with its establishment and roster (quick add), member pages."""

from django.contrib import messages
from django.db.models import Count, Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import log_pii_view
from core.models import Region
from core.pii import can_see_full_id
from core.views import ScopedCreateView, ScopedDetailView, ScopedListView, ScopedUpdateView

from .. import worklist
from ..choices import TeamKind
from ..forms import CertificateForm, ImportForm, MemberForm, PositionForm, QuickMemberForm, TeamForm
from ..models import Member, Team, TeamPosition
from ..services.conflicts import FLAG_LABELS
from ..training import status_for
from .common import portal_view, save_in_scope, scoped


class TeamTreeView(ScopedListView):
    model = Team
    permission_required = "civil_defense.view_team"
    template_name = "civil_defense/team_list.html"
    paginate_by = None
    MAX_TEAMS = 2000

    def get_queryset(self):
        queryset = (
            super().get_queryset().with_figures().select_related("county", "township", "organisation").order_by("name")
        )
        county = self.request.GET.get("county")
        if county:
            queryset = queryset.filter(county__code=county)
        kind = self.request.GET.get("kind")
        if kind in TeamKind.values:
            queryset = queryset.filter(kind=kind)
        q = (self.request.GET.get("q") or "").strip()
        if q:
            queryset = queryset.filter(name__icontains=q)
        if self.request.GET.get("training") == "lapsed":  # the home page's "rosters with lapsed training"
            queryset = worklist.teams_with_lapsed_training(self.request.user, queryset)
        return queryset[: self.MAX_TEAMS]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        teams = list(context["object_list"])
        by_id = {team.pk: team for team in teams}
        for team in teams:
            team.subteams = []
        roots = []
        for team in teams:
            parent = by_id.get(team.parent_id)
            (parent.subteams if parent is not None else roots).append(team)
        context.update(
            roots=roots,
            truncated=len(teams) >= self.MAX_TEAMS,
            kinds=TeamKind.choices,
            counties=Region.objects.for_user(self.request.user).filter(level="county"),
            selected={k: self.request.GET.get(k, "") for k in ("county", "kind", "q", "training")},
        )
        return context


class TeamCreateView(ScopedCreateView):
    model = Team
    form_class = TeamForm
    permission_required = "civil_defense.add_team"
    template_name = "civil_defense/form.html"
    extra_context = {"title": gettext_lazy("New team")}

    def get_initial(self):
        initial = super().get_initial()
        parent = self.request.GET.get("parent")
        if parent and parent.isdigit():
            team = Team.objects.for_user(self.request.user).filter(pk=int(parent)).first()
            if team is not None:
                initial.update(parent=team, county=team.county, kind=TeamKind.TEAM)
        return initial

    def get_success_url(self):
        return reverse("civil_defense:team-detail", args=[self.object.pk])


class TeamUpdateView(ScopedUpdateView):
    model = Team
    form_class = TeamForm
    permission_required = "civil_defense.change_team"
    template_name = "civil_defense/form.html"
    extra_context = {"title": gettext_lazy("Edit team")}

    def get_success_url(self):
        return reverse("civil_defense:team-detail", args=[self.object.pk])


def roster_rows(members):
    """Members with their conflict flags and training status for display."""
    rows = []
    for member in members:
        member.training_status = status_for(member.last_trained)
        member.flag_labels = []
        if member.in_other_team:
            member.flag_labels.append(_("Also on another team's roster"))
        if member.reservist_flag:
            member.flag_labels.append(FLAG_LABELS[member.reservist_flag])
        rows.append(member)
    return rows


class TeamDetailView(ScopedDetailView):
    model = Team
    permission_required = "civil_defense.view_team"
    template_name = "civil_defense/team_detail.html"

    def get_queryset(self):
        return super().get_queryset().with_figures().select_related("county", "township", "organisation", "parent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        team = self.object
        user = self.request.user
        members = roster_rows(
            Member.objects.for_user(user).filter(team=team).with_flags().with_last_trained().order_by("name")
        )
        actual = {}
        for member in members:
            actual[member.position] = actual.get(member.position, 0) + 1
        positions = list(TeamPosition.objects.filter(team=team).order_by("position"))
        for position in positions:
            position.actual = actual.pop(position.position, 0)
        unplanned = sorted(actual.items())
        context.update(
            members=members,
            positions=positions,
            unplanned=unplanned,
            subteams=Team.objects.for_user(user).filter(parent=team).with_figures().order_by("name"),
            quick_form=kwargs.get("quick_form") or QuickMemberForm(user=user, team=team),
            position_form=kwargs.get("position_form") or PositionForm(user=user),
            import_form=ImportForm(),
            stations=team.stations.all(),
        )
        return context


@portal_view("civil_defense.view_team", "civil_defense.add_member", methods=("POST",))
def member_add(request, pk):
    team = scoped(Team, request, pk)
    form = QuickMemberForm(request.POST, user=request.user, team=team)
    if form.is_valid() and save_in_scope(request, form):
        messages.success(request, _("%(name)s was added to the roster.") % {"name": form.instance.name})
        return redirect(reverse("civil_defense:team-detail", args=[team.pk]) + "#roster")
    view = TeamDetailView()
    view.setup(request, pk=pk)
    view.object = Team.objects.for_user(request.user).with_figures().get(pk=team.pk)
    return render(request, view.template_name, view.get_context_data(object=view.object, quick_form=form), status=400)


@portal_view("civil_defense.view_team", "civil_defense.add_teamposition", methods=("POST",))
def position_add(request, pk):
    team = scoped(Team, request, pk)
    existing = TeamPosition.objects.filter(
        team=team, position=request.POST.get("establishment-position", "").strip()
    ).first()
    form = PositionForm(request.POST, user=request.user, instance=existing or TeamPosition(team=team))
    if form.is_valid() and save_in_scope(request, form):
        messages.success(request, _("Saved."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(reverse("civil_defense:team-detail", args=[team.pk]) + "#establishment")


@portal_view("civil_defense.delete_teamposition", methods=("POST",))
def position_delete(request, pk):
    position = scoped(TeamPosition, request, pk)
    team_id = position.team_id
    position.delete()
    messages.success(request, _("Deleted."))
    return redirect(reverse("civil_defense:team-detail", args=[team_id]) + "#establishment")


class MemberDetailView(ScopedDetailView):
    model = Member
    permission_required = "civil_defense.view_member"
    template_name = "civil_defense/member_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .with_flags()
            .with_last_trained()
            .select_related("team")
            .prefetch_related(Prefetch("certificates"))
            .annotate(sessions=Count("attendance"))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        member = roster_rows([self.object])[0]
        show_full = self.request.GET.get("show") == "id" and can_see_full_id(self.request.user)
        if show_full:
            log_pii_view(self.request.user, member)
        context.update(
            member=member,
            show_full=show_full,
            can_see_full=can_see_full_id(self.request.user),
            certificate_form=CertificateForm(user=self.request.user),
            trainings=member.trainings.order_by("-date")[:20],
        )
        return context


class MemberUpdateView(ScopedUpdateView):
    model = Member
    form_class = MemberForm
    permission_required = "civil_defense.change_member"
    template_name = "civil_defense/form.html"
    extra_context = {"title": gettext_lazy("Edit member")}

    def get_success_url(self):
        return reverse("civil_defense:member-detail", args=[self.object.pk])


@portal_view("civil_defense.view_member", "civil_defense.add_certificate", methods=("POST",))
def certificate_add(request, pk):
    member = scoped(Member, request, pk)
    form = CertificateForm(request.POST, user=request.user)
    form.instance.member = member
    if form.is_valid() and save_in_scope(request, form):
        messages.success(request, _("Saved."))
    else:
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[field].label if field in form.fields else ''} {error}")
    return redirect("civil_defense:member-detail", pk=member.pk)
