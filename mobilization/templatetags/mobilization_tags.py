from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def recent_decisions(context, reservist, limit: int = 10):
    """The reservist's latest candidate decisions the current user may see (their order must be visible too)."""
    from mobilization.models import CallUpOrder, Candidate

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm("mobilization.view_candidate"):
        return []
    orders = CallUpOrder.objects.for_user(user).values("pk")
    return list(
        Candidate.objects.for_user(user)
        .filter(reservist=reservist, order__in=orders)
        .select_related("order")
        .order_by("-order__report_date", "-id")[:limit]
    )
