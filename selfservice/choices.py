from django.db import models
from django.utils.translation import gettext_lazy as _


class Purpose(models.TextChoices):
    SIGN_IN = "sign_in", _("sign-in")
    CONFIRM_PHONE = "confirm_phone", _("confirm a new phone number")
    CONFIRM_EMAIL = "confirm_email", _("confirm a new e-mail address")


class ContactField(models.TextChoices):
    PHONE = "phone", _("phone")
    EMAIL = "email", _("e-mail")
    DELIVERY_ADDRESS = "delivery_address", _("delivery address")


class ChangeStatus(models.TextChoices):
    PENDING = "pending", _("waiting for the code")
    CONFIRMED = "confirmed", _("in effect")
    EXPIRED = "expired", _("not confirmed")


class DocumentPurpose(models.TextChoices):
    POSTPONEMENT = "postponement", _("postponement")
    EXEMPTION = "exemption", _("exemption")
