"""Adding a service record or a priority grant from a reservist's page."""

from django.urls import reverse

from core.views import ScopedCreateView, ScopedParentMixin

from ..forms import PriorityGrantForm, ServiceRecordForm
from ..models import PriorityGrant, Reservist, ServiceRecord
from ..signals import announce


class _ForReservist(ScopedParentMixin, ScopedCreateView):
    template_name = "reservists/record_form.html"
    parent_model = Reservist  # self.reservist, from the user's scope

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.model(reservist=self.reservist)
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(reservist=self.reservist, title=self.model._meta.verbose_name, **kwargs)

    def get_success_url(self):
        return reverse("reservists:detail", args=[self.reservist.pk])


class ServiceRecordCreateView(_ForReservist):
    model = ServiceRecord
    form_class = ServiceRecordForm
    permission_required = "reservists.add_servicerecord"


class PriorityGrantCreateView(_ForReservist):
    model = PriorityGrant
    form_class = PriorityGrantForm
    permission_required = "reservists.add_prioritygrant"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        user = self.request.user
        kwargs["instance"].approved_by = user
        kwargs["instance"].approved_by_name = user.get_username()
        return kwargs

    def save_form(self, form):
        grant = form.save()
        # A new Art. 29 grant can release this person's notices (mobilization listens), in the same transaction.
        announce([grant.reservist_id], cause="grant", user=self.request.user)
        return grant
