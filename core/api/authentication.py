"""API authentication: tokens in one plain query, and sessions held back until their second factor.

DRF's TokenAuthentication loads the token and its user through the ORM (`select_related("user").get(key=...)`);
building that query costs ~0.5 ms of CPU on every API call, a tenth of a registry read (load test, issue 10).
The same join written out costs a third of it. Same answers: the token's user and the token, "Invalid token."
for an unknown key, "User inactive or deleted." for an inactive account.

A token is also refused once it has expired, and, for an account that needs two-factor authentication, unless
it was issued after a second factor (core/tokens.py keeps both on the token's ApiTokenState).
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        from core.models import ApiTokenState
        from core.tokens import expired
        from core.twofactor import requires_2fa

        model = self.get_model()
        user_model = get_user_model()
        user_field = model._meta.get_field("user")
        state = ApiTokenState._meta
        sql = (
            f'SELECT u.*, t."created" AS "_token_created", s."expires_at" AS "_token_expires", '
            f's."two_factor" AS "_token_two_factor" FROM {user_model._meta.db_table} u '
            f'JOIN {model._meta.db_table} t ON t."{user_field.column}" = u."{user_model._meta.pk.column}" '
            f'LEFT JOIN {state.db_table} s ON s."{state.pk.column}" = t."{model._meta.pk.column}" '
            f'WHERE t."{model._meta.pk.column}" = %s'
        )
        users = list(user_model._default_manager.raw(sql, [key]))
        if not users:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        user = users[0]
        token = model(key=key, user=user, created=user._token_created)
        token._state.adding = False
        token._state.db = user._state.db
        expires, two_factor = user._token_expires, bool(user._token_two_factor)
        del user._token_created, user._token_expires, user._token_two_factor
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if expired(expires, token.created, user):
            raise exceptions.AuthenticationFailed(_("Token expired: request a new one."))
        if not two_factor and requires_2fa(user):
            raise exceptions.AuthenticationFailed(
                _("This token was issued without a second factor: request a new one with otp_token.")
            )
        return (user, token)


class SessionAuthentication(authentication.SessionAuthentication):
    """The session, refused while its account still owes a second factor (the pages send it to /2fa/)."""

    def authenticate(self, request):
        from core.twofactor import held

        result = super().authenticate(request)
        if result is not None and held(result[0]):
            raise exceptions.PermissionDenied(_("Two-factor authentication is required for this account."))
        return result
