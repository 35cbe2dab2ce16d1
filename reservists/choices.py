from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Category(models.TextChoices):
    RESERVIST = "reservist", _("Reserve military man (後備軍人)")
    REPLACEMENT = "replacement", _("Replacement soldier (補充兵)")


class Branch(models.TextChoices):
    ARMY = "army", _("Army")
    NAVY = "navy", _("Navy")
    AIR_FORCE = "air_force", _("Air Force")
    MARINE_CORPS = "marine_corps", _("Marine Corps")
    MILITARY_POLICE = "military_police", _("Military Police")
    OTHER = "other", _("Other")


class ReservistStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    DECEASED = "deceased", _("Deceased")
    EMIGRATED = "emigrated", _("Emigrated")
    REMOVED = "removed", _("Removed from the registry")


class MobilizationType(models.TextChoices):
    """The five kinds of call-up of the Act of Military Service System (Art. 24-28 of its enforcement rules)."""

    GENERAL = "general", _("General Mobilization")
    TEMPORARY = "temporary", _("Temporary Mobilization")
    EDUCATIONAL = "educational", _("Educational Mobilization")
    DUTY = "duty", _("Duty Mobilization")
    ROLL_CALL = "roll_call", _("Roll-Call Mobilization")


class ServiceSource(models.TextChoices):
    IMPORTED = "imported", _("Imported")
    PORTAL = "portal", _("Portal call-up")
    MANUAL = "manual", _("Entered by hand")


class GrantKind(models.TextChoices):
    SUCCESSIVE = "successive", _("Successive call-up (Art. 29)")
    LATER = "later", _("Later call-up (Art. 30)")


class GrantBasis(models.TextChoices):
    """The nine categories of Art. 29 and the four of Art. 30, named from the law's text."""

    ART29_1 = "art29.1", _("Art. 29(1): senior civil servant of grade 11 or equivalent")
    ART29_2 = "art29.2", _("Art. 29(2): central or local elected representative in session")
    ART29_3 = "art29.3", _("Art. 29(3): judge or prosecutor")
    ART29_4 = (
        "art29.4",
        _("Art. 29(4): school president, dean or chair, or defense-technology full-time professor"),
    )
    ART29_5 = "art29.5", _("Art. 29(5): personnel of the conscription agency, or police officer")
    ART29_6 = "art29.6", _("Art. 29(6): contract employee of an MND agency")
    ART29_7 = "art29.7", _("Art. 29(7): engaged in disaster rescue, identified by the responsible authority")
    ART29_8 = "art29.8", _("Art. 29(8): sent abroad on official business by a government agency")
    ART29_9 = "art29.9", _("Art. 29(9): named for an important duty in war")
    ART30_1 = "art30.1", _("Art. 30(1): essential security guard")
    ART30_2 = "art30.2", _("Art. 30(2): student of a senior high school or higher")
    ART30_3 = "art30.3", _("Art. 30(3): personnel needed to promote national mobilization")
    ART30_4 = "art30.4", _("Art. 30(4): half or more of the siblings already conscripted or mobilized")

    @classmethod
    def for_kind(cls, kind: str) -> list[str]:
        prefix = "art29." if kind == GrantKind.SUCCESSIVE else "art30."
        return [value for value in cls.values if value.startswith(prefix)]


class MoveStatus(models.TextChoices):
    PENDING = "pending", _("Pending approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


# Ranks are recorded as the registry writes them (in Chinese); read in the reader's language through this list.
# A rank not listed reads as recorded.
RANK_LABELS = {
    "二兵": pgettext_lazy("rank", "Private"),
    "一兵": pgettext_lazy("rank", "Private first class"),
    "上兵": pgettext_lazy("rank", "Lance corporal"),
    "下士": pgettext_lazy("rank", "Corporal"),
    "中士": pgettext_lazy("rank", "Sergeant"),
    "上士": pgettext_lazy("rank", "Staff sergeant"),
    "三等士官長": pgettext_lazy("rank", "Sergeant first class"),
    "二等士官長": pgettext_lazy("rank", "Master sergeant"),
    "一等士官長": pgettext_lazy("rank", "Sergeant major"),
    "少尉": pgettext_lazy("rank", "Second lieutenant"),
    "中尉": pgettext_lazy("rank", "First lieutenant"),
    "上尉": pgettext_lazy("rank", "Captain"),
    "少校": pgettext_lazy("rank", "Major"),
    "中校": pgettext_lazy("rank", "Lieutenant colonel"),
    "上校": pgettext_lazy("rank", "Colonel"),
}


def rank_label(rank: str) -> str:
    label = RANK_LABELS.get((rank or "").strip())
    return str(label) if label is not None else rank
