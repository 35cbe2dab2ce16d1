"""Self-service: one-time sign-in codes, reservists' sessions, contact changes and supporting documents.

A reservist is not a portal user: a `ReservistSession` holds the person's id behind a random token (only its
hash is stored), ends after `IDLE_MINUTES` without use, and never carries a staff role. Codes (`Challenge`)
are stored as keyed hashes, are single-use, expire after `CODE_MINUTES` and lock after `MAX_TRIES` wrong tries.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.scope import ScopedQuerySet
from mobilization.models import Notice, Postponement
from reservists.models import Reservist

from .choices import ChangeStatus, ContactField, DocumentPurpose, Purpose

CODE_MINUTES = 5
MAX_TRIES = 5
IDLE_MINUTES = 30


class Challenge(models.Model):
    """A one-time code that was (or, for nobody in the registry, was not) sent: sign-in or confirming a contact.

    A row is written whether or not the person was found (`reservist` empty then), so both answers cost the same.
    """

    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    backend = models.CharField(_("sign-in backend"), max_length=40, blank=True)
    reservist = models.ForeignKey(
        Reservist, verbose_name=_("reservist"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    code_hash = models.CharField(_("code hash"), max_length=64)
    new_value = models.CharField(_("new value"), max_length=300, blank=True)
    channel = models.CharField(_("channel"), max_length=10, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    tries = models.PositiveSmallIntegerField(_("wrong tries"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")
        indexes = [models.Index(fields=["created_at"], name="ss_challenge_created")]

    def __str__(self):
        return f"{self.purpose} {self.pk}"


class ReservistSession(models.Model):
    """A signed-in reservist: the token's hash, the person, when it was last used and how it ended."""

    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    reservist = models.ForeignKey(
        Reservist, verbose_name=_("reservist"), on_delete=models.CASCADE, related_name="selfservice_sessions"
    )
    backend = models.CharField(_("sign-in backend"), max_length=40)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("last used at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("self-service session")
        verbose_name_plural = _("self-service sessions")
        # Housekeeping (cleanup.py) finds the ended and the idle ones by these.
        indexes = [
            models.Index(fields=["ended_at"], name="ss_session_ended", condition=models.Q(ended_at__isnull=False)),
            models.Index(fields=["last_seen_at"], name="ss_session_idle", condition=models.Q(ended_at__isnull=True)),
        ]

    def __str__(self):
        return f"{self.reservist_id} {self.created_at:%Y-%m-%d %H:%M}"


class ContactChange(TimeStampedModel):
    """A change of phone, e-mail or delivery address made by the person. A new phone or e-mail takes effect
    once the code sent to it is confirmed; a delivery address at once, for the next notices."""

    reservist = models.ForeignKey(
        Reservist, verbose_name=_("reservist"), on_delete=models.CASCADE, related_name="contact_changes"
    )
    field = models.CharField(_("what"), max_length=20, choices=ContactField.choices)
    old_value = models.CharField(_("before"), max_length=300, blank=True)
    new_value = models.CharField(_("after"), max_length=300)
    status = models.CharField(_("status"), max_length=10, choices=ChangeStatus.choices, default=ChangeStatus.PENDING)
    confirmed_at = models.DateTimeField(_("in effect since"), null=True, blank=True)
    challenge = models.ForeignKey(
        Challenge, verbose_name=_("code"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "reservist__township"

    class Meta:
        verbose_name = _("contact change")
        verbose_name_plural = _("contact changes")
        ordering = ["-id"]
        indexes = [models.Index(fields=["reservist", "field", "status"], name="ss_change_person_field")]
        constraints = [
            models.CheckConstraint(condition=models.Q(field__in=ContactField.values), name="ss_change_field_valid"),
            models.CheckConstraint(condition=models.Q(status__in=ChangeStatus.values), name="ss_change_status_valid"),
        ]

    def __str__(self):
        return f"{self.reservist_id} {self.field}"


def document_path(instance, filename: str) -> str:
    # The name the person gave is kept as data only: the stored name is random and never served directly.
    return f"selfservice/{instance.reservist_id}/{uuid.uuid4().hex}"


class Document(TimeStampedModel):
    """A supporting document (PDF or image) the person sent with a request; served only to them and to staff
    whose scope covers them."""

    reservist = models.ForeignKey(
        Reservist, verbose_name=_("reservist"), on_delete=models.PROTECT, related_name="selfservice_documents"
    )
    notice = models.ForeignKey(Notice, verbose_name=_("notice"), on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(_("for"), max_length=14, choices=DocumentPurpose.choices)
    postponement = models.ForeignKey(
        Postponement,
        verbose_name=_("postponement"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    file = models.FileField(_("file"), upload_to=document_path)
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    original_name = models.CharField(_("file name given"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "reservist__township"

    class Meta:
        verbose_name = _("supporting document")
        verbose_name_plural = _("supporting documents")
        ordering = ["id"]

    def __str__(self):
        return self.original_name or str(self.pk)


class DecisionMessage(models.Model):
    """A decision on a self-service request that was sent to the person (at most once per decision)."""

    kind = models.CharField(_("request"), max_length=14, choices=DocumentPurpose.choices)
    object_id = models.BigIntegerField(_("request id"))
    status = models.CharField(_("decision"), max_length=10)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("decision sent")
        verbose_name_plural = _("decisions sent")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id", "status"], name="ss_decision_sent_once"),
        ]

    def __str__(self):
        return f"{self.kind} {self.object_id} {self.status}"
