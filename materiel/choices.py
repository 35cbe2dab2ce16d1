"""Choices of the materiel app: sectors of resources, conditions and the states of each workflow."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sector(models.TextChoices):
    """The five sectors of materiel mobilization (物力動員)."""

    VEHICLE = "vehicle", _("Vehicles")
    MACHINERY = "machinery", _("Engineering machinery")
    VESSEL = "vessel", _("Vessels")
    FACILITY = "facility", _("Facilities")
    SUPPLY = "supply", _("Supply stocks")


class AttributeType(models.TextChoices):
    INTEGER = "int", _("Whole number")
    DECIMAL = "decimal", _("Number")
    TEXT = "text", _("Text")


class Condition(models.TextChoices):
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    POOR = "poor", _("Poor")
    UNSERVICEABLE = "unserviceable", _("Unserviceable")


# A resource in one of these conditions is never proposed for a requirement.
UNUSABLE_CONDITIONS = (Condition.UNSERVICEABLE,)


class SurveyStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted by MND")


class RequirementStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PROPOSED = "proposed", _("Resources proposed")
    CONFIRMED = "confirmed", _("Allocation confirmed")
    CLOSED = "closed", _("Closed")


class AllocationStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed")
    RELEASED = "released", _("Released")


# Allocations that hold the resource for their period (the exclusion constraint covers these).
HOLDING = (AllocationStatus.PROPOSED, AllocationStatus.CONFIRMED)


class RequisitionKind(models.TextChoices):
    """徵用 (use, returned afterwards) or 徵購 (purchase, kept)."""

    USE = "use", _("Requisition for use (徵用)")
    PURCHASE = "purchase", _("Requisition by purchase (徵購)")


class Purpose(models.TextChoices):
    DRILL = "drill", _("Drill")
    WAR = "war", _("War or emergency")


class RequisitionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for approval")
    APPROVED = "approved", _("Approved")
    ISSUED = "issued", _("Notices issued")
    CLOSED = "closed", _("Closed")


class NoticeStatus(models.TextChoices):
    ISSUED = "issued", _("Issued")
    HANDED_OVER = "handed_over", _("Handed over")
    RETURNED = "returned", _("Returned")
    EXEMPTED = "exempted", _("Exempted")


# Notices that still bind the resource for their period.
BINDING_NOTICES = (NoticeStatus.ISSUED, NoticeStatus.HANDED_OVER)


class ConflictKind(models.TextChoices):
    RESERVIST_CALLED_UP = "reservist_called_up", _("Owner or driver is a reservist called up for the period")
    REQUISITIONED_TWICE = "requisitioned_twice", _("Resource already requisitioned for an overlapping period")
    CRITICAL_ASSET = "critical_asset", _("Facility is a critical-infrastructure asset")


class ConflictStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")
    ACCEPTED = "accepted", _("Accepted with a reason")
