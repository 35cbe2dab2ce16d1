"""`seed_demo --reservists N`: a synthetic, realistic registry loaded with COPY (1,000,000 rows in well under a minute).

Idempotent: if the registry already holds N or more reservists nothing happens; otherwise the missing rows
are added. National IDs are valid (check digit), the first letter matching the county of registration;
names are Chinese; people are spread over the townships weighted by county population; ages 20-60;
retirement 0-15 years ago; about 1.5 service records per person; about 3% hold an Art. 29/30 grant.

For speed the per-row audit triggers are switched off for the load (session_replication_role = replica,
when the database user may do so) and ONE audit event records how many synthetic rows were seeded.
"""

from __future__ import annotations

import datetime
import functools
import io
import random
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from django.db import connection, transaction

from core.choices import AuditAction
from core.importing import ready_for_reading
from core.models import AuditEvent, Region
from core.pii import LETTER_VALUES

from .choices import GrantBasis, MobilizationType
from .models import PriorityGrant, ReserveUnit, Reservist, ServiceRecord

DEFAULT_COUNT = 2000
CHUNK = 100_000
NULL = "\\N"  # NULL in COPY's text format

# County -> (first letter of national IDs registered there, population weight in millions).
COUNTIES = {
    "TW-TPE": ("A", 2.5),
    "TW-TXG": ("B", 2.85),
    "TW-KEE": ("C", 0.36),
    "TW-TNN": ("D", 1.86),
    "TW-KHH": ("E", 2.73),
    "TW-NWT": ("F", 4.0),
    "TW-ILA": ("G", 0.45),
    "TW-TAO": ("H", 2.3),
    "TW-CYI": ("I", 0.26),
    "TW-HSQ": ("J", 0.58),
    "TW-MIA": ("K", 0.54),
    "TW-NAN": ("M", 0.48),
    "TW-CHA": ("N", 1.24),
    "TW-HSZ": ("O", 0.45),
    "TW-YUN": ("P", 0.66),
    "TW-CYQ": ("Q", 0.48),
    "TW-PIF": ("T", 0.8),
    "TW-HUA": ("U", 0.32),
    "TW-TTT": ("V", 0.21),
    "TW-PEN": ("X", 0.1),
    "TW-KIN": ("W", 0.14),
    "TW-LIE": ("Z", 0.014),
}
SURNAMES = "陳林黃張李王吳劉蔡楊許鄭謝郭洪曾邱廖賴周徐蘇葉莊呂江何蕭羅高潘簡朱鍾彭游詹胡施沈余盧梁趙顏柯翁魏孫戴"
SURNAME_WEIGHTS = [11, 8, 6, 5, 5, 4, 4, 3, 3, 3] + [1.5] * (len(SURNAMES) - 10)
GIVEN = "志明俊傑建宏家豪冠宇承翰宗翰柏翰彥廷育誠哲瑋信宏文雄國華正義子豪偉倫昱安品睿宥辰浩然書豪智凱明輝嘉偉振宇"
RANKS = ["二兵", "一兵", "上兵", "下士", "中士", "上士", "少尉", "中尉", "上尉", "少校"]
RANK_WEIGHTS = [10, 25, 30, 12, 8, 4, 5, 3, 2, 1]
SPECIALTIES = ["11A1", "11B1", "11C2", "12A1", "13B1", "21A1", "31B1", "35C1", "42A1", "51B2", "63A1", "68W1", "88M1"]
BRANCHES = ["army", "navy", "air_force", "marine_corps", "military_police", "other"]
BRANCH_WEIGHTS = [62, 10, 12, 8, 6, 2]
SERVICE_COUNTS = [0, 1, 2, 3, 4]
SERVICE_COUNT_WEIGHTS = [25, 30, 25, 12, 8]  # mean ~1.5
SERVICE_TYPES = [MobilizationType.EDUCATIONAL, MobilizationType.ROLL_CALL, MobilizationType.DUTY, "temporary"]
SERVICE_TYPE_WEIGHTS = [55, 28, 14, 3]
SERVICE_DAYS = {"educational": (5, 14), "roll_call": (1, 1), "duty": (1, 7), "temporary": (7, 30)}


def add_arguments(parser):
    parser.add_argument(
        "--reservists",
        type=int,
        default=DEFAULT_COUNT,
        help=f"Size of the synthetic reserve registry (default {DEFAULT_COUNT}; a million loads in under a minute).",
    )


def seed(command, opts):
    count = opts.get("reservists", DEFAULT_COUNT)
    started = time.perf_counter()
    added = seed_registry(count)
    if command is not None:
        command.stdout.write(f"reservists: {added} added in {time.perf_counter() - started:.1f} s (wanted {count})")


def ensure_reserve_units() -> dict[int, list[int]]:
    """Two or three reserve units per county with their assembly points; county id -> unit ids."""
    for county in Region.objects.counties().order_by("code"):
        townships = list(county.children.filter(is_postal_area=False).order_by("code")[:3])
        for n, township in enumerate(townships, start=1):
            ReserveUnit.objects.get_or_create(
                code=f"RU-{county.code[3:]}-{n}",
                defaults={
                    "name": f"{county.name_zh}後備第{n}營",
                    "region": township,
                    "assembly_point": f"{county.name_zh}{township.name_zh}國民小學操場",
                },
            )
    units: dict[int, list[int]] = {}
    for unit_id, county_id in ReserveUnit.objects.filter(code__startswith="RU-").values_list("id", "region__parent"):
        units.setdefault(county_id, []).append(unit_id)
    return units


def seed_registry(count: int, rng: random.Random | None = None) -> int:
    existing = Reservist.objects.count()
    if existing >= count:
        return 0
    rng = rng or random.Random(20260301 + existing)
    units = ensure_reserve_units()
    needed = count - existing
    with transaction.atomic(), connection.cursor() as cursor:
        skipped_triggers = _disable_triggers(cursor)
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")  # index builds sort in memory
        cursor.execute("LOCK TABLE reservists_reservist IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM reservists_reservist")
        first_id = cursor.fetchone()[0] + 1
        taken = set(Reservist.objects.values_list("national_id", flat=True)) if existing else set()
        places = _places(units)
        raw = cursor.cursor
        people_n = services_n = grants_n = 0
        # Python generates the next 100,000 people while PostgreSQL takes in the previous ones.
        with (
            _indexes_dropped(cursor, "reservists_reservist", needed),
            _indexes_dropped(cursor, "reservists_servicerecord", needed * 3 // 2),
            ThreadPoolExecutor(max_workers=1) as pool,
        ):
            chunks = _chunks(rng, needed, first_id, places, taken)
            pending = pool.submit(next, chunks, None)
            while (chunk := pending.result()) is not None:
                pending = pool.submit(next, chunks, None)
                lines, services, grants = chunk
                _copy(raw, "reservists_reservist", RESERVIST_COLUMNS, lines)
                _copy(raw, "reservists_servicerecord", SERVICE_COLUMNS, services)
                _copy(raw, "reservists_prioritygrant", GRANT_COLUMNS, grants)
                people_n, services_n, grants_n = (
                    people_n + len(lines),
                    services_n + len(services),
                    grants_n + len(grants),
                )
        for model in (Reservist, ServiceRecord, PriorityGrant):
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )
        if skipped_triggers:  # back to normal for the rest of an enclosing transaction
            cursor.execute("SET LOCAL session_replication_role = origin")
        AuditEvent.objects.create(
            table_name=Reservist._meta.db_table,
            action=AuditAction.EVENT,
            after={"reservists": people_n, "service_records": services_n, "priority_grants": grants_n},
            message=(
                f"seed_demo: {people_n} synthetic reservists, {services_n} service records and "
                f"{grants_n} priority grants loaded with COPY"
                + ("; per-row audit triggers skipped for speed" if skipped_triggers else "")
            ),
        )
    # Ready to read at once: statistics and the visibility map (core.importing.ready_for_reading).
    ready_for_reading(*(model._meta.db_table for model in (Reservist, ServiceRecord, PriorityGrant)))
    return people_n


def _chunks(rng, needed, first_id, places, taken):
    """(reservist lines, service lines, grant lines) for CHUNK people at a time. No database access here:
    it runs in a helper thread."""
    counters = dict.fromkeys(LETTER_VALUES, 0)
    for start in range(0, needed, CHUNK):
        lines, people = _generate(rng, min(CHUNK, needed - start), first_id + start, places, taken, counters)
        services, grants = _history(rng, people)
        yield lines, services, grants


def _disable_triggers(cursor) -> bool:
    try:
        with transaction.atomic():
            cursor.execute("SET LOCAL session_replication_role = replica")
        return True
    except Exception:  # not a superuser: keep the triggers (slower, but every row is audited)
        return False


RESERVIST_COLUMNS = [
    "id",
    "national_id",
    "name",
    "birth_date",
    "category",
    "branch",
    "rank",
    "specialty",
    "retirement_date",
    "township_id",
    "address",
    "phone",
    "email",
    "occupation",
    "employer",
    "reserve_unit_id",
    "status",
    "created_at",
    "updated_at",
]
SERVICE_COLUMNS = [
    "reservist_id",
    "mobilization_type",
    "start_date",
    "days",
    "source",
    "reference",
    "created_at",
    "updated_at",
]
GRANT_COLUMNS = [
    "reservist_id",
    "kind",
    "basis",
    "valid_from",
    "valid_until",
    "evidence",
    "approved_by_name",
    "created_at",
    "updated_at",
]


@functools.lru_cache(maxsize=1)
def _id_tables():
    """Weighted digit sums of the 3 high and 4 low digits of the 7 random digits (weights 7..1)."""
    high = [sum(int(d) * w for d, w in zip(f"{i:03d}", (7, 6, 5), strict=True)) for i in range(1000)]
    low = [sum(int(d) * w for d, w in zip(f"{i:04d}", (4, 3, 2, 1), strict=True)) for i in range(10000)]
    return high, low


def _places(units) -> tuple[list, list]:
    """(townships as generation tuples, their weights): each township weighted by its county's population
    shared among the county's townships."""
    townships = list(
        Region.objects.townships()
        .filter(is_postal_area=False)
        .values_list("id", "parent_id", "parent__code", "name_zh", "parent__name_zh")
    )
    by_county: dict[str, list] = {}
    for row in townships:
        by_county.setdefault(row[2], []).append(row)
    choices, weights = [], []
    for code, (letter, weight) in COUNTIES.items():
        code_value = LETTER_VALUES[letter]
        for township_id, county_id, _code, name, county_name in by_county.get(code, []):
            unit_ids = [str(u) for u in units.get(county_id, [])] or [NULL]
            letter_sum = code_value // 10 + (code_value % 10) * 9 + 8
            choices.append((township_id, letter, letter_sum, county_name + name, unit_ids))
            weights.append(weight / len(by_county[code]))
    return choices, weights


def _generate(rng, n, first_id, places, taken, counters) -> tuple[list[str], list[tuple[int, int]]]:
    """COPY lines of RESERVIST_COLUMNS, and (id, retirement day ordinal) per person for the history."""
    choices, weights = places
    picked = rng.choices(choices, weights=weights, k=n)
    today = datetime.date.today().toordinal()
    iso = {o: datetime.date.fromordinal(o).isoformat() for o in range(today - 61 * 366, today + 1)}
    names = [
        a + b + c
        for a, b, c in zip(
            rng.choices(SURNAMES, weights=SURNAME_WEIGHTS, k=n),
            rng.choices(GIVEN, k=n),
            rng.choices(GIVEN, k=n),
            strict=True,
        )
    ]
    ranks = rng.choices(RANKS, weights=RANK_WEIGHTS, k=n)
    branches = rng.choices(BRANCHES, weights=BRANCH_WEIGHTS, k=n)
    specialties = rng.choices(SPECIALTIES, k=n)
    now = datetime.datetime.now(datetime.UTC).isoformat()
    high, low = _id_tables()
    lines: list[str] = []
    people: list[tuple[int, int]] = []
    random_ = rng.random
    for i in range(n):
        township_id, letter, letter_sum, place, unit_ids = picked[i]
        while True:
            seq = counters[letter]
            counters[letter] = seq + 1
            # a bijection of 0..9,999,999, offset per letter, so IDs look random but never repeat
            number = (seq * 7_919_113 + letter_sum * 104_729) % 10_000_000
            national_id = (
                f"{letter}1{number:07d}{(10 - (letter_sum + high[number // 10000] + low[number % 10000]) % 10) % 10}"
            )
            if not taken or national_id not in taken:
                break
        age_days = int(365.25 * (20 + 40 * random_()))
        birth = today - age_days
        retirement = today - int(min(5479, age_days - 6940) * random_())
        pk = first_id + i
        unit = unit_ids[i % len(unit_ids)] if i % 10 else NULL
        lines.append(
            f"{pk}\t{national_id}\t{names[i]}\t{iso[birth]}\t{'replacement' if i % 9 == 0 else 'reservist'}\t"
            f"{branches[i]}\t{ranks[i]}\t{specialties[i]}\t{iso[retirement]}\t{township_id}\t"
            f"{place}中正路{i % 300 + 1}號\t09{(i * 7_654_321) % 100_000_000:08d}\t\t\t\t"
            f"{unit}\t{'emigrated' if i % 97 == 0 else 'active'}\t{now}\t{now}\n"
        )
        people.append((pk, retirement))
    return lines, people


def _history(rng, people) -> tuple[list[str], list[str]]:
    today = datetime.date.today().toordinal()
    iso = {o: datetime.date.fromordinal(o).isoformat() for o in range(today - 61 * 366, today + 1)}
    now = datetime.datetime.now(datetime.UTC).isoformat()
    n = len(people)
    counts = rng.choices(SERVICE_COUNTS, weights=SERVICE_COUNT_WEIGHTS, k=n)
    types = rng.choices(SERVICE_TYPES, weights=SERVICE_TYPE_WEIGHTS, k=sum(counts))
    spans = {str(t): SERVICE_DAYS[str(t)] for t in SERVICE_TYPES}
    services: list[str] = []
    k = 0
    random_ = rng.random
    tail = f"\timported\tdemo\t{now}\t{now}\n"
    for (pk, retirement), how_many in zip(people, counts, strict=True):
        span = today - retirement - 30
        if span <= 0 or not how_many:
            k += how_many
            continue
        for kind in types[k : k + how_many]:
            kind = str(kind)
            low, high = spans[kind]
            days = low + int((high - low + 1) * random_())
            services.append(f"{pk}\t{kind}\t{iso[retirement + 30 + int(span * random_())]}\t{days}{tail}")
        k += how_many
    grants: list[str] = []
    art29 = GrantBasis.for_kind("successive")
    art30 = GrantBasis.for_kind("later")
    for pk, _retirement in rng.sample(people, k=max(0, round(n * 0.03))):
        successive = random_() < 0.6
        start = today - int(3 * 365 * random_())
        until = (
            datetime.date.fromordinal(start + 365 * (1 + int(4 * random_()))).isoformat() if random_() < 0.8 else "\\N"
        )
        grants.append(
            f"{pk}\t{'successive' if successive else 'later'}\t{rng.choice(art29 if successive else art30)}\t"
            f"{iso[start]}\t{until}\tdemo\tdemo\t{now}\t{now}\n"
        )
    return services, grants


@contextmanager
def _indexes_dropped(cursor, table: str, rows: int):
    """Loading many rows: drop the table's secondary indexes and build them afterwards (sorting once is
    far faster than a million random B-tree inserts). DDL is transactional: a failure restores them."""
    if rows < 200_000:
        yield
        return
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), c.conname "
        "FROM pg_index i LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid "
        "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary",
        [table],
    )
    indexes = cursor.fetchall()
    for name, _definition, constraint in indexes:
        if constraint:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{constraint}"')
        else:
            cursor.execute(f"DROP INDEX {name}")
    yield
    for name, definition, constraint in indexes:
        cursor.execute(definition)
        if constraint:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{constraint}" UNIQUE USING INDEX {name}')


def _copy(raw_cursor, table, columns, lines) -> None:
    raw_cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", io.StringIO("".join(lines)))
