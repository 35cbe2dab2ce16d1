"""Named audit events of materiel mobilization (core/events.py)."""

from django.utils.translation import gettext_lazy as _

from core.events import register

SURVEY_IMPORTED = register("materiel.survey.imported", _("Capacity survey file imported"))
SURVEY_SUBMITTED = register("materiel.survey.submitted", _("Capacity survey submitted"))
SURVEY_ACCEPTED = register("materiel.survey.accepted", _("Capacity survey accepted by MND"))
SURVEY_RETURNED = register("materiel.survey.returned", _("Capacity survey returned to the county"))
REQUIREMENT_MATCHED = register("materiel.requirement.matched", _("Resources proposed for a requirement"))
REQUIREMENT_CONFIRMED = register("materiel.requirement.confirmed", _("Allocation of a requirement confirmed"))
REQUISITION_SUBMITTED = register("materiel.requisition.submitted", _("Requisition order submitted"))
REQUISITION_APPROVED = register("materiel.requisition.approved", _("Requisition order approved"))
REQUISITION_REJECTED = register("materiel.requisition.rejected", _("Requisition order rejected"))
REQUISITION_ISSUED = register("materiel.requisition.issued", _("Requisition notices issued"))
CONFLICT_ACCEPTED = register("materiel.conflict.accepted", _("Requisition conflict accepted with a reason"))
NOTICE_HANDED_OVER = register("materiel.notice.handed_over", _("Requisitioned resource handed over"))
NOTICE_RETURNED = register("materiel.notice.returned", _("Requisitioned resource returned"))
NOTICE_EXEMPTED = register("materiel.notice.exempted", _("Requisitioned resource exempted"))
NOTICE_REPLACED = register("materiel.notice.replaced", _("Requisitioned resource replaced"))


def record_replacement(*, user, old, new, note=""):
    from core.events import record

    return record(
        NOTICE_REPLACED,
        user=user,
        obj=new,
        before={"notice": old.number, "resource": old.resource_id},
        after={"notice": new.number, "resource": new.resource_id},
        note=note,
    )
