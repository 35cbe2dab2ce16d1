"""A small registry in two counties, known by construction so tests can compute expected figures by hand."""

import datetime

import pytest

from core.models import Region

AS_OF = datetime.date(2026, 3, 1)


@pytest.fixture(autouse=True)
def _own_dashboard_cache(monkeypatch):
    """Each test its own dashboard cache keys: the Redis cache outlives a test database."""
    import uuid

    monkeypatch.setattr("reports.dashboard.KEY_PREFIX", f"reports:test:{uuid.uuid4().hex}")


def make_reservist(seq, township, *, retired, branch="army", specialty="11B", status="active"):
    from reservists.models import Reservist

    return Reservist.objects.create(
        national_id=f"A{100000000 + seq}",
        name=f"測試{seq}",
        birth_date=datetime.date(1990, 1, 1),
        branch=branch,
        specialty=specialty,
        retirement_date=retired,
        township=township,
        status=status,
    )


@pytest.fixture
def registry(db):
    """NWT: 6 active (4 callable), 1 deceased; TPE: 3 active (2 callable). One NWT grant, one TPE grant."""
    from reservists.models import PriorityGrant

    banqiao = Region.objects.get(code="220")
    sanchong = Region.objects.get(code="241")
    taipei = Region.objects.get(parent__code="TW-TPE", code="100")
    in_window = datetime.date(2020, 5, 1)
    edge = datetime.date(2018, 3, 1)  # the 8th anniversary falls on the report date: still within
    too_old = datetime.date(2018, 2, 28)
    people = {
        "nwt": [
            make_reservist(1, banqiao, retired=in_window, branch="army", specialty="11B"),
            make_reservist(2, banqiao, retired=edge, branch="navy", specialty="31C"),
            make_reservist(3, sanchong, retired=in_window, branch="army", specialty="11B"),
            make_reservist(4, sanchong, retired=datetime.date(2025, 1, 1), branch="air_force", specialty="45K"),
            make_reservist(5, sanchong, retired=too_old, branch="army", specialty="11B"),
            make_reservist(6, banqiao, retired=datetime.date(2026, 6, 1), branch="army", specialty="11B"),  # after
            make_reservist(7, banqiao, retired=in_window, status="deceased"),
        ],
        "tpe": [
            make_reservist(11, taipei, retired=in_window, branch="marine_corps", specialty="03A"),
            make_reservist(12, taipei, retired=in_window, branch="army", specialty="11B"),
            make_reservist(13, taipei, retired=too_old, branch="army", specialty="11B"),
        ],
    }
    PriorityGrant.objects.create(
        reservist=people["nwt"][0], kind="successive", basis="art29.5", valid_from=datetime.date(2025, 1, 1)
    )
    PriorityGrant.objects.create(
        reservist=people["tpe"][0],
        kind="later",
        basis="art30.2",
        valid_from=datetime.date(2025, 1, 1),
        valid_until=datetime.date(2026, 12, 31),
    )
    PriorityGrant.objects.create(  # expired before the report date: does not count
        reservist=people["nwt"][1],
        kind="later",
        basis="art30.2",
        valid_from=datetime.date(2024, 1, 1),
        valid_until=datetime.date(2025, 1, 1),
    )
    return people


def quick_report(scope_key: str, *, as_of=AS_OF, **extra):
    """A report row without generating it (for scope and list tests)."""
    from core.models import Organisation
    from reports.models import Report

    fields = {"scope_kind": "nation", "scope_key": scope_key}
    if scope_key.startswith("TW-"):
        fields.update(scope_kind="county", county=Region.objects.get(code=scope_key))
    elif scope_key.startswith("agency:"):
        fields.update(scope_kind="agency", organisation=Organisation.objects.get(pk=int(scope_key.split(":")[1])))
    return Report.objects.create(as_of=as_of, requested_by_name="test", **fields, **extra)


def pdf_text(pdf: bytes) -> str:
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
        fh.write(pdf)
        fh.flush()
        return subprocess.run(["pdftotext", "-layout", fh.name, "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def generate(django_capture_on_commit_callbacks):
    """Request a report through the API as `user` and run its job (Celery is eager in tests)."""
    from core.testing import api_client
    from reports.models import Report

    def run(user, scope, as_of=AS_OF, language="zh-hant"):
        with django_capture_on_commit_callbacks(execute=True):
            response = api_client(user).post(
                "/api/reports/", {"scope": scope, "as_of": as_of.isoformat(), "language": language}, format="json"
            )
        assert response.status_code == 201, response.content
        return Report.objects.get(pk=response.json()["id"])

    return run
