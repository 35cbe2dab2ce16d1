"""Core records every app stands on: regions, organisations, profiles, background jobs and the audit log."""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .choices import AuditAction, CountyKind, JobStatus, OrganisationKind, RegionLevel
from .scope import ScopedQuerySet
from .storage import job_result_key


class AuditedModel(models.Model):
    """Marker base: every concrete subclass gets database audit triggers (see core/audit.py).

    Triggers, not signals, so bulk_create, QuerySet.update and COPY are logged too.
    """

    class Meta:
        abstract = True


class TimeStampedModel(AuditedModel):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class DecisionRecord(models.Model):
    """Who decided a request (approved or refused it), when, and what they said: the same three fields on every
    model that records a decision (call-up orders, annual programmes, postponements, residence moves, shelter
    releases). The decider is PROTECTed: an account that decided something is deactivated, never deleted, so a
    decision never loses who took it."""

    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.TextField(_("decision comment"), blank=True)

    class Meta:
        abstract = True


class BilingualNameMixin:
    """Shows `name_zh` or `name_en` in the active language."""

    @property
    def name(self) -> str:
        lang = (get_language() or "zh-hant").lower()
        if lang.startswith("en") and self.name_en:
            return self.name_en
        return self.name_zh


class RegionQuerySet(ScopedQuerySet):
    def counties(self):
        return self.filter(level=RegionLevel.COUNTY)

    def townships(self):
        return self.filter(level=RegionLevel.TOWNSHIP)


class Region(BilingualNameMixin, models.Model):
    """A county/municipality (ISO 3166-2:TW code) or a township/district (3-digit zipcode).

    Reference data shipped with the project (core/data); scope is granted on these rows.
    """

    level = models.CharField(_("level"), max_length=10, choices=RegionLevel.choices)
    code = models.CharField(
        _("code"),
        max_length=16,
        unique=True,
        help_text=_("ISO 3166-2:TW for a county (TW-NWT); the zipcode for a township (220)."),
    )
    zipcode = models.CharField(_("zipcode"), max_length=3, blank=True, db_index=True)
    name_zh = models.CharField(_("Chinese name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=80)
    parent = models.ForeignKey(
        "self", verbose_name=_("county"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # The official order (core/data's order): each county, then its townships. Every drop-down and picker lists
    # regions by it, never by code or English name (issue 18).
    position = models.PositiveIntegerField(_("official order"), default=0, db_index=True)
    county_kind = models.CharField(_("county kind"), max_length=30, choices=CountyKind.choices, blank=True)
    is_postal_area = models.BooleanField(
        _("postal area only"), default=False, help_text=_("A postal area that is not an administrative township.")
    )

    objects = RegionQuerySet.as_manager()
    scope_region_field = "pk"

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["position", "code"]
        permissions = [
            ("access_region", _("Work within this region")),
            ("access_all_regions", _("Work nationwide")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(level="county", parent__isnull=True) | models.Q(level="township", parent__isnull=False)
                ),
                name="region_township_has_county",
            )
        ]

    def __str__(self):
        if self.level == RegionLevel.TOWNSHIP and self.parent_id:
            return f"{self.parent.name}{self.name}" if self.name == self.name_zh else f"{self.name}, {self.parent.name}"
        return self.name

    @property
    def county(self):
        return self if self.level == RegionLevel.COUNTY else self.parent


class Organisation(AuditedModel):
    """An MND unit, a county government, a township office, an agency or an operator, placed in a region."""

    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    code = models.SlugField(_("code"), max_length=50, unique=True, help_text=_("Short public code used in imports."))
    kind = models.CharField(_("kind"), max_length=30, choices=OrganisationKind.choices)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="organisations")
    parent = models.ForeignKey(
        "self", verbose_name=_("parent organisation"), null=True, blank=True, on_delete=models.PROTECT
    )
    # Deactivated by an administrator (administration app): its accounts are deactivated with it.
    is_active = models.BooleanField(_("active"), default=True, db_default=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "region"
    scope_organisation_field = "pk"

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        permissions = [("act_for_organisation", _("Act for this organisation"))]

    def __str__(self):
        lang = (get_language() or "").lower()
        return self.name_en if lang.startswith("en") and self.name_en else self.name


class Profile(AuditedModel):
    """What the portal knows of a user beyond Django's User: the organisation they work for."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        # Cross-cutting personal-data permission: see core/pii.py.
        permissions = [("view_full_national_id", _("View full national IDs (every view is logged)"))]

    def __str__(self):
        return str(self.user)


def _read_i18n(payload, fallback: str) -> str:
    if not isinstance(payload, dict) or not payload.get("msgid"):
        return fallback
    from django.utils.translation import gettext

    text = gettext(payload["msgid"])
    try:
        return text % payload["params"] if payload.get("params") else text
    except (KeyError, TypeError, ValueError):
        return fallback


class Job(models.Model):
    """A background job (import, selection, issuing, report) whose progress a page can poll."""

    kind = models.CharField(_("kind"), max_length=50)
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    total = models.PositiveBigIntegerField(_("total steps"), default=0)
    done = models.PositiveBigIntegerField(_("steps done"), default=0)
    message = models.TextField(_("message"), blank=True)
    error = models.TextField(_("error"), blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    result_file = models.FileField(_("result file"), upload_to=job_result_key, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_by_name = models.CharField(_("started by (name)"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "kind"])]

    def __str__(self):
        return f"{self.kind} #{self.pk} ({self.get_status_display()})"

    @property
    def display_message(self) -> str:
        """The message in the reader's language when the job recorded it translatably (core.jobs.text)."""
        return _read_i18n((self.result or {}).get("message_i18n"), self.message)

    @property
    def display_error(self) -> str:
        return _read_i18n((self.result or {}).get("error_i18n"), self.error)

    @property
    def progress(self) -> int:
        """Percentage done, 0-100."""
        if self.status == JobStatus.SUCCEEDED:
            return 100
        if not self.total:
            return 0
        return min(100, int(self.done * 100 / self.total))

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)


class AuditEvent(models.Model):
    """One change to a record, or one view of personal data. Written by database triggers; append-only.

    The user's name is kept as text so the record outlives the account.
    """

    created_at = models.DateTimeField(_("time"), db_default=models.functions.Now(), db_index=True)
    table_name = models.CharField(_("table"), max_length=100)
    object_id = models.BigIntegerField(_("object id"), null=True)
    action = models.CharField(_("action"), max_length=12, choices=AuditAction.choices)
    # A named workflow event (core/events.py), e.g. "mobilization.order.approved"; empty for row changes.
    event = models.CharField(_("event"), max_length=100, blank=True, db_default="")
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    user_id = models.BigIntegerField(_("user id"), null=True, blank=True)
    username = models.CharField(_("user"), max_length=150, blank=True, db_default="")
    request_id = models.CharField(_("request id"), max_length=64, blank=True, db_default="")
    message = models.TextField(_("message"), blank=True, db_default="")

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["table_name", "object_id"]),
            models.Index(fields=["username", "created_at"]),
            models.Index(fields=["action", "created_at"]),
            models.Index(fields=["event", "created_at"], name="core_audit_event_idx", condition=~models.Q(event="")),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.username} {self.action} {self.table_name}#{self.object_id}"

    @property
    def changes(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for the fields that changed."""
        before, after = self.before or {}, self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


class ApiTokenState(models.Model):
    """What an API token was issued with: when it expires and whether a second factor was verified.

    Kept beside DRF's Token (one row per token, deleted with it). A token without this row predates it:
    it counts as issued without a second factor and expires by its creation time (core/api/authentication.py).
    Revocation deletes the token itself (core/tokens.py)."""

    token = models.OneToOneField(
        "authtoken.Token", on_delete=models.CASCADE, primary_key=True, related_name="state", db_column="token_key"
    )
    expires_at = models.DateTimeField(_("expires at"))
    two_factor = models.BooleanField(_("issued after a second factor"), default=False)

    class Meta:
        verbose_name = _("API token state")
        verbose_name_plural = _("API token states")

    def __str__(self):
        return f"{self.token_id[:6]}… {self.expires_at:%Y-%m-%d %H:%M}"
