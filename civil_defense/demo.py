"""Demo civil-defense records for a few counties (新北市, 臺北市, 臺中市). Idempotent: keyed on names."""

import datetime

from django.db import transaction
from django.utils import timezone

from core.models import Organisation, Region
from core.pii import check_digit

from .choices import Availability, ShelterKind, StationKind, TeamKind
from .models import Member, Shelter, Station, Team, TeamPosition, TrainingAttendance, TrainingSession

COUNTIES = {
    # county code: (ID letter, [townships], name prefix)
    "TW-NWT": ("F", ["220", "231", "234"], "新北市"),
    "TW-TPE": ("A", ["100", "106", "110"], "臺北市"),
    "TW-TXG": ("B", ["400", "407"], "臺中市"),
}
POSITIONS = [("隊長", 1), ("副隊長", 1), ("分隊員", 8)]
SURNAMES = "陳林黃張李王吳劉蔡楊"
GIVEN = ["志明", "淑芬", "建宏", "美玲", "俊傑", "雅婷", "家豪", "怡君", "宗翰", "佩珊"]


def _national_id(letter: str, n: int) -> str:
    prefix = f"{letter}{1 + n % 2}{n:07d}"
    return prefix + check_digit(prefix)


def _township(code: str, county: Region) -> Region:
    return Region.objects.get(code=code) if Region.objects.filter(code=code).exists() else county.children.first()


@transaction.atomic
def seed_county(code: str) -> int:
    letter, townships, prefix = COUNTIES[code]
    county = Region.objects.get(code=code)
    government = Organisation.objects.filter(code=f"gov-{code.lower()}").first()
    corps, _made = Team.objects.get_or_create(
        name=f"{prefix}民防總隊",
        county=county,
        defaults={"kind": TeamKind.CORPS, "organisation": government, "leader": "總隊長"},
    )
    made = 0
    serial = 0
    today = timezone.localdate()
    for index, township_code in enumerate(townships):
        township = _township(township_code, county)
        brigade, created = Team.objects.get_or_create(
            name=f"{township.name_zh}民防大隊",
            county=county,
            defaults={"kind": TeamKind.BRIGADE, "parent": corps, "township": township, "organisation": government},
        )
        made += created
        teams = [brigade]
        for kind, suffix in ((TeamKind.TEAM, "救護分隊"), (TeamKind.MEDICAL_RESCUE, "醫護隊")):
            team, created = Team.objects.get_or_create(
                name=f"{township.name_zh}{suffix}",
                county=county,
                defaults={"kind": kind, "parent": brigade, "township": township, "leader": "分隊長"},
            )
            made += created
            teams.append(team)
        for team in teams:
            for position, authorised in POSITIONS:
                TeamPosition.objects.get_or_create(team=team, position=position, defaults={"authorised": authorised})
            for k in range(6):
                serial += 1
                n = 1000 + index * 100 + serial
                member, created = Member.objects.get_or_create(
                    team=team,
                    national_id=_national_id(letter, n),
                    defaults={
                        "name": SURNAMES[n % 10] + GIVEN[(n // 10) % 10],
                        "position": POSITIONS[min(k, 2)][0],
                        "phone": f"09{n:08d}",
                        "availability": Availability.LIMITED if k == 5 else Availability.AVAILABLE,
                        "skills": "急救" if k % 2 else "搜救",
                    },
                )
                made += created
            session, created = TrainingSession.objects.get_or_create(
                team=team,
                subject="年度民防常年訓練",
                defaults={"date": today - datetime.timedelta(days=40 + index * 150), "hours": 4, "location": "區公所"},
            )
            TrainingSession.objects.get_or_create(
                team=team,
                subject="防空疏散及救護演練",
                defaults={"date": today + datetime.timedelta(days=7 + 3 * index), "hours": 3, "location": "國小操場"},
            )
            if created:
                TrainingAttendance.objects.bulk_create(
                    [TrainingAttendance(session=session, member=m) for m in team.members.all()[:4]],
                    ignore_conflicts=True,
                )
        shelter, created = Shelter.objects.get_or_create(
            name=f"{township.name_zh}國民運動中心地下停車場",
            township=township,
            defaults={
                "kind": ShelterKind.UNDERGROUND_PARKING,
                "address": f"{prefix}{township.name_zh}中山路1號",
                "capacity": 500 + 100 * index,
                "manager": "管理員",
                "latitude": 25.0 + index / 100,
                "longitude": 121.45 + index / 100,
            },
        )
        made += created
        for kind, label in (
            (StationKind.RELIEF, "救濟站"),
            (StationKind.DISTRIBUTION, "配售站"),
            (StationKind.FIRST_AID, "急救站"),
        ):
            station, created = Station.objects.get_or_create(
                name=f"{township.name_zh}{label}",
                township=township,
                defaults={"kind": kind, "address": f"{township.name_zh}活動中心", "capacity": 300},
            )
            if created:
                station.teams.add(teams[1] if kind != StationKind.FIRST_AID else teams[2])
                made += 1
    return made


def seed(command, opts):
    total = sum(seed_county(code) for code in COUNTIES if Region.objects.filter(code=code).exists())
    command.stdout.write(f"civil defense: {total} records added")
