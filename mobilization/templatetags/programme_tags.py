from django import template

from ..services.programme import order_warnings

register = template.Library()


@register.simple_tag
def programme_warnings(order):
    """What the approver is told about the order against the annual programme (Art. 24, 27, 28)."""
    return order_warnings(order)
