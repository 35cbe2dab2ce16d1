from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    COUNTY = "county", _("County / municipality")
    TOWNSHIP = "township", _("Township / district")


class CountyKind(models.TextChoices):
    SPECIAL_MUNICIPALITY = "special_municipality", _("Special municipality")
    CITY = "city", _("Provincial city")
    COUNTY = "county", _("County")


class OrganisationKind(models.TextChoices):
    MND_UNIT = "mnd_unit", _("MND unit")
    COUNTY_GOVERNMENT = "county_government", _("County / city government")
    TOWNSHIP_OFFICE = "township_office", _("Township / district office")
    AGENCY = "agency", _("Agency")
    ENTERPRISE = "enterprise", _("Enterprise / institution")
    OTHER = "other", _("Other")


class Role(models.TextChoices):
    """The Django groups of DESIGN.md."""

    MND_ADMIN = "mnd_admin", _("MND administrator")
    MND_STAFF = "mnd_staff", _("MND staff")
    MND_APPROVER = "mnd_approver", _("MND approver")
    LOCAL_GOV = "local_gov", _("Local government official")
    TOWNSHIP_OFFICE = "township_office", _("Township office clerk")
    AGENCY = "agency", _("Agency")
    AUDITOR = "auditor", _("Auditor")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    DELETE = "delete", _("Deleted")
    VIEW_PII = "view_pii", _("Viewed full national ID")
    EXPORT_PII = "export_pii", _("Exported full national IDs")
    EVENT = "event", _("Workflow event")
