from django.db import models
from django.utils.translation import gettext_lazy as _


class ScopeKind(models.TextChoices):
    NATION = "nation", _("Nationwide")
    COUNTY = "county", _("County / city")
    AGENCY = "agency", _("Agency")


class ReportLanguage(models.TextChoices):
    ZH_HANT = "zh-hant", _("Traditional Chinese")
    EN = "en", _("English")


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("Being generated")
    READY = "ready", _("Generated")
    FAILED = "failed", _("Failed")
