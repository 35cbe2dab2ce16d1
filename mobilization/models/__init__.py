"""The models of the call-up (app label "mobilization"), one module per topic (lifecycle.py: the end of the
call-up, exemption to no-show cases); import them from here."""

from .candidates import Candidate, CandidateQuerySet
from .lifecycle import (
    AreaExemption,
    Exemption,
    ExemptionDocument,
    ExemptionGround,
    Gap,
    NoShowCase,
    NoShowStep,
    OrderChange,
    OrderYield,
)
from .notices import DeliveryMessage, Notice, NoticeBatch, NoticeEvent, Postponement
from .orders import CallUpOrder, CallUpOrderQuerySet
from .policy import RulePolicy, RulePolicyQuerySet
from .programme import AnnualProgramme, AnnualProgrammeQuerySet, ProgrammeLine, RotationLeave

__all__ = [
    "AreaExemption",
    "Exemption",
    "ExemptionDocument",
    "ExemptionGround",
    "Gap",
    "NoShowCase",
    "NoShowStep",
    "OrderChange",
    "OrderYield",
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
