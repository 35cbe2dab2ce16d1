"""The rule policy page (Art. 33): every version; mnd_admin publishes a new one."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from core import authz
from core.views import PortalPermissionMixin

from .. import rules, services
from ..articles import ARTICLES
from ..forms import PolicyForm
from ..models import RulePolicy


class PolicyView(PortalPermissionMixin, TemplateView):
    """Every version of the rule policy; mnd_admin publishes a new one with its effective date (Art. 33)."""

    permission_required = "mobilization.view_rulepolicy"
    template_name = "mobilization/policy.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", PolicyForm(initial=self._latest_values()))
        context["versions"] = RulePolicy.objects.order_by("-version")
        context["can_publish"] = self.request.user.has_perm("mobilization.add_rulepolicy")
        context["defaults"] = rules.PolicyParams()
        context["articles"] = ARTICLES
        pages = {e.page for article in ARTICLES for e in article.enforced if e.page}
        context["openable"] = {name for name in pages if authz.may_open(self.request.user, name)}
        return context

    def _latest_values(self):
        latest = RulePolicy.objects.order_by("-version").first()
        return {f: getattr(latest, f) for f in services.POLICY_FIELDS} if latest else {}

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("mobilization.add_rulepolicy"):
            raise PermissionDenied
        form = PolicyForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            services.publish_policy(user=request.user, **data)
            messages.success(request, _("A new policy version was published."))
            return HttpResponseRedirect(reverse("mobilization:policy"))
        return self.render_to_response(self.get_context_data(form=form))
