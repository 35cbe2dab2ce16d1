"""The models of the call-up (app label "mobilization"), one module per topic; import them from here."""

from .candidates import Candidate, CandidateQuerySet
from .notices import DeliveryMessage, Notice, NoticeBatch, NoticeEvent, Postponement
from .orders import CallUpOrder, CallUpOrderQuerySet
from .policy import RulePolicy, RulePolicyQuerySet

__all__ = [
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
