"""The end-of-call-up panels of the order page and the notice page (services/exemptions.py, closing.py), as
inclusion tags so those pages only include them: what to show comes from each step's Action.check_available()."""

from django import template

register = template.Library()


@register.inclusion_tag("mobilization/lifecycle/_order_panel.html", takes_context=True)
def order_lifecycle_panel(context, order):
    from mobilization.forms import AreaForm, CorrectionForm, NoteForm, RecallForm
    from mobilization.models import OrderChange
    from mobilization.services import changes, closing, exemptions
    from mobilization.views.lifecycle import order_townships

    request = context["request"]
    user = request.user
    panel = {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "order": order,
        "show": order.status in ("issued", "closed", "recalled"),
    }
    if not panel["show"]:
        return panel
    if user.has_perm("mobilization.view_orderyield"):
        panel["figures"] = closing.yield_payload(user, order)
    townships = order_townships(user, order)
    visible = {t.pk: t for t in townships}
    panel["changes"] = [
        (
            change,
            changes.ApproveChange().check_available(user, change),
            [visible[int(t)] for t in change.letters if int(t) in visible] if change.kind == "recall" else [],
        )
        for change in OrderChange.objects.for_user(user).filter(order=order).prefetch_related("townships")[:20]
    ]
    if exemptions.ExemptArea().check_available(user, order):
        panel["area_form"] = AreaForm(townships=townships)
    if changes.ProposeRecall().check_available(user, order):
        panel["recall_form"] = RecallForm(townships=townships)
        panel["correct_form"] = CorrectionForm(townships=townships)
    if user.has_perm("mobilization.close_calluporder") and order.status == "issued":
        panel["close_check"] = closing.CloseOrder().check_available(user, order)
        panel["close_form"] = NoteForm()
    return panel


@register.inclusion_tag("mobilization/lifecycle/_notice_panel.html", takes_context=True)
def notice_lifecycle_panel(context, notice):
    from mobilization.forms import ExemptForm, NoteForm, ReleaseForm
    from mobilization.models import Exemption, Gap
    from mobilization.services import closing, exemptions
    from mobilization.services.lifecycle import BINDING, OPEN

    request = context["request"]
    user = request.user
    panel = {"request": request, "csrf_token": context.get("csrf_token"), "notice": notice}
    # Cheap tests first, so that an ordinary notice costs this panel no query at all (the page has a budget).
    live = notice.order.status == "issued"
    open_ = notice.status in OPEN
    if notice.status in ("exempted", "withdrawn", "undeliverable"):
        panel["gap"] = Gap.objects.filter(notice=notice).select_related("replacement").first()
    history = context.get("history")
    if history is None or any(str(row.get("code", "")).startswith("exempt") for row in history):
        panel["exemptions"] = [
            (e, exemptions.ApproveExemption().check_available(user, e))
            for e in Exemption.objects.for_user(user)
            .filter(notice=notice)
            .select_related("ground")
            .prefetch_related("documents")
        ]
    grant = user.has_perm("mobilization.decide_exemption")
    if live and open_ and not notice.attendance and (grant or user.has_perm("mobilization.request_exemption")):
        step = exemptions.GrantExemption() if grant else exemptions.RequestExemption()
        if step.check_available(user, notice):
            panel["exempt_form"] = ExemptForm()
            panel["exempt_grants"] = grant
    if live and open_ and not notice.attendance and grant and exemptions.ReleaseNotice().check_available(user, notice):
        panel["release_form"] = ReleaseForm()
    if (
        live
        and notice.status in BINDING
        and not notice.attendance
        and user.has_perm("mobilization.record_attendance")
        and closing.MarkAttendanceUnknown().check_available(user, notice)
    ):
        panel["unknown_form"] = NoteForm()
    return panel


@register.inclusion_tag("mobilization/lifecycle/_forecast.html", takes_context=True)
def yield_forecast(context, order, summary):
    """Below the selection's shortfall: how many are expected to report, from measured yield."""
    from mobilization.services.forecast import forecast

    result = forecast(order, summary) if order is not None else None
    return {"forecast": result, "township_names": context.get("township_names") or {}}


@register.inclusion_tag("mobilization/lifecycle/_rates.html")
def yield_rates():
    """On the order form: the measured share of those called who reported, per mobilization type."""
    from mobilization.services.forecast import rates_by_type

    return {"rates": rates_by_type()}


@register.filter
def percent(value):
    return "—" if value is None else f"{value * 100:.0f}%"
