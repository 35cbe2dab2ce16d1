from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def recent_decisions(context, reservist, limit: int = 10):
    """The reservist's latest candidate decisions the current user may see (their order must be visible too).

    Two plain queries instead of one with the orders' scope as a subquery: the person's candidacies in the
    user's scope (often none: then that is all), then which of their few orders the user may see. Building the
    single query with its nested EXISTS cost ~1.5 ms of Python on every reservist page (load test, issue 10)."""
    from mobilization.models import CallUpOrder, Candidate

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm("mobilization.view_candidate"):
        return []
    rows = list(
        Candidate.objects.for_user(user)
        .filter(reservist_id=reservist.pk)
        .select_related("order")
        .order_by("-order__report_date", "-id")
    )
    if not rows:
        return []
    visible = set(
        CallUpOrder.objects.for_user(user).filter(pk__in={c.order_id for c in rows}).values_list("pk", flat=True)
    )
    return [c for c in rows if c.order_id in visible][:limit]


@register.filter
def article_label(refusal) -> str:
    """第31條 / Art. 31 for a refusal (core.actions.Refusal) or a reason dict."""
    from mobilization import rules

    data = refusal.as_dict() if hasattr(refusal, "as_dict") else refusal
    return rules.article_label(data) if data.get("article") else ""
