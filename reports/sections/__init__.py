"""The report's sections, one module per source app, in the order they appear in the report."""

from . import call_ups, civil_defense, critical_infrastructure, exercises, materiel, programme, reservists

SECTIONS = [reservists, call_ups, programme, civil_defense, critical_infrastructure, exercises, materiel]


def by_key(key: str):
    for section in SECTIONS:
        if key == section.KEY:
            return section
    raise KeyError(key)
