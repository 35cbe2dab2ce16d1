"""The township clerk's notices across orders: those to deliver, and those whose report day has come with no
attendance recorded. The home page's worklist figures link here (mobilization/worklist.py defines both)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from core.views import PortalPermissionMixin

from .. import worklist
from ..filters import TownshipField
from ..services import notices as notice_steps

PAGE = 50


class WorklistForm(forms.Form):
    todo = forms.ChoiceField(
        label=_("Waiting for"),
        choices=[("deliver", _("Delivery")), ("attendance", _("Attendance on report day"))],
        initial="deliver",
    )
    township = TownshipField(label=_("Township (code)"), required=False)


class NoticeWorklistView(PortalPermissionMixin, TemplateView):
    permission_required = "mobilization.view_notice"
    template_name = "mobilization/notices/worklist.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = WorklistForm(self.request.GET or {"todo": "deliver"})
        rows, next_after, count = [], None, None
        if form.is_valid():
            queryset = worklist.notices_to_do(self.request.user, form.cleaned_data["todo"], notice_steps.today())
            if form.cleaned_data["township"] is not None:
                queryset = queryset.filter(township=form.cleaned_data["township"])
            count = worklist.bounded(queryset)[1]
            after = self.request.GET.get("after")
            if after and after.isdigit():
                queryset = queryset.filter(pk__gt=int(after))
            rows = list(queryset.select_related("order", "township__parent", "reservist").order_by("pk")[: PAGE + 1])
            if len(rows) > PAGE:
                rows = rows[:PAGE]
                next_after = rows[-1].pk
        context.update(form=form, notices=rows, next_after=next_after, count=count)
        return context
