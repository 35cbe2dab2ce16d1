"""An API refuses parameters it does not understand: a typo in a filter must never widen a list silently."""

from django.utils.translation import gettext as _
from rest_framework import serializers


def refuse_unknown(params, allowed) -> None:
    """400 naming each parameter of `params` (a QueryDict or dict) that is not in `allowed`."""
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        raise serializers.ValidationError(
            {name: [_("Unknown parameter “%(name)s”.") % {"name": name}] for name in unknown}
        )
