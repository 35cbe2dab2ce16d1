"""Region pickers (searchable, official order, names, served from an installed package) and 民國 date inputs on
every date field of the portal's forms (issue 18)."""

import datetime
from pathlib import Path

import pytest
from django import forms
from django.contrib.staticfiles import finders
from django.test import override_settings
from django.utils import translation

from core.dates import parse_date_input
from core.forms import AuditFilterForm, RocDateField, RocDateInput
from core.models import Region
from core.regions import load_regions, read_counties
from core.security import DEFAULT_CSP
from core.testing import logged_in
from core.widgets import TOMSELECT_CSS, TOMSELECT_JS, RegionPicker, RegionPickerMultiple

pytestmark = pytest.mark.django_db


# --- 民國 dates ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["115/03/01", "115-03-01", "115.3.1", "1150301", "民國115年3月1日", "2026-03-01", "2026/3/1", "20260301"],
)
def test_a_date_is_typed_in_either_calendar(typed):
    assert parse_date_input(typed) == datetime.date(2026, 3, 1)


@pytest.mark.parametrize("typed", ["115/02/30", "0/01/01", "2026-13-01", "tomorrow", "115/03"])
def test_a_non_date_is_refused(typed):
    with pytest.raises(ValueError):
        parse_date_input(typed)


class _DateForm(forms.Form):
    day = RocDateField(label="報到日期")


def test_the_field_reads_roc_input_and_names_itself_in_its_error():
    form = _DateForm({"day": "115/03/01"})
    assert form.is_valid() and form.cleaned_data["day"] == datetime.date(2026, 3, 1)
    with translation.override("zh-hant"):
        form = _DateForm({"day": "115/02/30"})
        assert not form.is_valid()
        assert form.errors["day"] == ["報到日期：請輸入日期，例如民國 115/03/01 或西元 2026-03-01。"]
    with translation.override("en"):
        assert "報到日期: enter a date as 115/03/01" in _DateForm({"day": "x"}).errors["day"][0]


def test_the_widget_shows_both_calendars_and_is_a_text_box():
    html = _DateForm(initial={"day": datetime.date(2026, 3, 1)}).as_p()
    assert 'value="115/03/01"' in html and "民國115年3月1日 (2026-03-01)" in html
    assert 'type="text"' in html and 'type="date"' not in html and "data-roc-date" in html


def test_the_audit_filter_takes_roc_dates():
    form = AuditFilterForm({"date_from": "115/03/01", "date_to": "2026-03-31"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date_from"] == datetime.date(2026, 3, 1)


def _date_fields_of(form) -> dict:
    return {
        name: field
        for name, field in form.fields.items()
        if isinstance(field, forms.DateField) and not isinstance(field, forms.DateTimeField)
    }


def test_every_date_field_of_the_portals_forms_takes_roc_input(users):
    """Each app's forms with a date (a model form through ScopedModelForm, the others through RocDatesForm)."""
    from cip.forms import PlanForm
    from civil_defense.forms import CertificateForm, TrainingForm
    from exercises.forms import CorrectiveActionForm, ExerciseForm
    from materiel.forms import CycleForm, RequirementForm, ResourceForm
    from mobilization.forms import CorrectionForm, OrderForm, PolicyForm
    from reports.forms import ReportRequestForm
    from reservists.forms import ReservistForm

    made = [
        OrderForm(user=users.staff),
        PolicyForm(),
        CorrectionForm(),
        ReservistForm(user=users.staff),
        ExerciseForm(user=users.staff),
        CorrectiveActionForm(user=users.staff),
        TrainingForm(user=users.county_a),
        CertificateForm(user=users.county_a),
        CycleForm(),
        ResourceForm(user=users.staff),
        RequirementForm(user=users.staff),
        PlanForm(user=users.staff),
        ReportRequestForm(user=users.staff),
        AuditFilterForm(),
    ]
    seen = 0
    for form in made:
        for name, field in _date_fields_of(form).items():
            seen += 1
            assert isinstance(field.widget, RocDateInput), f"{type(form).__name__}.{name}"
            assert form.fields[name].widget.attrs.get("type") is None
    assert seen >= 15


def test_a_model_form_saves_a_date_typed_as_roc(users):
    from civil_defense.forms import TrainingForm
    from civil_defense.tests.factories import make_team

    team = make_team()
    form = TrainingForm(
        {"team": team.pk, "date": "115/03/01", "subject": "急救", "hours": "2", "location": "板橋"}, user=users.county_a
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date"] == datetime.date(2026, 3, 1)


# --- region pickers ------------------------------------------------------------------------------------------------


def test_counties_are_in_the_official_order_not_by_code_or_english_name():
    official = [row["county_zh"] for row in read_counties()]
    assert [c.name_zh for c in Region.objects.counties()] == official
    assert official[:3] == ["臺北市", "新北市", "桃園市"]
    assert sorted(official, key=lambda n: Region.objects.get(name_zh=n, level="county").code) != official


def test_each_county_is_followed_by_its_townships():
    regions = list(Region.objects.select_related("parent"))
    ntpc = next(i for i, r in enumerate(regions) if r.code == "TW-NWT")
    assert regions[ntpc + 1].parent.code == "TW-NWT" and regions[ntpc - 1].parent.code == "TW-TPE"
    county_of = [r.code if r.level == "county" else r.parent.code for r in regions]
    # each county's rows are contiguous: county, then all its townships
    assert len([i for i in range(1, len(county_of)) if county_of[i] != county_of[i - 1]]) == 21
    assert load_regions() == 0  # the order is kept, loading again changes nothing


def test_order_forms_target_regions_is_a_searchable_picker_with_names(users):
    from mobilization.forms import OrderForm

    field = OrderForm(user=users.staff).fields["target_regions"]
    assert isinstance(field.widget, RegionPickerMultiple)
    assert "size" not in field.widget.attrs
    labels = [label for _value, label in field.choices]
    assert labels[:2] == ["臺北市", "臺北市中正區"]
    assert "新北市板橋區" in labels and labels.index("新北市") < labels.index("新北市板橋區") < labels.index("桃園市")
    html = str(OrderForm(user=users.staff)["target_regions"])
    assert "data-region-picker" in html and ">新北市板橋區</option>" in html


def test_a_county_officials_picker_offers_their_townships_only(users):
    from mobilization.forms import OrderForm

    labels = [label for _value, label in OrderForm(user=users.county_a).fields["target_regions"].choices]
    assert labels[0] == "新北市" and "新北市板橋區" in labels and "臺北市" not in labels


def test_filter_forms_county_choice_is_a_picker_in_the_official_order(users, rf):
    from cip.filters import AssetFilter

    request = rf.get("/")
    request.user = users.staff
    field = AssetFilter({}, request=request).form.fields["county"]
    assert isinstance(field.widget, RegionPicker)
    assert [label for value, label in field.choices if value][:3] == ["臺北市", "新北市", "桃園市"]


def test_the_reservist_list_filters_by_a_township_picker_with_names(users):
    page = logged_in(users.county_a).get("/reservists/", {"township": "220"}).content.decode()
    assert '<select name="township" id="township-picker" data-region-picker="1"' in page
    assert '<option value="220" selected>新北市板橋區</option>' in page
    assert 'placeholder="220"' not in page
    county = page[page.index('<select name="county"') : page.index("</select>", page.index('<select name="county"'))]
    assert county.index("臺北市") < county.index("新北市") < county.index("連江縣")


def test_tom_select_ships_in_the_installed_package_and_the_csp_allows_it(client, users):
    for path in (TOMSELECT_JS, TOMSELECT_CSS):
        found = finders.find(path)
        assert found and "site-packages" in found and Path(found).stat().st_size > 1000, path
    assert "window.TomSelect" in Path(finders.find(TOMSELECT_JS)).read_text(encoding="utf-8")
    page = logged_in(users.staff).get("/reservists/")
    html = page.content.decode()
    assert f"/static/{TOMSELECT_JS}" in html and "cdn" not in html.lower()
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and csp == DEFAULT_CSP


@override_settings(DEBUG=False)
def test_the_widget_script_is_served(client):
    assert finders.find("core/js/widgets.js")
