"""Civil-defense benchmarks: readiness figures (nationwide and one county), the team tree, a 300-member
roster page and the members API, on national-size rosters.

Data: 4,000 teams over every township, 120,000 members, one training session per team with half its
members attending, 3,000 shelters. Prepared once per database (idempotent).
"""

import datetime
import random

from bench.common import client_for, median, report, timed_ms

N_TEAMS = 4000
MEMBERS_PER_TEAM = 30
N_SHELTERS = 3000


def _national_id(n: int) -> str:
    from core.pii import check_digit

    prefix = f"Z{1 + n % 2}{n:07d}"
    return prefix + check_digit(prefix)


def prepare():
    from civil_defense.models import Team
    from core.accounts import provision_user

    staff = provision_user("bench_cd_staff", "mnd_staff", password="bench-Password-1234", check_password=False)
    county = provision_user(
        "bench_cd_county", "local_gov", regions=["TW-NWT"], password="bench-Password-1234", check_password=False
    )
    if Team.objects.filter(name__startswith="bench-").count() < N_TEAMS:
        _load(rng_seed=11)
    from django.db import connection

    with connection.cursor() as cursor:  # production has autovacuum's statistics; a fresh bulk load has none
        for table in ("team", "teamposition", "member", "trainingsession", "trainingattendance", "shelter"):
            cursor.execute(f"ANALYZE civil_defense_{table}")
    return staff, county


def _load(rng_seed: int):
    from django.db import transaction

    from civil_defense.models import Member, Shelter, Team, TeamPosition, TrainingAttendance, TrainingSession
    from core.models import Region

    rng = random.Random(rng_seed)
    townships = list(Region.objects.townships().filter(is_postal_area=False).select_related("parent"))
    today = datetime.date.today()
    with transaction.atomic():
        teams = [
            Team(
                name=f"bench-{i}",
                kind="team",
                county=t.parent,
                township=t,
                region=t,
            )
            for i, t in enumerate(rng.choice(townships) for _ in range(N_TEAMS))
        ]
        Team.objects.bulk_create(teams, batch_size=2000)
        TeamPosition.objects.bulk_create(
            [TeamPosition(team=t, position="分隊員", authorised=MEMBERS_PER_TEAM + 5) for t in teams], batch_size=5000
        )
        members = [
            Member(team=t, national_id=_national_id(i * MEMBERS_PER_TEAM + k), name=f"m{k}", position="分隊員")
            for i, t in enumerate(teams)
            for k in range(MEMBERS_PER_TEAM)
        ]
        Member.objects.bulk_create(members, batch_size=5000)
        sessions = [
            TrainingSession(team=t, date=today - datetime.timedelta(days=rng.randint(0, 500)), subject="常訓", hours=4)
            for t in teams
        ]
        TrainingSession.objects.bulk_create(sessions, batch_size=5000)
        TrainingAttendance.objects.bulk_create(
            [
                TrainingAttendance(session=sessions[i // MEMBERS_PER_TEAM], member=m)
                for i, m in enumerate(members)
                if i % 2 == 0
            ],
            batch_size=5000,
        )
        Shelter.objects.bulk_create(
            [
                Shelter(name=f"bench-{i}", township=rng.choice(townships), address="x", capacity=rng.randint(50, 2000))
                for i in range(N_SHELTERS)
            ],
            batch_size=5000,
        )
    big = Team.objects.create(name="bench-big", kind="corps", county=Region.objects.get(code="TW-NWT"))
    Member.objects.bulk_create(
        [Member(team=big, national_id=_national_id(9_000_000 + k), name=f"b{k}") for k in range(300)]
    )


def main():
    from django.urls import reverse

    from civil_defense.metrics import county_readiness
    from civil_defense.models import Team

    staff, county = prepare()
    report(
        "civil_defense.readiness_nationwide_median_ms",
        median(timed_ms(lambda: county_readiness(staff), 5)),
        "ms",
        "< 500",
    )
    report(
        "civil_defense.readiness_county_median_ms", median(timed_ms(lambda: county_readiness(county), 5)), "ms", "< 200"
    )
    client = client_for(county)
    tree = reverse("civil_defense:team-list")
    report("civil_defense.team_tree_county_median_ms", median(timed_ms(lambda: client.get(tree), 5)), "ms", "< 500")
    big = Team.objects.get(name="bench-big")
    roster = reverse("civil_defense:team-detail", args=[big.pk])
    report("civil_defense.roster_300_members_median_ms", median(timed_ms(lambda: client.get(roster), 5)), "ms", "< 500")
    api = client_for(county)  # staff accounts need two-factor login in production settings
    report(
        "civil_defense.api_members_first_page_median_ms",
        median(timed_ms(lambda: api.get("/api/civil-defense/members/"), 5)),
        "ms",
        "< 200",
    )
