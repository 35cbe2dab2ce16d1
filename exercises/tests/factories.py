"""Small builders for exercise tests (plain functions: the records are few and explicit)."""

import datetime

from django.utils import timezone

from core.choices import OrganisationKind
from core.models import Organisation, Region
from core.testing import organisation

from ..choices import ExerciseStatus, ExerciseType
from ..models import CorrectiveAction, Evaluation, Exercise, Objective, Subject


def county_government(code: str) -> Organisation:
    return organisation(f"gov-{code.lower()}", OrganisationKind.COUNTY_GOVERNMENT, region=code, name=f"{code} gov")


def make_exercise(county: str = "TW-NWT", status=ExerciseStatus.PLANNING, **fields) -> Exercise:
    region = county if isinstance(county, Region) else Region.objects.get(code=county)
    defaults = {
        "name": f"演習 {region.code}",
        "exercise_type": ExerciseType.URBAN_RESILIENCE,
        "start_date": datetime.date(2026, 4, 16),
        "end_date": datetime.date(2026, 4, 17),
        "status": status,
    }
    defaults.update(fields)
    exercise = Exercise.objects.create(**defaults)
    exercise.regions.set([region])
    return exercise


def make_objective(exercise, subject_code: str = "relief-station", description: str = "開設救濟站") -> Objective:
    return Objective.objects.create(
        exercise=exercise, subject=Subject.objects.get(code=subject_code), description=description
    )


def make_evaluation(objective, rating="S", improve="物資清冊未更新") -> Evaluation:
    return Evaluation.objects.create(objective=objective, rating=rating, areas_for_improvement=improve)


def make_action(exercise, owner=None, due_in_days: int = 30, **fields) -> CorrectiveAction:
    return CorrectiveAction.objects.create(
        exercise=exercise,
        description=fields.pop("description", "更新物資清冊"),
        owner=owner,
        due_date=timezone.localdate() + datetime.timedelta(days=due_in_days),
        **fields,
    )
