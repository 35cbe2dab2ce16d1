"""A schematic map of Taiwan's 22 counties, drawn as SVG on the server from data shipped here.

A tile-grid cartogram: one equal square per county, placed roughly where it lies (the outlying islands
Kinmen, Lienchiang and Penghu in a column to the west). No tile server, no network, no JavaScript.
Any app can colour it: `render_county_map({"TW-TPE": 12, ...})` returns an SVG string.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from html import escape

from django.utils.translation import get_language


@dataclass(frozen=True)
class CountyTile:
    code: str  # ISO 3166-2:TW, as core.Region.code
    name_zh: str
    name_en: str
    col: int
    row: int
    lon: float  # approximate centre, for anyone who wants real coordinates
    lat: float

    @property
    def short_zh(self) -> str:
        # 新竹市/新竹縣 and 嘉義市/嘉義縣 share their first two characters: use the usual 竹市, 竹縣...
        return SHORT_ZH.get(self.code, self.name_zh[:2])

    @property
    def short_en(self) -> str:
        return self.code.removeprefix("TW-")


SHORT_ZH = {"TW-HSZ": "竹市", "TW-HSQ": "竹縣", "TW-CYI": "嘉市", "TW-CYQ": "嘉縣"}

COUNTIES: tuple[CountyTile, ...] = (
    CountyTile("TW-LIE", "連江縣", "Lienchiang County", 0, 0, 119.95, 26.16),
    CountyTile("TW-TPE", "臺北市", "Taipei City", 4, 0, 121.56, 25.05),
    CountyTile("TW-KEE", "基隆市", "Keelung City", 5, 0, 121.74, 25.13),
    CountyTile("TW-TAO", "桃園市", "Taoyuan City", 3, 1, 121.30, 24.99),
    CountyTile("TW-NWT", "新北市", "New Taipei City", 4, 1, 121.46, 25.01),
    CountyTile("TW-KIN", "金門縣", "Kinmen County", 0, 2, 118.32, 24.44),
    CountyTile("TW-HSZ", "新竹市", "Hsinchu City", 2, 2, 120.97, 24.80),
    CountyTile("TW-HSQ", "新竹縣", "Hsinchu County", 3, 2, 121.11, 24.70),
    CountyTile("TW-ILA", "宜蘭縣", "Yilan County", 4, 2, 121.75, 24.70),
    CountyTile("TW-MIA", "苗栗縣", "Miaoli County", 2, 3, 120.82, 24.49),
    CountyTile("TW-TXG", "臺中市", "Taichung City", 3, 3, 120.68, 24.15),
    CountyTile("TW-CHA", "彰化縣", "Changhua County", 2, 4, 120.52, 24.07),
    CountyTile("TW-NAN", "南投縣", "Nantou County", 3, 4, 120.97, 23.84),
    CountyTile("TW-HUA", "花蓮縣", "Hualien County", 4, 4, 121.60, 23.99),
    CountyTile("TW-PEN", "澎湖縣", "Penghu County", 0, 5, 119.58, 23.57),
    CountyTile("TW-YUN", "雲林縣", "Yunlin County", 2, 5, 120.43, 23.71),
    CountyTile("TW-CYI", "嘉義市", "Chiayi City", 2, 6, 120.45, 23.48),
    CountyTile("TW-CYQ", "嘉義縣", "Chiayi County", 3, 6, 120.57, 23.46),
    CountyTile("TW-TTT", "臺東縣", "Taitung County", 4, 6, 121.15, 22.76),
    CountyTile("TW-TNN", "臺南市", "Tainan City", 2, 7, 120.23, 23.00),
    CountyTile("TW-KHH", "高雄市", "Kaohsiung City", 3, 7, 120.31, 22.63),
    CountyTile("TW-PIF", "屏東縣", "Pingtung County", 3, 8, 120.55, 22.55),
)
BY_CODE = {tile.code: tile for tile in COUNTIES}

# Five sequential classes, light to dark (colour-blind safe blues); "no data" is a neutral grey.
PALETTE = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
NO_DATA = "#f0f0f0"
TILE = 64
GAP = 4
MARGIN = 8


def colour_for(value: float | None, maximum: float, palette: tuple[str, ...] = PALETTE) -> str:
    """The class colour of `value`: zero gets the lightest, the maximum the darkest."""
    if value is None:
        return NO_DATA
    if value <= 0 or maximum <= 0:
        return palette[0]
    ratio = min(1.0, float(value) / maximum)
    return palette[1 + min(len(palette) - 2, int(ratio * (len(palette) - 1) - 1e-9))]


def _text_colour(fill: str) -> str:
    return "#ffffff" if fill in PALETTE[3:] else "#1a1a1a"


def render_county_map(
    values: Mapping[str, float | int],
    *,
    title: str = "",
    labels: Mapping[str, str] | None = None,
    href: Callable[[str], str] | Mapping[str, str] | None = None,
    palette: tuple[str, ...] = PALETTE,
    english: bool | None = None,
) -> str:
    """An SVG map with each county tile coloured by `values[code]` (missing codes: no data).

    `labels` overrides the number shown under a county's name; `href` (a mapping or a function of the
    code) makes a tile a link. All text is escaped, so the result can be marked safe in a template.
    """
    if english is None:
        english = (get_language() or "").lower().startswith("en")
    maximum = max((float(v) for v in values.values() if v is not None), default=0.0)
    cols = max(t.col for t in COUNTIES) + 1
    rows = max(t.row for t in COUNTIES) + 1
    width = MARGIN * 2 + cols * (TILE + GAP)
    height = MARGIN * 2 + rows * (TILE + GAP)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}"'
        f' role="img" class="county-map" aria-label="{escape(title)}">'
    ]
    if title:
        parts.append(f"<title>{escape(title)}</title>")
    for tile in COUNTIES:
        value = values.get(tile.code)
        fill = colour_for(value, maximum, palette)
        x = MARGIN + tile.col * (TILE + GAP)
        y = MARGIN + tile.row * (TILE + GAP)
        name = tile.name_en if english else tile.name_zh
        short = tile.short_en if english else tile.short_zh
        shown = (labels or {}).get(tile.code, "" if value is None else _number(value))
        link = href(tile.code) if callable(href) else (href or {}).get(tile.code)
        cell = [
            f'<g class="county" data-code="{tile.code}" data-value="{"" if value is None else escape(str(value))}">',
            f"<title>{escape(name)}: {escape(shown or '-')}</title>",
            f'<rect x="{x}" y="{y}" width="{TILE}" height="{TILE}" rx="6" fill="{fill}" stroke="#5a5a5a"'
            ' stroke-width="1"/>',
            f'<text x="{x + TILE / 2}" y="{y + 24}" text-anchor="middle" font-size="14"'
            f' fill="{_text_colour(fill)}">{escape(short)}</text>',
            f'<text x="{x + TILE / 2}" y="{y + 46}" text-anchor="middle" font-size="16" font-weight="bold"'
            f' fill="{_text_colour(fill)}">{escape(shown)}</text>',
            "</g>",
        ]
        if link:
            cell = [f'<a href="{escape(link)}">', *cell, "</a>"]
        parts.extend(cell)
    parts.append("</svg>")
    return "".join(parts)


def _number(value) -> str:
    return str(int(value)) if float(value).is_integer() else f"{float(value):.1f}"


# ----- assets at their coordinates -----------------------------------------------------------------
# A simplified outline of Taiwan's main island (about 50 km resolution, drawn for this map: not a survey line)
# and the outlying island groups as small discs. Equirectangular projection, longitude scaled by cos(24°).

ISLAND_OUTLINE = (
    (121.00, 25.05),
    (121.15, 25.12),
    (121.40, 25.25),
    (121.54, 25.30),
    (121.74, 25.16),
    (121.92, 25.13),
    (121.93, 25.01),
    (121.83, 24.84),
    (121.86, 24.58),
    (121.70, 24.30),
    (121.62, 24.05),
    (121.50, 23.70),
    (121.43, 23.40),
    (121.37, 23.10),
    (121.20, 22.85),
    (121.00, 22.60),
    (120.88, 22.30),
    (120.86, 21.92),
    (120.74, 21.93),
    (120.70, 22.10),
    (120.62, 22.30),
    (120.45, 22.48),
    (120.27, 22.58),
    (120.18, 22.80),
    (120.10, 23.05),
    (120.08, 23.30),
    (120.14, 23.55),
    (120.20, 23.80),
    (120.35, 24.10),
    (120.50, 24.30),
    (120.62, 24.50),
    (120.75, 24.70),
    (120.90, 24.85),
)
OUTLYING = {"TW-PEN": (119.58, 23.57, 0.12), "TW-KIN": (118.35, 24.44, 0.10), "TW-LIE": (119.95, 26.16, 0.08)}
WEST, EAST, SOUTH, NORTH = 118.1, 122.1, 21.8, 26.4
PX_PER_DEG = 130.0
LAT_STRETCH = 1 / 0.9135  # 1 / cos(24°)
RISK_COLOURS = {"high": "#b42318", "medium": "#b7791f", "low": "#1e7b34", "": "#5b6775"}


def project(lon: float, lat: float) -> tuple[float, float]:
    return (
        round((float(lon) - WEST) * PX_PER_DEG, 1),
        round((NORTH - float(lat)) * PX_PER_DEG * LAT_STRETCH, 1),
    )


def render_asset_map(
    points, *, title: str = "", href: Callable[[int], str] | None = None, english: bool | None = None
) -> str:
    """An SVG of assets at their coordinates over the simplified outline, with county names at their centres.

    `points` are dicts with id, name, latitude, longitude and risk_level. Everything is drawn here from data in
    the repository: no tile server, no network, no script. All text is escaped."""
    if english is None:
        english = (get_language() or "").lower().startswith("en")
    width, height = project(EAST, SOUTH)
    outline = " ".join(f"{x},{y}" for x, y in (project(lon, lat) for lon, lat in ISLAND_OUTLINE))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}"'
        f' role="img" class="asset-map" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>" if title else "",
        f'<polygon class="land" points="{outline}" fill="#eef2f6" stroke="#5a6b7d" stroke-width="1.2"/>',
    ]
    for lon, lat, radius in OUTLYING.values():
        x, y = project(lon, lat)
        parts.append(
            f'<circle class="land" cx="{x}" cy="{y}" r="{radius * PX_PER_DEG}" fill="#eef2f6" stroke="#5a6b7d"/>'
        )
    for tile in COUNTIES:
        x, y = project(tile.lon, tile.lat)
        name = tile.short_en if english else tile.short_zh
        parts.append(
            f'<text class="county-label" x="{x}" y="{y - 6}" text-anchor="middle" font-size="11"'
            f' fill="#8795a5">{escape(name)}</text>'
        )
    for point in points:
        x, y = project(point["longitude"], point["latitude"])
        colour = RISK_COLOURS.get(point.get("risk_level") or "", RISK_COLOURS[""])
        dot = (
            f'<circle class="asset" data-id="{int(point["id"])}" cx="{x}" cy="{y}" r="4.5" fill="{colour}"'
            f' fill-opacity=".85" stroke="#fff" stroke-width="1"><title>{escape(point["name"])}</title></circle>'
        )
        parts.append(f'<a href="{escape(href(point["id"]))}">{dot}</a>' if href else dot)
    parts.append("</svg>")
    return "".join(parts)
