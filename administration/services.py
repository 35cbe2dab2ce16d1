"""Account administration's plain functions: token revocation, lockout and second-factor facts, single-use
password links and the messages that carry them, dormant accounts, and CSV cells safe for spreadsheets."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from core import events
from core.choices import Role

from . import events as names
from .access import Access, Names, access_map
from .choices import GrantStatus, LinkPurpose
from .models import PasswordLink, PendingGrant


def link_minutes() -> int:
    return int(getattr(settings, "ACCOUNT_LINK_MINUTES", 30))


def dormant_days() -> int:
    return int(getattr(settings, "ACCOUNT_DORMANT_DAYS", 90))


# ----- tokens, lockout, second factor -----------------------------------------------------------------


def revoke_tokens(user) -> int:
    """End every API token of `user` (the one place that does it: role or scope changes, deactivation,
    password resets and second-factor resets call it). Returns how many were ended."""
    from rest_framework.authtoken.models import Token

    deleted, _detail = Token.objects.filter(user_id=user.pk).delete()
    return deleted


def locked_usernames(usernames) -> set[str]:
    """The accounts among `usernames` that django-axes holds locked out now."""
    from axes.models import AccessAttempt

    cooloff = getattr(settings, "AXES_COOLOFF_TIME", None) or timedelta(minutes=15)
    if not isinstance(cooloff, timedelta):
        cooloff = timedelta(hours=float(cooloff))
    return set(
        AccessAttempt.objects.filter(
            username__in=list(usernames),
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
            attempt_time__gte=timezone.now() - cooloff,
        ).values_list("username", flat=True)
    )


def is_locked(user) -> bool:
    return user.username in locked_usernames([user.username])


def unlock(user) -> int:
    """Forget the failed attempts of `user`: the lockout ends at once."""
    from axes.utils import reset

    return reset(username=user.username)


def two_factor_ids(user_ids) -> set[int]:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return set(TOTPDevice.objects.filter(user_id__in=list(user_ids), confirmed=True).values_list("user_id", flat=True))


def has_second_factor(user) -> bool:
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user_id=user.pk).exists() or StaticDevice.objects.filter(user_id=user.pk).exists()


def remove_second_factor(user) -> None:
    """Delete the authenticator and the recovery codes: the person must enrol again at their next log-in."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user_id=user.pk).delete()
    StaticDevice.objects.filter(user_id=user.pk).delete()


class AccountFacts:
    """What a list of accounts shows beside each: access, scope in words, second factor, lockout, pending grant.
    A fixed number of queries whatever the number of accounts."""

    def __init__(self, accounts):
        accounts = list(accounts)
        ids = [a.pk for a in accounts]
        self.access = access_map(ids)
        self.names = Names(self.access.values())
        self.two_factor = two_factor_ids(ids)
        self.locked = locked_usernames([a.username for a in accounts])
        self.pending = {g.user_id: g for g in PendingGrant.objects.filter(user_id__in=ids, status=GrantStatus.PENDING)}

    def of(self, account) -> Access:
        return self.access.get(account.pk, Access())

    def scope(self, account) -> str:
        return self.names.scope(self.of(account))


# ----- single-use password links ---------------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_link(user, purpose: str, by=None) -> str:
    """A fresh link for `user` (earlier unused ones stop working). Returns the token; only its hash is kept."""
    now = timezone.now()
    token = secrets.token_urlsafe(32)
    PasswordLink.objects.filter(user_id=user.pk, used_at__isnull=True).update(used_at=now)
    PasswordLink.objects.create(
        user_id=user.pk,
        purpose=purpose,
        token_hash=_hash(token),
        expires_at=now + timedelta(minutes=link_minutes()),
        created_by_name=by.get_username() if by is not None and by.is_authenticated else "",
    )
    return token


def link_url(token: str) -> str:
    return settings.PORTAL_PUBLIC_URL.rstrip("/") + reverse("administration:password-set", args=[token])


def valid_link(token: str) -> PasswordLink | None:
    return (
        PasswordLink.objects.select_related("user")
        .filter(token_hash=_hash(token), used_at__isnull=True, expires_at__gt=timezone.now(), user__is_active=True)
        .first()
    )


def use_link(token: str, password: str):
    """Set the password through a link, once. Raises ValidationError if the link is used, expired or unknown."""
    with transaction.atomic():
        link = valid_link(token)
        used = (
            link is not None
            and PasswordLink.objects.filter(pk=link.pk, used_at__isnull=True, expires_at__gt=timezone.now()).update(
                used_at=timezone.now()
            )
            == 1
        )
        if not used:
            raise ValidationError(_("This link has expired or was already used. Ask your administrator for a new one."))
        user = link.user
        user.set_password(password)
        user.save(update_fields=["password"])
        revoke_tokens(user)
        events.record(names.PASSWORD_SET, user=user, obj=user, after={"purpose": link.purpose})
    return user


def send_link(user, token: str, purpose: str) -> None:
    """E-mail the link through the portal's delivery backends (in Traditional Chinese: it goes to a person)."""
    from mobilization.choices import Channel
    from mobilization.services.delivery import OutgoingMessage, send

    with override("zh-hant"):
        if purpose == LinkPurpose.WELCOME:
            subject = _("Your account on the mobilization readiness portal")
            lead = _("An account %(username)s was created for you.") % {"username": user.username}
        else:
            subject = _("Password reset for the mobilization readiness portal")
            lead = _("An administrator started a password reset for %(username)s.") % {"username": user.username}
        body = _("%(lead)s Set your password at %(url)s within %(minutes)d minutes; the link works once.") % {
            "lead": lead,
            "url": link_url(token),
            "minutes": link_minutes(),
        }
    send([OutgoingMessage(Channel.EMAIL, user.email, body, subject=subject)])


# ----- dormant accounts ----------------------------------------------------------------------------------


def dormant_accounts(now=None):
    """Active accounts unused for ACCOUNT_DORMANT_DAYS: last log-in before the cut-off, or never since creation."""
    cutoff = (now or timezone.now()) - timedelta(days=dormant_days())
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff))
    )


def deactivate_dormant(now=None) -> list[int]:
    """Deactivate every dormant account, end its tokens, record a named event each, and tell the person and the
    MND administrators once the transaction has committed. Idempotent: a second run finds nothing."""
    user_model = get_user_model()
    with transaction.atomic():
        rows = list(
            dormant_accounts(now)
            .select_for_update(skip_locked=True)
            .values_list("pk", "username", "email", "last_login", "date_joined")
        )
        ids = [row[0] for row in rows]
        if not ids:
            return []
        user_model.objects.filter(pk__in=ids, is_active=True).update(is_active=False)
        from rest_framework.authtoken.models import Token

        Token.objects.filter(user_id__in=ids).delete()
        for pk, _username, _email, last_login, _joined in rows:
            events.record(
                names.DORMANT_DEACTIVATED,
                obj=user_model(pk=pk),
                before={"is_active": True, "last_login": last_login},
                after={"is_active": False},
                note=_("Unused for %(days)d days.") % {"days": dormant_days()},
            )
        transaction.on_commit(lambda: notify_dormant(rows))
    return ids


def notify_dormant(rows) -> None:
    from mobilization.choices import Channel
    from mobilization.services.delivery import OutgoingMessage, send

    messages = []
    with override("zh-hant"):
        subject = _("Portal account deactivated")
        for _pk, username, email, _last, _joined in rows:
            if email:
                text = _(
                    "Your account %(username)s on the mobilization readiness portal was not used for %(days)d days "
                    "and has been deactivated. Ask your administrator to reactivate it if you still need it."
                ) % {"username": username, "days": dormant_days()}
                messages.append(OutgoingMessage(Channel.EMAIL, email, text, subject=subject))
        summary = _("%(n)d account(s) unused for %(days)d days were deactivated: %(names)s") % {
            "n": len(rows),
            "days": dormant_days(),
            "names": ", ".join(row[1] for row in rows),
        }
        for email in administrator_emails():
            messages.append(OutgoingMessage(Channel.EMAIL, email, summary, subject=_("Dormant accounts deactivated")))
    if messages:
        send(messages)


def administrator_emails() -> list[str]:
    group = Group.objects.filter(name=Role.MND_ADMIN).first()
    if group is None:
        return []
    return sorted(set(group.user_set.filter(is_active=True).exclude(email="").values_list("email", flat=True)))


# ----- exports -------------------------------------------------------------------------------------------
