"""The candidates of an order: the selection's decision per targeted reservist, with its reasons."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import Region
from core.scope import ScopedQuerySet
from reservists.models import Reservist

from .. import rules
from ..choices import Decision
from .orders import CallUpOrder


class CandidateQuerySet(ScopedQuerySet):
    pass


class Candidate(models.Model):
    """One targeted reservist of one order, with the engine's decision and reasons.

    Derived data written in bulk by the selection (a million rows for a nationwide order), so it is NOT an
    AuditedModel: exclusions, manual additions and order transitions are named events (mobilization/events.py).
    `township` and `specialty` are copied from the reservist so review and shortfall queries stay on this table.
    """

    # A million rows are written in one statement: no database foreign-key triggers (three million checks at
    # commit) and no single-column indexes beyond what the review reads; the rows come from existing ones by
    # construction and Django still cascades deletes. The composite indexes below start with the order.
    order = models.ForeignKey(
        CallUpOrder,
        verbose_name=_("order"),
        on_delete=models.CASCADE,
        related_name="candidates",
        db_index=False,
        db_constraint=False,
    )
    reservist = models.ForeignKey(
        Reservist,
        verbose_name=_("reservist"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # the unique (reservist, order) index serves lookups by reservist
        db_constraint=False,
    )
    township = models.ForeignKey(
        Region,
        verbose_name=_("township"),
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    specialty = models.CharField(_("specialty"), max_length=20, blank=True)
    decision = models.CharField(_("decision"), max_length=12, choices=Decision.choices)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    policy_version = models.PositiveIntegerField(_("policy version"))
    excluded = models.BooleanField(_("excluded"), default=False)
    exclusion_reason = models.TextField(_("reason for exclusion"), blank=True)
    added_manually = models.BooleanField(_("added by hand"), default=False)
    added_reason = models.TextField(_("reason for adding"), blank=True)

    objects = CandidateQuerySet.as_manager()
    scope_region_field = "township"

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["reservist", "order"], name="candidate_once_per_order"),
            models.CheckConstraint(condition=models.Q(decision__in=Decision.values), name="candidate_decision_valid"),
        ]
        # Partitioned by order (migration 0006, partitions.py): the database's primary key is (id, order_id),
        # which in an order's partition also serves its pages in id order.
        indexes = [
            models.Index(fields=["order", "decision", "id"], name="candidate_order_decision"),
        ]

    def __str__(self):
        return f"{self.order_id}:{self.reservist_id} {self.decision}"

    def rendered_reasons(self) -> list[dict]:
        return rules.render_reasons(self.reasons)

    def page_reasons(self) -> list[dict]:
        """As rendered_reasons, with the article as a reader writes it ("第27條" / "Art. 27(1)")."""
        return [{**r, "label": rules.article_label(r)} for r in self.rendered_reasons()]

    @property
    def in_first_wave(self) -> bool:
        return self.rank is not None and not self.excluded
