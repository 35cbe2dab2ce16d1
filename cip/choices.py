"""Choices of the critical-infrastructure app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AssetLevel(models.IntegerChoices):
    """Control level of the national CI list: level 1 is the most critical."""

    LEVEL_1 = 1, _("Level 1")
    LEVEL_2 = 2, _("Level 2")
    LEVEL_3 = 3, _("Level 3")


class AssetStatus(models.TextChoices):
    OPERATIONAL = "operational", _("Operational")
    DEGRADED = "degraded", _("Degraded")
    OUT_OF_SERVICE = "out_of_service", _("Out of service")
    DECOMMISSIONED = "decommissioned", _("Decommissioned")


class Ministry(models.TextChoices):
    """The responsible central authority (主管機關) of an asset."""

    MOEA = "moea", _("Ministry of Economic Affairs")
    MOTC = "motc", _("Ministry of Transportation and Communications")
    MODA = "moda", _("Ministry of Digital Affairs")
    FSC = "fsc", _("Financial Supervisory Commission")
    MOHW = "mohw", _("Ministry of Health and Welfare")
    MOI = "moi", _("Ministry of the Interior")
    NSTC = "nstc", _("National Science and Technology Council")
    CBC = "cbc", _("Central Bank")
    EY = "ey", _("Executive Yuan")
    MOENV = "moenv", _("Ministry of Environment")
    OTHER = "other", _("Other")


class DependencyKind(models.TextChoices):
    POWER = "power", _("Power")
    WATER = "water", _("Water")
    COMMUNICATIONS = "communications", _("Communications")
    TRANSPORT = "transport", _("Transport")
    OTHER = "other", _("Other")


class Scenario(models.TextChoices):
    NATURAL_DISASTER = "natural_disaster", _("Natural disaster")
    MILITARY_STRIKE = "military_strike", _("Military strike")
    SABOTAGE = "sabotage", _("Sabotage")
    CYBER_ATTACK = "cyber_attack", _("Cyber attack")
    OTHER = "other", _("Other")


class RiskLevel(models.TextChoices):
    """Ordered from least to most severe; `RANK` gives the order."""

    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


RISK_RANK = {RiskLevel.LOW: 1, RiskLevel.MEDIUM: 2, RiskLevel.HIGH: 3, RiskLevel.CRITICAL: 4}
RISK_BADGE = {RiskLevel.LOW: "ok", RiskLevel.MEDIUM: "warn", RiskLevel.HIGH: "bad", RiskLevel.CRITICAL: "bad"}


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for approval")
    APPROVED = "approved", _("Approved")
    ACTIVE = "active", _("In force (no approval needed)")


class UnitKind(models.TextChoices):
    MILITARY = "military", _("Military unit")
    POLICE = "police", _("Police")
    CIVIL_DEFENSE = "civil_defense", _("Civil-defense team")
    FIRE = "fire", _("Fire service")
    SPECIAL_PROTECTION = "special_protection", _("Special protection corps")
    OPERATOR = "operator", _("Operator's own security")
    OTHER = "other", _("Other")
