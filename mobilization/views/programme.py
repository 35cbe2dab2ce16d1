"""Pages of the annual programme (list, a version with its lines, progress and history, the decisions) and of
the rotation-leave roster of an order."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from core.actions import ActionRefused, available
from core.models import Region
from core.scope import get_scope, get_scoped_or_404
from core.views import PortalPermissionMixin, ScopedListView
from reservists.choices import MobilizationType

from ..choices import ProgrammeStatus
from ..models import AnnualProgramme, CallUpOrder, Notice, ProgrammeLine, RotationLeave
from ..services import leave as leave_rules
from ..services import programme as services
from ..services.programme_progress import programme_progress


def refusal_message(request, exc: ActionRefused) -> None:
    messages.error(request, " ".join(str(r["message"]) for r in exc.reasons) or str(exc.message))


class ProgrammeListView(ScopedListView):
    model = AnnualProgramme
    permission_required = "mobilization.view_annualprogramme"
    template_name = "mobilization/programme/programme_list.html"

    def get_queryset(self):
        return super().get_queryset().order_by("-year", "-version")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["new_form"] = NewVersionForm()
        context["can_draft"] = self.request.user.has_perm("mobilization.add_annualprogramme")
        return context

    def post(self, request, *args, **kwargs):
        form = NewVersionForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
            return HttpResponseRedirect(reverse("mobilization:programme-list"))
        try:
            programme = services.create_version(user=request.user, **form.cleaned_data)
        except ActionRefused as exc:
            if exc.status_code == 403:
                raise PermissionDenied from exc
            refusal_message(request, exc)
            return HttpResponseRedirect(reverse("mobilization:programme-list"))
        return HttpResponseRedirect(reverse("mobilization:programme-detail", args=[programme.pk]))


class NewVersionForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=1950, max_value=2200)
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=2000)


class LineForm(forms.ModelForm):
    target_regions = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Target counties"),
        queryset=Region.objects.counties(),
        required=False,
        help_text=gettext_lazy("Empty: nationwide."),
    )

    class Meta:
        model = ProgrammeLine
        fields = ["key", "mobilization_type", "period", "target_regions", "number", "days"]

    def __init__(self, *args, programme=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme

    def clean_period(self):
        period = self.cleaned_data["period"]
        if not services.valid_period(period, self.programme.year):
            raise forms.ValidationError(
                _("A month (%(y)s-03) or a quarter (%(y)s-Q1) of %(y)s.") % {"y": self.programme.year}
            )
        return period

    def validate_unique(self):
        # The programme is set by the service; the unique key is checked there against this version.
        if self.programme.lines.filter(key=self.cleaned_data.get("key")).exclude(pk=self.instance.pk).exists():
            self.add_error("key", _("This version already has a line with this key."))


class DecisionForm(forms.Form):
    comment = forms.CharField(label=gettext_lazy("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    approval_reference = forms.CharField(
        label=gettext_lazy("Executive Yuan approval reference"), required=False, max_length=100
    )
    approved_on = forms.DateField(
        label=gettext_lazy("Approved by the Executive Yuan on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class ProgrammeDetailView(PortalPermissionMixin, TemplateView):
    permission_required = "mobilization.view_annualprogramme"
    template_name = "mobilization/programme/programme_detail.html"

    def get_programme(self):
        return get_scoped_or_404(AnnualProgramme.objects, self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        programme = self.get_programme()
        progress = programme_progress(programme, get_scope(self.request.user))
        labels = dict(MobilizationType.choices)
        for line in progress["lines"]:
            line["type_label"] = labels.get(line["mobilization_type"], line["mobilization_type"])
            line["share"] = min(100, round(100 * line["drawn"] / line["planned"])) if line["planned"] else 0
            line["reported_share"] = min(100, round(100 * line["reported"] / line["planned"])) if line["planned"] else 0
        history = AnnualProgramme.objects.for_user(self.request.user).filter(year=programme.year).order_by("-version")
        checks = available(self.request.user, programme, services.PROGRAMME_ACTIONS)
        context.update(
            programme=programme,
            progress=progress,
            history=history,
            checks=checks,
            allowed={name for name, check in checks.items() if check.allowed},
            editable=programme.status == ProgrammeStatus.DRAFT
            and self.request.user.has_perm("mobilization.change_annualprogramme"),
            line_form=kwargs.get("line_form") or LineForm(programme=programme),
            decision_form=DecisionForm(),
        )
        return context

    def post(self, request, *args, **kwargs):
        programme = self.get_programme()
        form = LineForm(request.POST, programme=programme)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(line_form=form))
        values = {name: form.cleaned_data[name] for name in LineForm.Meta.fields}
        try:
            services.save_line(user=request.user, programme=programme, **values)
        except ActionRefused as exc:
            if exc.status_code == 403:
                raise PermissionDenied from exc
            refusal_message(request, exc)
        else:
            messages.success(request, _("Line %(key)s added.") % {"key": values["key"]})
        return HttpResponseRedirect(reverse("mobilization:programme-detail", args=[programme.pk]))


def programme_action(request, pk, name):
    """POST a decision (submit, approve, reject) or remove a line; a refusal is a banner and changes nothing."""
    if not request.user.is_authenticated or request.method != "POST":
        raise PermissionDenied
    programme = get_scoped_or_404(AnnualProgramme.objects, request.user, "mobilization.view_annualprogramme", pk=pk)
    target = reverse("mobilization:programme-detail", args=[pk])
    if name == "remove-line":
        line = get_object_or_404(programme.lines.all(), pk=request.POST.get("line") or 0)
        try:
            services.remove_line(user=request.user, line=line)
        except ActionRefused as exc:
            refusal_message(request, exc)
        return HttpResponseRedirect(target)
    if name not in services.PROGRAMME_ACTIONS:
        raise Http404
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return HttpResponseRedirect(target)
    params = {}
    if name == "approve":
        params = {
            "approval_reference": form.cleaned_data["approval_reference"],
            "approved_on": form.cleaned_data["approved_on"],
        }
    try:
        services.PROGRAMME_ACTIONS[name].execute(request.user, programme, note=form.cleaned_data["comment"], **params)
    except ActionRefused as exc:
        if exc.status_code == 403:
            raise PermissionDenied from exc
        refusal_message(request, exc)
    else:
        programme.refresh_from_db()
        messages.success(request, _("Done: %(status)s.") % {"status": programme.get_status_display()})
    return HttpResponseRedirect(target)


class LeaveForm(forms.Form):
    notice = forms.CharField(label=gettext_lazy("Notice number"), max_length=30)
    start = forms.DateField(label=gettext_lazy("First day of leave"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=gettext_lazy("Last day of leave"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=500)


class LeaveRosterView(PortalPermissionMixin, TemplateView):
    """The rotation-leave roster of an order, unit by unit (Art. 32), with the form to record a leave."""

    permission_required = "mobilization.view_rotationleave"
    template_name = "mobilization/programme/leave_roster.html"

    def get_order(self):
        return get_scoped_or_404(
            CallUpOrder.objects, self.request.user, "mobilization.view_calluporder", pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        order = self.get_order()
        day = None
        if self.request.GET.get("day"):
            try:
                day = forms.DateField().clean(self.request.GET["day"])
            except forms.ValidationError:
                messages.error(self.request, _("Enter a valid date."))
        leaves = RotationLeave.objects.for_user(self.request.user).filter(order=order).select_related("notice")
        check = leave_rules.RecordLeave().check_available(self.request.user, order)
        context.update(
            order=order,
            day=day,
            units=leave_rules.roster(order, leaves.order_by("unit_key", "period"), day),
            form=kwargs.get("form") or LeaveForm(),
            can_record=check.allowed,
            refusals=kwargs.get("refusals") or [],
            applies=order.mobilization_type in leave_rules.LEAVE_TYPES,
        )
        return context

    def post(self, request, *args, **kwargs):
        order = self.get_order()
        form = LeaveForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        notice = Notice.objects.for_user(request.user).filter(order=order, number=form.cleaned_data["notice"]).first()
        if notice is None:
            form.add_error("notice", _("No notice of this order has this number in your area."))
            return self.render_to_response(self.get_context_data(form=form))
        try:
            leave_rules.RecordLeave().execute(
                request.user,
                order,
                notice=notice,
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
                note=form.cleaned_data["note"],
            )
        except ActionRefused as exc:
            if exc.status_code == 403:
                raise PermissionDenied from exc
            messages.error(request, _("The leave cannot be recorded under Art. 32."))
            return self.render_to_response(self.get_context_data(form=form, refusals=exc.reasons), status=400)
        messages.success(request, _("Leave recorded."))
        return HttpResponseRedirect(reverse("mobilization:order-leave", args=[order.pk]))
