"""The access review, its export and sign-off; and the public page behind a single-use password link."""

from django.contrib import messages
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import ListView

from core.actions import ActionRefused
from core.views import PortalPermissionMixin

from .. import services
from ..forms import SignOffForm
from ..models import REVIEW_ACCESS, AccessReview, Account
from ..review import current_quarter, export_lines, record_export, review_rows, sign_off


class ReviewView(PortalPermissionMixin, ListView):
    model = Account
    permission_required = REVIEW_ACCESS
    template_name = "administration/review.html"
    paginate_by = 100

    def get_queryset(self):
        return Account.objects.for_user(self.request.user).order_by("username")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = review_rows(context["object_list"])
        context["quarter"] = current_quarter()
        context["signed_off"] = AccessReview.objects.filter(period=context["quarter"]).first()
        context["reviews"] = AccessReview.objects.all()[:8]
        context["can_sign_off"] = self.request.user.has_perm("administration.add_accessreview")
        context["form"] = SignOffForm()
        context["dormant_days"] = services.dormant_days()
        return context


def review_export(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm(REVIEW_ACCESS):
        raise PermissionDenied
    accounts = Account.objects.for_user(request.user)
    record_export(request.user, accounts.count())
    response = StreamingHttpResponse(export_lines(accounts), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="access-review-{current_quarter()}.csv"'
    return response


def review_sign_off(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = SignOffForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        review = sign_off(request.user, note)
    except ActionRefused as refused:
        if refused.status_code == 403:
            raise PermissionDenied from refused
        messages.error(request, refused.check.message)
    else:
        messages.success(request, _("The review of %(q)s is signed off.") % {"q": review.period})
    return redirect("administration:review")


@never_cache
def password_set(request, token: str):
    """Public: set a password through a single-use link (no log-in; the link is the proof)."""
    link = services.valid_link(token)
    if link is None:
        return render(request, "administration/password_set.html", {"expired": True}, status=410)
    form = SetPasswordForm(link.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.use_link(token, form.cleaned_data["new_password1"])
        except ValidationError as exc:
            return render(
                request, "administration/password_set.html", {"expired": True, "message": exc.messages[0]}, status=410
            )
        messages.success(request, _("Your password is set. Log in with it now."))
        return redirect("login")
    return render(request, "administration/password_set.html", {"form": form, "username": link.user.username})
