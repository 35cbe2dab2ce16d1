"""Notices, their status history, township print batches, Art. 31 postponements and sent messages."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import AuditedModel, DecisionRecord, Region, TimeStampedModel
from core.pii import mask_name
from core.scope import ScopedQuerySet
from core.storage import random_key
from reservists.models import ReserveUnit, Reservist

from ..choices import (
    Attendance,
    BatchStatus,
    Channel,
    NoticeStatus,
    PostponementKind,
    PostponementStatus,
)


class Notice(TimeStampedModel):
    """One call-up notice (召集令): one person called by one order, at most once (database constraint).

    Written in chunks by the issuing job; `sequence` is the person's place in the order's call (rank order),
    `delivery_seq` the place in the township's printed batch (delivery order). The report date moves when an
    Art. 31 postponement is approved, and `revision` counts the reissued versions of the notice.
    """

    order = models.ForeignKey(
        "mobilization.CallUpOrder", verbose_name=_("order"), on_delete=models.PROTECT, related_name="notices"
    )
    reservist = models.ForeignKey(
        Reservist, verbose_name=_("reservist"), on_delete=models.PROTECT, related_name="notices", db_index=False
    )
    township = models.ForeignKey(
        Region, verbose_name=_("township"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    reserve_unit = models.ForeignKey(
        ReserveUnit, verbose_name=_("reserve unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sequence = models.PositiveIntegerField(_("place in the call"))
    number = models.CharField(_("notice number"), max_length=30, unique=True)
    report_date = models.DateField(_("report date"))
    report_time = models.TimeField(_("report time"))
    assembly_point = models.CharField(_("assembly point"), max_length=300)
    verification_code = models.CharField(_("verification code"), max_length=32, unique=True)
    status = models.CharField(_("status"), max_length=14, choices=NoticeStatus.choices, default=NoticeStatus.ISSUED)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    attendance = models.CharField(_("attendance"), max_length=8, choices=Attendance.choices, null=True, blank=True)
    attendance_recorded_at = models.DateTimeField(_("attendance recorded at"), null=True, blank=True)
    delivery_seq = models.PositiveIntegerField(_("place in the township batch"), null=True, blank=True)
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    replaces = models.OneToOneField(
        "self", verbose_name=_("replaces"), null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "township"

    class Meta:
        verbose_name = _("call-up notice")
        verbose_name_plural = _("call-up notices")
        ordering = ["order", "sequence"]
        permissions = [
            ("issue_notices", _("Issue the notices of approved call-up orders")),
            ("deliver_notice", _("Record the delivery of call-up notices")),
            ("record_attendance", _("Record attendance on report day")),
            ("request_postponement", _("Record Art. 31 postponement requests")),
            ("decide_postponement", _("Approve or refuse Art. 31 postponements")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["order", "reservist"], name="notice_once_per_order"),
            models.UniqueConstraint(fields=["order", "sequence"], name="notice_sequence_unique"),
            models.CheckConstraint(condition=models.Q(status__in=NoticeStatus.values), name="notice_status_valid"),
            models.CheckConstraint(
                condition=models.Q(attendance__isnull=True) | models.Q(attendance__in=Attendance.values),
                name="notice_attendance_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["order", "township", "delivery_seq"], name="notice_order_township"),
            models.Index(fields=["reservist"], name="notice_reservist"),
            models.Index(fields=["order", "status"], name="notice_order_status"),
        ]

    def __str__(self):
        return self.number

    @property
    def masked_name(self) -> str:
        return mask_name(self.reservist.name)


class NoticeEvent(AuditedModel):
    """One step of a notice's history (sent, delivered, acknowledged, attendance, postponement, reissue)."""

    notice = models.ForeignKey(Notice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=14, choices=NoticeStatus.choices, blank=True)
    event = models.CharField(_("event"), max_length=30)
    note = models.TextField(_("note"), blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True, on_delete=models.SET_NULL
    )
    user_name = models.CharField(_("user (name)"), max_length=150, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "notice__township"

    class Meta:
        verbose_name = _("notice event")
        verbose_name_plural = _("notice events")
        ordering = ["notice", "at", "id"]

    def __str__(self):
        return f"{self.notice_id} {self.event}"


def notice_batch_key(instance, filename: str) -> str:
    # Random, never derived from the order or the township: a key cannot be guessed from a notice number.
    return random_key("notices", filename)


class NoticeBatch(models.Model):
    """One printable PDF of a township's notices for one order (a large township has several parts)."""

    order = models.ForeignKey(
        "mobilization.CallUpOrder", verbose_name=_("order"), on_delete=models.PROTECT, related_name="notice_batches"
    )
    township = models.ForeignKey(Region, verbose_name=_("township"), on_delete=models.PROTECT, related_name="+")
    part = models.PositiveSmallIntegerField(_("part"))
    first_seq = models.PositiveIntegerField(_("first place"))
    last_seq = models.PositiveIntegerField(_("last place"))
    count = models.PositiveIntegerField(_("notices"))
    status = models.CharField(_("status"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.PENDING)
    file = models.FileField(_("file"), upload_to=notice_batch_key, blank=True)
    pages = models.PositiveIntegerField(_("pages"), default=0)
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    # The print worker that took the batch and until when it may hold it without an advisory lock being live:
    # a batch whose lease ran out while no worker holds its lock lost its worker and goes back on the queue.
    leased_by = models.CharField(_("printed by"), max_length=200, blank=True)
    leased_until = models.DateTimeField(_("lease until"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "township"

    class Meta:
        verbose_name = _("notice batch")
        verbose_name_plural = _("notice batches")
        ordering = ["order", "township__code", "part"]
        constraints = [models.UniqueConstraint(fields=["order", "township", "part"], name="notice_batch_unique")]

    def __str__(self):
        return f"{self.order_id}/{self.township_id}/{self.part}"


class Postponement(DecisionRecord, TimeStampedModel):
    """An Art. 31 postponement: illness or a major personal event, at most three days."""

    notice = models.ForeignKey(Notice, verbose_name=_("notice"), on_delete=models.PROTECT, related_name="postponements")
    kind = models.CharField(_("ground"), max_length=12, choices=PostponementKind.choices, blank=True)
    reason = models.TextField(_("reason"))
    days = models.PositiveSmallIntegerField(_("days"))
    status = models.CharField(
        _("status"), max_length=10, choices=PostponementStatus.choices, default=PostponementStatus.REQUESTED
    )
    original_report_date = models.DateField(_("original report date"))
    new_report_date = models.DateField(_("new report date"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "notice__township"

    class Meta:
        verbose_name = _("postponement")
        verbose_name_plural = _("postponements")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(days__gte=1, days__lte=3), name="postponement_art31_days"),
            models.UniqueConstraint(
                fields=["notice"],
                condition=models.Q(status__in=["requested", "approved"]),
                name="postponement_one_standing",
            ),
        ]

    def __str__(self):
        return f"{self.notice_id} +{self.days}"


class DeliveryMessage(models.Model):
    """A message handed to a delivery channel; the development backend keeps every one here."""

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(_("recipient"), max_length=300)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("body"))
    notice = models.ForeignKey(
        Notice, verbose_name=_("notice"), null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    batch = models.ForeignKey(
        NoticeBatch, verbose_name=_("batch"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("delivery message")
        verbose_name_plural = _("delivery messages")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.channel} → {self.recipient}"
