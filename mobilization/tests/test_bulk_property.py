"""Property: on any registry, the set-based selection stores exactly the one-person engine's decisions."""

import datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mobilization import rules, services
from mobilization.models import CallUpOrder, Candidate
from mobilization.services import selection
from reservists.models import PriorityGrant, Reservist, ServiceRecord

from .helpers import make_reservist

pytestmark = pytest.mark.django_db

START = datetime.date(2024, 3, 15)
TYPES = ["general", "temporary", "educational", "duty", "roll_call"]
BASES = ["art29.1", "art29.3", "art29.9", "art30.1", "art30.4"]

dates_near = st.dates(min_value=datetime.date(2014, 1, 1), max_value=datetime.date(2026, 12, 31))
# Retirement dates cluster around the 8-year boundary of START, leap days included.
retirements = st.one_of(
    st.sampled_from(
        [
            datetime.date(2016, 3, 15),
            datetime.date(2016, 3, 14),
            datetime.date(2016, 3, 16),
            datetime.date(2016, 2, 29),
            datetime.date(2012, 2, 29),
        ]
    ),
    st.dates(min_value=datetime.date(2005, 1, 1), max_value=datetime.date(2023, 12, 31)),
)
service = st.tuples(st.sampled_from(TYPES), st.one_of(st.just(START), dates_near), st.integers(1, 400))
grant = st.tuples(
    st.sampled_from(BASES),
    st.one_of(st.just(START), dates_near),
    st.one_of(st.none(), st.just(START), st.just(START - datetime.timedelta(days=1)), dates_near),
)
person = st.tuples(
    retirements,
    st.sampled_from(["active", "active", "active", "deceased", "emigrated", "removed"]),
    st.lists(service, max_size=6),
    st.lists(grant, max_size=3),
)
proposal = st.tuples(
    st.sampled_from(TYPES),
    st.sampled_from([START, datetime.date(2020, 2, 29), datetime.date(2025, 6, 1)]),
    st.sampled_from([1, 2, 19, 20, 21, 30, 365]),
    st.booleans(),
)
overrides = st.one_of(
    st.none(),
    st.tuples(
        st.one_of(st.none(), st.integers(8, 12)),
        st.one_of(st.none(), st.integers(1, 6)),
        st.one_of(st.none(), st.integers(1, 40)),
    ),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(people=st.lists(person, min_size=1, max_size=8), prop=proposal, over=overrides, combined=st.booleans())
def test_bulk_selection_equals_single_engine(db, people, prop, over, combined):
    kind, start, days, wartime = prop
    policy = rules.PolicyParams(edu_duty_combined=combined)
    ovr = rules.Overrides(*over) if over else None
    with transaction.atomic():
        # Only this example's registry (the DB is shared across examples; rolled back below).
        ServiceRecord.objects.all().delete()
        PriorityGrant.objects.all().delete()
        Reservist.objects.all().delete()
        expected = {}
        for retired, status, services_, grants in people:
            r = make_reservist(retired=retired, status=status)
            for t, s, d in services_:
                ServiceRecord.objects.create(reservist=r, mobilization_type=t, start_date=s, days=d)
            for basis, vf, vu in grants:
                if vu is not None and vu < vf:
                    vf, vu = vu, vf
                PriorityGrant.objects.create(
                    reservist=r,
                    kind="successive" if basis.startswith("art29") else "later",
                    basis=basis,
                    valid_from=vf,
                    valid_until=vu,
                )
            expected[r.pk] = rules.evaluate(
                services.person_facts(r), rules.Proposal(kind, start, days, wartime), policy, ovr
            )
        order = CallUpOrder.objects.create(
            mobilization_type=kind, title="p", report_date=start, days=days, wartime=wartime, quota=3
        )
        # As a selection stores them: the order's own partition, filled, indexed and attached.
        selection.store_candidates(
            order_id=order.pk, proposal=rules.Proposal(kind, start, days, wartime), policy=policy, overrides=ovr
        )
        stored = {c.reservist_id: c for c in Candidate.objects.filter(order=order)}
        assert set(stored) == set(expected)
        for pk, outcome in expected.items():
            assert stored[pk].decision == outcome.decision, (outcome.reasons, stored[pk].reasons)
            assert stored[pk].reasons == outcome.reasons
            assert (stored[pk].rank is not None) == (outcome.decision in ("eligible", "later"))
        ranks = sorted((c.rank, c.decision) for c in stored.values() if c.rank is not None)
        # Eligible people come before the "later" ones.
        assert [d for _, d in ranks] == sorted((d for _, d in ranks), key=lambda d: d != "eligible")
        transaction.set_rollback(True)
