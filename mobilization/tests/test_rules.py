"""Rule cases written from the law's text (Art. 24-30), run through POST /api/mobilization/eligibility/."""

import datetime

import pytest

from core.testing import api_client

from .helpers import grant, make_reservist, serve

D = datetime.date
URL = "/api/mobilization/eligibility/"
RETIRED = D(2016, 3, 15)  # 8th anniversary: 2024-03-15

pytestmark = pytest.mark.django_db


def ask(user, reservist, kind, start, days, wartime=False, **extra):
    body = {
        "reservist": reservist.pk,
        "mobilization_type": kind,
        "start_date": start.isoformat(),
        "days": days,
        "wartime": wartime,
        **extra,
    }
    response = api_client(user).post(URL, body, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def codes(result):
    return [r["code"] for r in result["reasons"]]


def articles(result):
    return {r["article"] for r in result["reasons"]}


# (name, setup(reservist), type, start, days, wartime, decision, codes)
CASES = [
    ("art27 8th anniversary is inside", None, "educational", D(2024, 3, 15), 20, False, "eligible", []),
    (
        "art27 day after anniversary outside",
        None,
        "educational",
        D(2024, 3, 16),
        5,
        False,
        "ineligible",
        ["art27.window_expired"],
    ),
    ("art27 duty window too", None, "duty", D(2024, 3, 16), 5, False, "ineligible", ["art27.window_expired"]),
    ("art27 20 days allowed", None, "educational", D(2020, 5, 1), 20, False, "eligible", []),
    ("art27 21 days too many", None, "educational", D(2020, 5, 1), 21, False, "ineligible", ["art27.days_exceeded"]),
    (
        "art27 4th call-up allowed",
        lambda r: [
            serve(r, "educational", D(2017, 1, 1), 5),
            serve(r, "duty", D(2018, 1, 1), 5),
            serve(r, "educational", D(2019, 1, 1), 5),
        ],
        "duty",
        D(2020, 5, 1),
        7,
        False,
        "eligible",
        [],
    ),
    (
        "art27 5th call-up refused, educational and duty counted together",
        lambda r: [
            serve(r, "educational", D(2017, 1, 1), 5),
            serve(r, "duty", D(2018, 1, 1), 5),
            serve(r, "educational", D(2019, 1, 1), 5),
            serve(r, "duty", D(2019, 6, 1), 5),
        ],
        "educational",
        D(2020, 5, 1),
        7,
        False,
        "ineligible",
        ["art27.count_exceeded"],
    ),
    (
        "art27 later service does not count",
        lambda r: [serve(r, "educational", D(2021, 1, 1), 5) for _ in range(4)],
        "educational",
        D(2020, 5, 1),
        7,
        False,
        "eligible",
        [],
    ),
    (
        "art27 roll-call does not count",
        lambda r: [serve(r, "roll_call", D(2017 + i, 1, 1), 1) for i in range(4)],
        "educational",
        D(2022, 5, 1),
        7,
        False,
        "eligible",
        [],
    ),
    ("art28 roll-call inside window", None, "roll_call", D(2024, 3, 15), 1, False, "eligible", []),
    (
        "art28 roll-call after window",
        None,
        "roll_call",
        D(2024, 3, 16),
        1,
        False,
        "ineligible",
        ["art28.window_expired"],
    ),
    ("art28 roll-call 2 days", None, "roll_call", D(2020, 3, 16), 2, False, "ineligible", ["art28.days_exceeded"]),
    (
        "art28 roll-call only once",
        lambda r: serve(r, "roll_call", D(2018, 1, 1), 1),
        "roll_call",
        D(2020, 3, 16),
        1,
        False,
        "ineligible",
        ["art28.count_exceeded"],
    ),
    (
        "art28 educational does not count toward roll-call",
        lambda r: serve(r, "educational", D(2018, 1, 1), 5),
        "roll_call",
        D(2020, 3, 16),
        1,
        False,
        "eligible",
        [],
    ),
    (
        "art26 345+20 = 365 allowed",
        lambda r: serve(r, "temporary", D(2018, 1, 1), 345),
        "temporary",
        D(2020, 1, 1),
        20,
        False,
        "eligible",
        [],
    ),
    (
        "art26 345+21 > 365 refused",
        lambda r: serve(r, "temporary", D(2018, 1, 1), 345),
        "temporary",
        D(2020, 1, 1),
        21,
        False,
        "ineligible",
        ["art26.cap_exceeded"],
    ),
    (
        "art26 366 days at once refused",
        None,
        "temporary",
        D(2020, 1, 1),
        366,
        False,
        "ineligible",
        ["art26.cap_exceeded"],
    ),
    (
        "art26 wartime has no cap",
        lambda r: serve(r, "temporary", D(2018, 1, 1), 400),
        "temporary",
        D(2020, 1, 1),
        60,
        True,
        "eligible",
        ["art26.wartime_as_general"],
    ),
    ("art26 no window for temporary", None, "temporary", D(2035, 1, 1), 30, False, "eligible", []),
    (
        "art25 general has no personal caps",
        lambda r: (
            [serve(r, "temporary", D(2018, 1, 1), 400)]
            + [serve(r, "educational", D(2019, 1, i), 5) for i in range(1, 6)]
        ),
        "general",
        D(2040, 1, 1),
        500,
        False,
        "eligible",
        [],
    ),
    (
        "art29 grant valid on start date",
        lambda r: grant(r, "art29.3", D(2019, 1, 1), D(2020, 5, 1)),
        "educational",
        D(2020, 5, 1),
        5,
        False,
        "successive",
        ["art29.3"],
    ),
    (
        "art29 grant expired the day before",
        lambda r: grant(r, "art29.3", D(2019, 1, 1), D(2020, 4, 30)),
        "educational",
        D(2020, 5, 1),
        5,
        False,
        "eligible",
        [],
    ),
    (
        "art29 grant not yet valid",
        lambda r: grant(r, "art29.3", D(2020, 5, 2)),
        "educational",
        D(2020, 5, 1),
        5,
        False,
        "eligible",
        [],
    ),
    (
        "art30 open grant",
        lambda r: grant(r, "art30.2", D(2019, 1, 1)),
        "general",
        D(2030, 5, 1),
        30,
        False,
        "later",
        ["art30.2"],
    ),
    (
        "art29 wins over art30",
        lambda r: [grant(r, "art30.1", D(2019, 1, 1)), grant(r, "art29.5", D(2019, 1, 1))],
        "duty",
        D(2020, 5, 1),
        5,
        False,
        "successive",
        ["art29.5", "art30.1"],
    ),
    (
        "ineligible wins over art29 and keeps every reason",
        lambda r: grant(r, "art29.1", D(2019, 1, 1)),
        "educational",
        D(2020, 5, 1),
        21,
        False,
        "ineligible",
        ["art27.days_exceeded", "art29.1"],
    ),
    (
        "every failing check is reported",
        lambda r: [serve(r, "duty", D(2017, 1, i), 3) for i in range(1, 5)],
        "educational",
        D(2025, 1, 1),
        30,
        False,
        "ineligible",
        ["art27.window_expired", "art27.days_exceeded", "art27.count_exceeded"],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_rule_case(users, case):
    _name, setup, kind, start, days, wartime, decision, expected = case
    reservist = make_reservist(retired=RETIRED)
    if setup:
        setup(reservist)
    result = ask(users.staff, reservist, kind, start, days, wartime)
    assert result["decision"] == decision
    assert codes(result) == expected
    assert result["policy_version"] == 1
    for reason in result["reasons"]:
        assert reason["code"].startswith(f"art{reason['article']}.") or reason["code"].startswith("registry.")
        assert reason["message"]


@pytest.mark.parametrize("status", ["deceased", "emigrated", "removed"])
def test_status_makes_ineligible(users, status):
    reservist = make_reservist(retired=RETIRED, status=status)
    result = ask(users.staff, reservist, "general", D(2020, 1, 1), 10)
    assert result["decision"] == "ineligible"
    assert codes(result) == [f"registry.{status}"]


def test_messages_follow_the_request_language(users):
    reservist = make_reservist(retired=RETIRED)
    client = api_client(users.staff)
    body = {"reservist": reservist.pk, "mobilization_type": "educational", "start_date": "2020-01-01", "days": 21}
    english = client.post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE="en").json()
    chinese = client.post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE="zh-hant").json()
    assert "20 days" in english["reasons"][0]["message"]
    assert "20" in chinese["reasons"][0]["message"] and "日" in chinese["reasons"][0]["message"]
    assert english["reasons"][0]["message"] != chinese["reasons"][0]["message"]


def test_policy_in_force_on_the_start_date_is_used(users):
    from mobilization import services

    services.publish_policy(user=users.admin, effective_from=D(2021, 1, 1), edu_max_days=30)
    reservist = make_reservist(retired=RETIRED)
    before = ask(users.staff, reservist, "educational", D(2020, 12, 31), 25)
    after = ask(users.staff, reservist, "educational", D(2021, 1, 1), 25)
    assert (before["decision"], before["policy_version"]) == ("ineligible", 1)
    assert (after["decision"], after["policy_version"]) == ("eligible", 2)


def test_counting_separately_when_the_policy_says_so(users):
    from mobilization.models import RulePolicy

    RulePolicy.objects.create(version=2, effective_from=D(2000, 1, 1), edu_duty_combined=False)
    reservist = make_reservist(retired=RETIRED)
    for i in range(4):
        serve(reservist, "duty", D(2017, 1, 1 + i), 3)
    assert ask(users.staff, reservist, "educational", D(2020, 1, 1), 5)["decision"] == "eligible"
    assert ask(users.staff, reservist, "duty", D(2020, 1, 1), 5)["decision"] == "ineligible"


def test_order_overrides_raise_the_limits_and_are_cited(users):
    from mobilization.models import CallUpOrder

    order = CallUpOrder.objects.create(
        mobilization_type="educational",
        title="x",
        report_date=D(2025, 1, 1),
        days=25,
        quota=1,
        override_window_years=10,
        override_max_days=30,
        override_justification="Coastal defence exercise needs experienced crews.",
        created_by=users.staff,
    )
    reservist = make_reservist(retired=RETIRED)
    result = ask(users.staff, reservist, "educational", D(2025, 1, 1), 25, order=order.pk)
    assert result["decision"] == "eligible"
    assert codes(result) == ["art27.window_override", "art27.days_override"]
    plain = ask(users.staff, reservist, "educational", D(2025, 1, 1), 25)
    assert plain["decision"] == "ineligible"


def test_leap_day_retirement_anniversary():
    from mobilization import rules

    assert rules.add_years(D(2016, 2, 29), 8) == D(2024, 2, 29)
    assert rules.add_years(D(2016, 2, 29), 1) == D(2017, 2, 28)


def test_out_of_scope_reservist_is_404_and_no_permission_is_403(users):
    theirs = make_reservist(retired=RETIRED, township_code="100")  # 臺北市中正區
    body = {"reservist": theirs.pk, "mobilization_type": "general", "start_date": "2020-01-01", "days": 1}
    assert api_client(users.county_a).post(URL, body, format="json").status_code == 403
    assert api_client(users.nobody).post(URL, body, format="json").status_code == 403
    assert api_client().post(URL, body, format="json").status_code == 401
    from core.accounts import provision_user

    regional = provision_user("t_staff_nwt", "mnd_staff", regions=["TW-NWT"], password="x", check_password=False)
    assert api_client(regional).post(URL, body, format="json").status_code == 404
    mine = make_reservist(retired=RETIRED)
    body["reservist"] = mine.pk
    assert api_client(regional).post(URL, body, format="json").status_code == 200


def test_without_any_policy_the_laws_defaults_are_version_1(users):
    from mobilization.models import RulePolicy

    RulePolicy.objects.all().delete()
    reservist = make_reservist(retired=RETIRED)
    result = ask(users.staff, reservist, "educational", D(2020, 5, 1), 21)
    assert (result["decision"], result["policy_version"]) == ("ineligible", 1)
