"""The shelter figure is how full the shelters are: assigned against places, never places against assigned
(the report once printed 470000.0% in green after one assignment)."""

from django.utils import translation

from reports.sections import civil_defense


def _shelter(figures):
    base = {"available": True, "strength": 0, "establishment": 0, "trained": 0}
    return next(i for i in civil_defense.indicators({**base, **figures}) if i.key == "civil_defense.shelter")


def test_one_assignment_in_a_large_capacity_is_a_small_share_in_green():
    with translation.override("zh-hant"):
        indicator = _shelter({"shelter_capacity": 4700, "shelter_assigned": 1})
    assert indicator.value == round(1 / 4700, 4)
    assert indicator.status == "ok"
    assert indicator.display.startswith("0.0%") and "4,700" in indicator.display


def test_nearly_full_is_amber_and_overfull_is_red():
    assert _shelter({"shelter_capacity": 100, "shelter_assigned": 95}).status == "warn"
    overfull = _shelter({"shelter_capacity": 100, "shelter_assigned": 120})
    assert overfull.status == "bad" and overfull.value == 1.2


def test_no_places_shows_no_figure():
    indicator = _shelter({"shelter_capacity": 0, "shelter_assigned": 0})
    assert indicator.value is None and indicator.display == "—" and indicator.status == ""
