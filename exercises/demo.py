"""Demo exercises: a Han Kuang exercise in New Taipei and an urban resilience exercise in Taipei, with
objectives, ratings and corrective actions (one of them overdue). Idempotent: keyed on the exercise name."""

import datetime

from django.utils import timezone

from core.models import Organisation, Region
from materiel.models import Requisition

from .choices import ActionStatus, ExerciseStatus, ExerciseType, ParticipantKind, ParticipantRole
from .models import CorrectiveAction, Evaluation, Exercise, Objective, Participant, Subject
from .services import snapshot_handover_times


def _org(code):
    return Organisation.objects.filter(code=code).first()


def _exercise(name, **fields):
    regions = fields.pop("regions")
    exercise, created = Exercise.objects.get_or_create(name=name, defaults=fields)
    if created:
        exercise.regions.set(Region.objects.filter(code__in=regions))
    return exercise, created


def _objective(exercise, subject_code, description, ratings, times=None):
    objective, _ = Objective.objects.get_or_create(
        exercise=exercise, subject=Subject.objects.get(code=subject_code), defaults={"description": description}
    )
    evaluations = []
    for rating, strengths, improve in ratings:
        ordered, opened = times or (None, None)
        evaluation, _ = Evaluation.objects.get_or_create(
            objective=objective,
            rating=rating,
            defaults={
                "evaluator_name": "演習評核組",
                "strengths": strengths,
                "areas_for_improvement": improve,
                "ordered_at": ordered,
                "opened_at": opened,
            },
        )
        evaluations.append(evaluation)
    return objective, evaluations


def seed(command, opts):
    today = timezone.localdate()
    year = today.year
    roc = year - 1911
    ntpc, tpe = _org("gov-tw-nwt"), _org("gov-tw-tpe")
    north, taipower = _org("mnd-north-cmd"), _org("taipower")

    hk, hk_new = _exercise(
        f"{roc}年漢光演習 新北市聯合應變演練",
        exercise_type=ExerciseType.HAN_KUANG,
        start_date=datetime.date(year, 7, 9),
        end_date=datetime.date(year, 7, 18),
        lead_organisation=north,
        scenario="敵對我實施飛彈攻擊，板橋區變電所受損；啟動聯合應變指揮管制中心，開設救濟站、配售站與急救站。",
        status=ExerciseStatus.EVALUATING,
        regions=["TW-NWT"],
    )
    ordered = timezone.make_aware(datetime.datetime(year, 7, 10, 9, 0))
    _o, hk_cc = _objective(
        hk,
        "command-control",
        "聯合應變指揮管制中心於 1 小時內完成開設並與作戰區建立聯繫。",
        [("S", "指揮鏈清楚，通報即時。", "備援通信未納入演練，應於下次演練驗證。")],
    )
    _o, hk_relief = _objective(
        hk,
        "relief-station",
        "板橋區於接獲命令後 90 分鐘內開設救濟站。",
        [("M", "志工報到迅速。", "物資清冊未即時更新，開設耗時超過目標。")],
        times=(ordered, ordered + datetime.timedelta(minutes=135)),
    )
    for participant in [(ntpc, ParticipantRole.LEAD), (taipower, ParticipantRole.SUPPORT)]:
        if participant[0] is not None:
            Participant.objects.get_or_create(
                exercise=hk,
                kind=ParticipantKind.ORGANISATION,
                organisation=participant[0],
                defaults={"role": participant[1]},
            )
    # The materiel demo (seeded before this one) issued a drill requisition in New Taipei: the Han Kuang drill
    # names it, and its evaluation has the handover times recorded.
    order = Requisition.objects.filter(number="MR-DEMO-0001", issued_at__isnull=False).first()
    if order is not None:
        drill_order, _created = Participant.objects.get_or_create(
            exercise=hk,
            kind=ParticipantKind.REQUISITION,
            requisition=order,
            defaults={"role": ParticipantRole.SUPPORT, "notes": "演習徵用車輛於集結點交接"},
        )
        snapshot_handover_times(hk, drill_order)
    CorrectiveAction.objects.get_or_create(
        exercise=hk,
        description="建立救濟站物資清冊每月更新機制，並納入編管資料庫。",
        defaults={"evaluation": hk_relief[0], "owner": ntpc, "due_date": today - datetime.timedelta(days=30)},
    )
    CorrectiveAction.objects.get_or_create(
        exercise=hk,
        description="將備援衛星電話納入聯合應變中心通信測試。",
        defaults={"evaluation": hk_cc[0], "owner": ntpc, "due_date": today + datetime.timedelta(days=60)},
    )

    ur, ur_new = _exercise(
        f"{roc}年臺北市城鎮韌性演習（全民防衛動員暨防空演習）",
        exercise_type=ExerciseType.URBAN_RESILIENCE,
        start_date=datetime.date(year, 4, 16),
        end_date=datetime.date(year, 4, 17),
        lead_organisation=tpe,
        scenario="空襲警報發放後，中正區民眾疏散至避難處所，並開設急救站。",
        status=ExerciseStatus.CLOSED,
        regions=["TW-TPE"],
    )
    alert_at = timezone.make_aware(datetime.datetime(year, 4, 16, 13, 30))
    _objective(
        ur,
        "alert-issuing",
        "萬安警報發放後 15 分鐘內完成全區警報。",
        [("P", "警報系統全數正常。", "")],
        times=(alert_at, alert_at + datetime.timedelta(minutes=12)),
    )
    _o, ur_evac = _objective(
        ur,
        "evacuation-shelter",
        "疏散民眾至公共避難處所並完成人數清點。",
        [("S", "引導人員到位。", "部分避難處所標示不清。")],
    )
    CorrectiveAction.objects.get_or_create(
        exercise=ur,
        description="全面檢視公共避難處所標示並更新。",
        defaults={
            "evaluation": ur_evac[0],
            "owner": tpe,
            "due_date": today - datetime.timedelta(days=10),
            "status": ActionStatus.COMPLETED,
            "evidence": "已完成 312 處標示更新（府授消字第 1130000000 號）。",
            "completed_at": timezone.now(),
            "completed_by_name": "taipei",
        },
    )
    CorrectiveAction.objects.get_or_create(
        exercise=ur,
        description="急救站開設流程納入里長訓練。",
        defaults={"owner": tpe, "due_date": today - datetime.timedelta(days=5), "status": ActionStatus.IN_PROGRESS},
    )
    if command is not None:
        command.stdout.write(f"exercises: {int(hk_new) + int(ur_new)} added")
