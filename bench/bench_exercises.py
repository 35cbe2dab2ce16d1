"""Exercise benchmarks: the exercise and corrective-action lists (page and API), the overdue list, the
scope-aware metrics the reports app calls, and one after-action report PDF.

Data: 3,000 exercises over every county (some spanning two), 5 objectives and 10 ratings each, 30,000
corrective actions owned by the county governments, about a third overdue. Prepared once per database.
"""

import datetime
import random
import time

from bench.common import client_for, median, report, timed_ms

N_EXERCISES = 3_000
N_OBJECTIVES = 5
N_ACTIONS_PER_EXERCISE = 10


def prepare():
    from django.db import transaction
    from django.utils import timezone

    from core.accounts import provision_user
    from core.choices import OrganisationKind
    from core.models import Organisation, Region
    from exercises.choices import ExerciseStatus, ExerciseType, Rating
    from exercises.models import CorrectiveAction, Evaluation, Exercise, Objective, Subject

    staff = provision_user("bench_ex_staff", "mnd_staff", password="bench-Password-1234", check_password=False)
    county = provision_user(
        "bench_ex_ntpc", "local_gov", regions=["TW-NWT"], password="bench-Password-1234", check_password=False
    )
    counties = list(Region.objects.counties())
    govs = {
        c.pk: Organisation.objects.get_or_create(
            code=f"gov-{c.code.lower()}",
            defaults={"name": f"{c.name_zh}政府", "kind": OrganisationKind.COUNTY_GOVERNMENT, "region": c},
        )[0]
        for c in counties
    }
    if Exercise.objects.filter(name__startswith="bench-").count() >= N_EXERCISES:
        return staff, county
    rng = random.Random(11)
    subjects = list(Subject.objects.all())
    today = timezone.localdate()
    statuses = list(ExerciseStatus.values)
    with transaction.atomic():
        exercises = Exercise.objects.bulk_create(
            Exercise(
                name=f"bench-{i}",
                exercise_type=rng.choice(ExerciseType.values),
                start_date=today - datetime.timedelta(days=rng.randint(0, 1500)),
                end_date=today,
                status=rng.choice(statuses),
                lead_organisation=govs[counties[i % len(counties)].pk],
            )
            for i in range(N_EXERCISES)
        )
        through = Exercise.regions.through
        links = []
        for i, exercise in enumerate(exercises):
            links.append(through(exercise_id=exercise.pk, region_id=counties[i % len(counties)].pk))
            if i % 4 == 0:
                links.append(through(exercise_id=exercise.pk, region_id=counties[(i + 1) % len(counties)].pk))
        through.objects.bulk_create(links)
        objectives = Objective.objects.bulk_create(
            Objective(exercise=e, subject=rng.choice(subjects), description="bench")
            for e in exercises
            for _ in range(N_OBJECTIVES)
        )
        Evaluation.objects.bulk_create(
            Evaluation(objective=o, rating=rng.choice(Rating.values), areas_for_improvement="bench")
            for o in objectives
            for _ in range(2)
        )
        CorrectiveAction.objects.bulk_create(
            CorrectiveAction(
                exercise=e,
                description="bench action",
                owner=govs[counties[(i + k) % len(counties)].pk],
                due_date=today + datetime.timedelta(days=rng.randint(-200, 400)),
            )
            for i, e in enumerate(exercises)
            for k in range(N_ACTIONS_PER_EXERCISE)
        )
    return staff, county


def main():
    from django.test import override_settings

    from exercises.models import Exercise
    from exercises.pdf import after_action_pdf

    staff, county = prepare()
    # Sessions here stand for users who already passed their second factor.
    with override_settings(PORTAL_REQUIRE_2FA=False):
        measure(staff, county)
    exercise = Exercise.objects.filter(name__startswith="bench-").first()
    started = time.perf_counter()
    after_action_pdf(exercise.pk)
    report("exercises.after_action_pdf_cold_ms", (time.perf_counter() - started) * 1000, "ms", "< 3000")
    samples = timed_ms(lambda: after_action_pdf(exercise.pk), repeat=3, warmup=0)
    report("exercises.after_action_pdf_warm_median_ms", median(samples), "ms", "< 1000")


def measure(staff, county):
    from exercises import metrics
    from exercises.models import Exercise

    for who, user in [("staff", staff), ("county", county)]:
        client = client_for(user)
        samples = timed_ms(lambda c=client: c.get("/exercises/"), repeat=10)
        report(f"exercises.list_page_{who}_median_ms", median(samples), "ms", "< 150")
        samples = timed_ms(lambda c=client: c.get("/api/exercises/"), repeat=10)
        report(f"exercises.api_list_{who}_median_ms", median(samples), "ms", "< 150")
        samples = timed_ms(lambda c=client: c.get("/exercises/actions/?overdue=on"), repeat=10)
        report(f"exercises.overdue_page_{who}_median_ms", median(samples), "ms", "< 300")
        samples = timed_ms(lambda c=client: c.get("/api/exercises/corrective-actions/overdue/"), repeat=10)
        report(f"exercises.api_overdue_{who}_median_ms", median(samples), "ms", "< 200")
        samples = timed_ms(lambda u=user: metrics.ratings_by_subject(u), repeat=10)
        report(f"exercises.metrics_ratings_by_subject_{who}_median_ms", median(samples), "ms", "< 200")
        samples = timed_ms(lambda u=user: metrics.overdue_by_county(u), repeat=10)
        report(f"exercises.metrics_overdue_by_county_{who}_median_ms", median(samples), "ms", "< 200")
    exercise = Exercise.objects.filter(name__startswith="bench-").for_user(county).first()
    client = client_for(county)
    samples = timed_ms(lambda: client.get(f"/exercises/{exercise.pk}/"), repeat=10)
    report("exercises.detail_page_median_ms", median(samples), "ms", "< 150")
