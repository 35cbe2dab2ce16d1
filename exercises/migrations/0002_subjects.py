"""The chapter 5 exercise subjects (全民防衛動員準備業務 重點科目), shipped as data."""

from django.db import migrations

SUBJECTS = [
    # code, Chinese name, English name, timed (ordered -> opened)
    ("command-control", "戰時災害指揮管制", "Wartime disaster command and control", False),
    ("alert-issuing", "警報發放", "Alert issuing", True),
    ("evacuation-shelter", "疏散避難", "Evacuation and shelter", False),
    ("war-damage-rescue", "戰災搶救", "War-damage rescue", False),
    ("relief-station", "救濟站開設", "Relief station opening", True),
    ("distribution-station", "配售站開設", "Distribution station opening", True),
    ("first-aid-station", "急救站開設", "First-aid station opening", True),
    ("essential-supplies", "民生物資供應", "Supply of essential goods", False),
    ("emergency-production", "緊急生產", "Emergency production", False),
    ("database-update", "適時更新編管資料庫", "Updating the management database", False),
]


def add_subjects(apps, schema_editor):
    Subject = apps.get_model("exercises", "Subject")
    for code, name_zh, name_en, timed in SUBJECTS:
        Subject.objects.update_or_create(
            code=code, defaults={"name_zh": name_zh, "name_en": name_en, "timed": timed, "builtin": True}
        )


def remove_subjects(apps, schema_editor):
    Subject = apps.get_model("exercises", "Subject")
    Subject.objects.filter(code__in=[s[0] for s in SUBJECTS], objectives__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("exercises", "0001_initial")]

    operations = [migrations.RunPython(add_subjects, remove_subjects)]
