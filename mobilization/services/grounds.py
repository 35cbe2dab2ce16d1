"""The common exemption grounds (免召事由), seeded by migration 0007 and restored after a flush (transactional
tests, `flush`) like the other reference data; mnd_admin keeps the list from there."""

GROUNDS = [
    ("illness", "傷病住院或療養中", "In hospital or convalescing", 10),
    ("family_event", "家庭重大變故", "Major family event", 20),
    ("disaster", "天然災害受災", "Struck by a natural disaster", 30),
    ("abroad", "經核准出境", "Abroad with approval", 40),
    ("public_duty", "執行公務無法離開", "Public duty that cannot be left", 50),
    ("detained", "在監執行或羈押中", "In prison or detention", 60),
    ("other", "其他經核定事由", "Other approved ground", 90),
]


def ensure_grounds(sender=None, using="default", **kwargs):
    """post_migrate: the seeded grounds exist when none does at all (a kept list is never touched)."""
    if sender is not None and getattr(sender, "name", "") != "mobilization":
        return
    from ..models import ExemptionGround

    if ExemptionGround.objects.using(using).exists():
        return
    ExemptionGround.objects.using(using).bulk_create(
        [ExemptionGround(code=c, name_zh=zh, name_en=en, position=p) for c, zh, en, p in GROUNDS]
    )
