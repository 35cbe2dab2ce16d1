"""Workflows and graph queries of the CI app. Views, the API and the demo all call these functions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.scope import ensure_in_scope

from .actions import ApprovePlan, ReopenPlan, ReturnPlan, SubmitPlan
from .choices import RISK_RANK, DependencyKind
from .models import Asset, Dependency, ProtectionPlan, RiskAssessment, RiskMatrix

# ----- risk assessments --------------------------------------------------------------------------


def record_assessment(
    *,
    user,
    asset: Asset,
    scenario: str,
    likelihood: int,
    impact: int,
    assessed_on: date | None = None,
    notes: str = "",
) -> RiskAssessment:
    """Rate one scenario of `asset` on the active matrix and refresh the asset's current risk."""
    if not user.has_perm("cip.add_riskassessment"):
        raise PermissionDenied
    matrix = RiskMatrix.active()
    errors = {}
    for field, value in (("likelihood", likelihood), ("impact", impact)):
        if not isinstance(value, int) or not 1 <= value <= matrix.size:
            errors[field] = _("Rate from 1 to %(size)d.") % {"size": matrix.size}
    assessed_on = assessed_on or timezone.localdate()
    if assessed_on > timezone.localdate():
        errors["assessed_on"] = _("An assessment cannot be dated in the future.")
    if errors:
        raise ValidationError(errors)
    risk_level = matrix.level_for(likelihood, impact)
    with transaction.atomic():
        ensure_in_scope(user, asset)
        assessment = RiskAssessment.objects.create(
            asset=asset,
            scenario=scenario,
            likelihood=likelihood,
            impact=impact,
            matrix=matrix,
            score=likelihood * impact,
            risk_level=risk_level,
            control_level=matrix.control_level_for(risk_level),
            assessor=user,
            assessor_name=user.get_full_name() or user.get_username(),
            assessed_on=assessed_on,
            notes=notes,
        )
        refresh_asset_risk(asset.pk)
    return assessment


def refresh_asset_risk(asset_id: int) -> None:
    """The asset's current risk: the worst of the latest assessment of each scenario."""
    latest = (
        RiskAssessment.objects.filter(asset_id=asset_id)
        .order_by("scenario", "-assessed_on", "-id")
        .distinct("scenario")
        .values("risk_level", "score", "likelihood", "impact", "assessed_on")
    )
    rows = list(latest)
    asset = Asset.objects.get(pk=asset_id)
    if rows:
        worst = max(rows, key=lambda r: (RISK_RANK[r["risk_level"]], r["score"], r["impact"]))
        asset.risk_level = worst["risk_level"]
        asset.risk_score = worst["score"]
        asset.likelihood = worst["likelihood"]
        asset.impact = worst["impact"]
        asset.last_assessed_on = max(r["assessed_on"] for r in rows)
    else:
        asset.risk_level, asset.risk_score, asset.likelihood, asset.impact = "", None, None, None
        asset.last_assessed_on = None
    asset.save(update_fields=["risk_level", "risk_score", "likelihood", "impact", "last_assessed_on"])


# ----- dependencies and the cascade ---------------------------------------------------------------

# Direction: a Dependency row (asset=A, depends_on=B) means A needs B, so B failing affects A.
# The cascade of X walks the edges backwards, breadth first: every asset that depends on X (depth 1),
# every asset that depends on one of those (depth 2), and so on. Each step of the recursive CTE carries
# the frontier and the set already visited (tested through a hashed NOT IN), so an asset is reached once,
# at its shortest depth, and cycles end the walk: linear in the edges, where enumerating paths (UNION ALL
# with CYCLE ... USING path) explodes on a meshed graph.
CASCADE_SQL = """
WITH RECURSIVE bfs(depth, frontier, visited) AS (
    SELECT 0, ARRAY[%(root)s]::bigint[], ARRAY[%(root)s]::bigint[]
  UNION ALL
    SELECT b.depth + 1, n.ids, b.visited || n.ids
    FROM bfs b
    CROSS JOIN LATERAL (
        SELECT array_agg(DISTINCT d.asset_id) AS ids
        FROM cip_dependency d
        WHERE d.depends_on_id = ANY(b.frontier) AND d.asset_id NOT IN (SELECT unnest(b.visited))
    ) n
    WHERE n.ids IS NOT NULL AND b.depth < %(max_depth)s
)
SELECT unnest(frontier) AS asset_id, depth FROM bfs WHERE depth > 0 ORDER BY depth, asset_id
"""

MAX_CASCADE_DEPTH = 20


@dataclass
class AffectedAsset:
    asset: Asset
    depth: int
    kinds: list[str]

    @property
    def kind_labels(self) -> list[str]:
        """The kinds in the reader's language (電力, not "power")."""
        return [str(DependencyKind(kind).label) if kind in DependencyKind.values else kind for kind in self.kinds]


@dataclass
class Cascade:
    """What fails if `root` fails: the affected assets the user may see, nearest first."""

    root: Asset
    affected: list[AffectedAsset]

    @property
    def max_depth(self) -> int:
        return max((a.depth for a in self.affected), default=0)

    def by_sector(self) -> list[tuple[object, int]]:
        counts: dict[int, list] = {}
        for row in self.affected:
            entry = counts.setdefault(row.asset.sector_id, [row.asset.sector, 0])
            entry[1] += 1
        return sorted(((s, n) for s, n in counts.values()), key=lambda p: (-p[1], p[0].sort_order))


def affected_ids(root_id: int, max_depth: int = MAX_CASCADE_DEPTH) -> list[tuple[int, int]]:
    """(asset id, shortest depth) of every asset affected by `root_id` failing, nearest first."""
    with connection.cursor() as cursor:
        cursor.execute(CASCADE_SQL, {"root": root_id, "max_depth": max_depth})
        return [(row[0], row[1]) for row in cursor.fetchall()]


def cascade(root: Asset, user) -> Cascade:
    """The cascade of `root` as `user` may see it.

    The walk goes through every asset, in scope or not (a failure does not stop at an agency's
    boundary), but only assets within the user's scope are returned; the others are neither named
    nor counted (DESIGN: out-of-scope records never appear in a list or a count). `kinds` are the kinds
    of the edges by which an asset is reached from the level before it.
    """
    depth = dict(affected_ids(root.pk))
    visible = (
        Asset.objects.for_user(user)
        .filter(pk__in=list(depth))
        .select_related("sector", "subsector", "township__parent", "operator")
    )
    by_id = {a.pk: a for a in visible}
    depth[root.pk] = 0
    kinds: dict[int, set[str]] = {}
    edges = Dependency.objects.filter(asset_id__in=list(by_id)).values_list("asset_id", "depends_on_id", "kind")
    for asset_id, on_id, kind in edges.iterator(chunk_size=5000):
        if depth.get(on_id) == depth[asset_id] - 1:
            kinds.setdefault(asset_id, set()).add(kind)
    rows = sorted(by_id.values(), key=lambda a: (depth[a.pk], a.pk))
    return Cascade(root=root, affected=[AffectedAsset(a, depth[a.pk], sorted(kinds.get(a.pk, ()))) for a in rows])


def add_dependency(*, user, asset: Asset, depends_on: Asset, kind: str, note: str = "") -> Dependency:
    if not user.has_perm("cip.add_dependency"):
        raise PermissionDenied
    dependency = Dependency(asset=asset, depends_on=depends_on, kind=kind, note=note)
    dependency.full_clean()
    with transaction.atomic():
        dependency.save()
        ensure_in_scope(user, dependency)
    return dependency


# ----- protection plans ----------------------------------------------------------------------------


def submit_plan(*, user, plan: ProtectionPlan) -> ProtectionPlan:
    """A draft plan comes into force: level-1 assets' plans go to an approver, the others are in force."""
    return _run(SubmitPlan(), user, plan)


def approve_plan(*, user, plan: ProtectionPlan, comment: str = "") -> ProtectionPlan:
    return _run(ApprovePlan(), user, plan, note=comment)


def return_plan(*, user, plan: ProtectionPlan, comment: str) -> ProtectionPlan:
    """The approver sends a submitted plan back to draft, with the reason."""
    return _run(ReturnPlan(), user, plan, note=comment)


def reopen_plan(*, user, plan: ProtectionPlan) -> ProtectionPlan:
    """An approved or in-force plan is taken back to draft to be revised (and, for level 1, re-approved)."""
    return _run(ReopenPlan(), user, plan)


def _run(action, user, plan: ProtectionPlan, **params) -> ProtectionPlan:
    """The protection-plan steps are declared in cip/actions.py; pages, the API and the demo call these."""
    action.run(user, plan, **params)
    plan.refresh_from_db()
    return plan
