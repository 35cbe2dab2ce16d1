"""Account administration: the account as administrators see it, the record of who granted what, powerful
grants waiting for a second administrator, single-use password links and the quarterly access review.

The grants themselves stay where the portal reads them (Django groups, guardian region/organisation grants,
user permissions: core/scope.py); `AccessGrant` keeps who granted each of them and when, for the review.
"""

from django.conf import settings
from django.contrib.auth.models import User
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import Role
from core.models import AuditedModel, Organisation
from core.scope import ScopedQuerySet, get_scope

from .choices import GrantKind, GrantStatus, LinkPurpose

VIEW_ACCOUNTS = "administration.view_account"
ADMINISTER_ACCOUNTS = "administration.change_account"
MANAGE_COUNTY_ACCOUNTS = "administration.manage_county_accounts"
APPROVE_ACCESS = "administration.approve_access"
REVIEW_ACCESS = "administration.review_access"


def region_grantees(region_ids):
    """The ids of accounts holding a region grant on one of `region_ids` (guardian keeps object ids as text)."""
    from django.contrib.contenttypes.models import ContentType
    from guardian.models import UserObjectPermission

    from core.models import Region
    from core.scope import REGION_PERM

    return UserObjectPermission.objects.filter(
        content_type=ContentType.objects.get_for_model(Region),
        permission__codename=REGION_PERM,
        object_pk__in=[str(pk) for pk in region_ids],
    ).values("user_id")


class AccountQuerySet(ScopedQuerySet):
    def for_user(self, user, perm: str | None = None):
        """Every account for nationwide administrators and auditors; for a county account administrator the
        accounts working in their county (they may act only on its township clerks); nothing for others."""
        if user is None or not user.is_authenticated:
            return self.none()
        if perm and not user.has_perm(perm):
            return self.none()
        scope = get_scope(user)
        if scope.nation and user.has_perm(VIEW_ACCOUNTS):
            return self
        if user.has_perm(MANAGE_COUNTY_ACCOUNTS) and scope.region_ids:
            return self.filter(pk__in=region_grantees(scope.region_ids))
        return self.none()


class Account(User):
    """A portal account as its administrators see it (a proxy of Django's user)."""

    objects = AccountQuerySet.as_manager()

    class Meta:
        proxy = True
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        permissions = [
            ("manage_county_accounts", _("Administer the township-office accounts of one's county")),
            ("approve_access", _("Approve powerful grants (second administrator)")),
            ("review_access", _("Read and export the access review")),
        ]

    def __str__(self):
        return f"{self.get_full_name() or self.username} ({self.username})"


class AccountRecord(AuditedModel):
    """What administration keeps about an account beyond the user and its profile."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_record")
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by_name = models.CharField(_("created by (name)"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("account record")
        verbose_name_plural = _("account records")

    def __str__(self):
        return str(self.user)


class AccessGrant(AuditedModel):
    """One line of an account's access (its role, its nationwide scope, a region, an organisation or an extra
    permission) with who granted it and when, and who approved it when it needed a second administrator."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_grants")
    kind = models.CharField(_("kind"), max_length=20, choices=GrantKind.choices)
    value = models.CharField(_("value"), max_length=100, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    granted_by_name = models.CharField(_("granted by (name)"), max_length=150, blank=True)
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_by_name = models.CharField(_("approved by (name)"), max_length=150, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("access grant")
        verbose_name_plural = _("access grants")
        ordering = ["user_id", "kind", "value"]
        constraints = [models.UniqueConstraint(fields=["user", "kind", "value"], name="access_grant_once")]

    def __str__(self):
        return f"{self.user_id} {self.kind} {self.value}"


class PendingGrantQuerySet(ScopedQuerySet):
    def for_user(self, user, perm: str | None = None):
        """Powerful grants are a matter for nationwide administrators and auditors only."""
        if user is None or not user.is_authenticated or (perm and not user.has_perm(perm)):
            return self.none()
        if get_scope(user).nation and user.has_perm("administration.view_pendinggrant"):
            return self
        return self.none()


class PendingGrant(AuditedModel):
    """A powerful grant (an MND role, the auditor role, nationwide scope, full national IDs) asked for by one
    administrator; it takes effect only when a second administrator approves it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE, related_name="pending_grants"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    regions = models.JSONField(_("regions"), default=list, blank=True)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), null=True, blank=True, on_delete=models.PROTECT
    )
    permissions = models.JSONField(_("extra permissions"), default=list, blank=True)
    reasons = models.JSONField(_("why it needs approval"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=GrantStatus.choices, default=GrantStatus.PENDING)
    note = models.TextField(_("reason given"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_by_name = models.CharField(_("requested by (name)"), max_length=150, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_by_name = models.CharField(_("decided by (name)"), max_length=150, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PendingGrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("powerful grant")
        verbose_name_plural = _("powerful grants")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(status="pending"), name="one_pending_grant_per_account"
            )
        ]

    def __str__(self):
        return f"{self.user} → {self.get_role_display()}"


class PasswordLink(AuditedModel):
    """A single-use link to set a password, valid for a short time; only the token's hash is kept."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_links")
    purpose = models.CharField(_("purpose"), max_length=10, choices=LinkPurpose.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    created_by_name = models.CharField(_("created by (name)"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("password link")
        verbose_name_plural = _("password links")
        indexes = [models.Index(fields=["user", "used_at"])]

    def __str__(self):
        return f"{self.user_id} {self.purpose} {self.created_at:%Y-%m-%d %H:%M}"


class AccessReview(AuditedModel):
    """A quarter's access review, signed off by an administrator or an auditor."""

    period = models.CharField(_("quarter"), max_length=7, unique=True)  # 2026-Q4
    accounts = models.PositiveIntegerField(_("accounts reviewed"), default=0)
    note = models.TextField(_("note"), blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed off by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    completed_by_name = models.CharField(_("signed off by (name)"), max_length=150, blank=True)
    completed_at = models.DateTimeField(_("signed off at"), auto_now_add=True)

    class Meta:
        verbose_name = _("access review")
        verbose_name_plural = _("access reviews")
        ordering = ["-period"]

    def __str__(self):
        return self.period
