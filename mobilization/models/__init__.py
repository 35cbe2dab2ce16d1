"""The models of the call-up (app label "mobilization"), one module per topic; import them from here."""

from ..lifecycle.models import *  # noqa: F403  (the end of the call-up: exemption, replacement, closing)
from .candidates import Candidate, CandidateQuerySet
from .notices import DeliveryMessage, Notice, NoticeBatch, NoticeEvent, Postponement
from .orders import CallUpOrder, CallUpOrderQuerySet
from .policy import RulePolicy, RulePolicyQuerySet
from .programme import AnnualProgramme, AnnualProgrammeQuerySet, ProgrammeLine, RotationLeave

__all__ = [
    "AnnualProgramme",
    "AnnualProgrammeQuerySet",
    "ProgrammeLine",
    "RotationLeave",
    "CallUpOrder",
    "CallUpOrderQuerySet",
    "Candidate",
    "CandidateQuerySet",
    "DeliveryMessage",
    "Notice",
    "NoticeBatch",
    "NoticeEvent",
    "Postponement",
    "RulePolicy",
    "RulePolicyQuerySet",
]
