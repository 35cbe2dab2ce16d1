"""Demo organisations and one login per role, for `make run` and the browser journeys. Idempotent."""

from .accounts import provision_user
from .choices import OrganisationKind, Role
from .models import Organisation, Region

DEMO_PASSWORD = "demo-portal-2026!"

ORGANISATIONS = [
    # code, name, English name, kind, region code
    ("mnd-ada", "國防部全民防衛動員署", "All-out Defense Mobilization Agency", OrganisationKind.MND_UNIT, "TW-TPE"),
    ("mnd-north-cmd", "後備指揮部北部地區", "Northern Reserve Command", OrganisationKind.MND_UNIT, "TW-NWT"),
    ("taipower", "台灣電力公司", "Taiwan Power Company", OrganisationKind.AGENCY, "TW-TPE"),
    ("water-corp", "台灣自來水公司", "Taiwan Water Corporation", OrganisationKind.AGENCY, "TW-TXG"),
    ("cht", "中華電信", "Chunghwa Telecom", OrganisationKind.AGENCY, "TW-TPE"),
    ("banqiao-office", "新北市板橋區公所", "Banqiao District Office", OrganisationKind.TOWNSHIP_OFFICE, "220"),
]

USERS = [
    # username, role, regions, organisation, description
    ("admin", Role.MND_ADMIN, [], "mnd-ada", "MND administrator (nationwide)"),
    ("staff", Role.MND_STAFF, [], "mnd-ada", "MND staff (nationwide)"),
    ("approver", Role.MND_APPROVER, [], "mnd-ada", "MND approver (nationwide)"),
    ("ntpc", Role.LOCAL_GOV, ["TW-NWT"], "gov-tw-nwt", "New Taipei City government official"),
    ("taipei", Role.LOCAL_GOV, ["TW-TPE"], "gov-tw-tpe", "Taipei City government official"),
    ("banqiao", Role.TOWNSHIP_OFFICE, ["220"], "banqiao-office", "Banqiao District Office clerk"),
    ("taipower", Role.AGENCY, [], "taipower", "Taiwan Power Company (agency)"),
    ("auditor", Role.AUDITOR, [], None, "Auditor (nationwide, read-only)"),
]


def seed_organisations() -> int:
    created = 0
    for code, name, name_en, kind, region in ORGANISATIONS:
        _obj, made = Organisation.objects.get_or_create(
            code=code,
            defaults={"name": name, "name_en": name_en, "kind": kind, "region": Region.objects.get(code=region)},
        )
        created += made
    for county in Region.objects.counties():
        _obj, made = Organisation.objects.get_or_create(
            code=f"gov-{county.code.lower()}",
            defaults={
                "name": f"{county.name_zh}政府",
                "name_en": f"{county.name_en} Government",
                "kind": OrganisationKind.COUNTY_GOVERNMENT,
                "region": county,
            },
        )
        created += made
    return created


def seed_users() -> list[tuple[str, str, str]]:
    from django.contrib.auth import get_user_model

    rows = []
    User = get_user_model()
    for username, role, regions, org, description in USERS:
        if not User.objects.filter(username=username).exists():
            provision_user(
                username, role, regions=regions, organisation=org, password=DEMO_PASSWORD, check_password=False
            )
        rows.append((username, role.value, description))
    return rows
