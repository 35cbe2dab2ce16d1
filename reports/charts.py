"""Server-side SVG charts: the same markup shows on the page and in the PDF, with no JavaScript.

Every function returns a `SafeString` of SVG; labels are escaped here. Sizes are in SVG user units and the
charts scale to their container (width 100%).
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from django.utils.safestring import SafeString, mark_safe

from cip import geo

FONT = "Noto Sans CJK TC, Noto Sans TC, sans-serif"
COLOURS = {"ok": "#1e7b34", "warn": "#d69e2e", "bad": "#b42318", "": "#1f4e79", "none": "#d5dbe2"}


def _num(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def _svg(width: float, height: float, body: list[str], title: str = "") -> SafeString:
    label = f"<title>{escape(title)}</title>" if title else ""
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="100%" role="img" font-family="{FONT}" font-size="11">{label}{"".join(body)}</svg>'
    )


def bar_chart(
    items: list[tuple[str, float]],
    *,
    title: str = "",
    unit: str = "",
    width: int = 400,
    max_bars: int = 12,
    status: list[str] | None = None,
) -> SafeString:
    """Horizontal bars, largest first as given; at most `max_bars` (the caller folds the rest into "others")."""
    items = list(items)[:max_bars]
    if not items:
        return _svg(width, 24, [f'<text x="0" y="16" fill="#5b6775">{escape("—")}</text>'], title)
    bar_h, gap, label_w, value_w = 16, 5, 120, 70
    top = 4
    height = top + len(items) * (bar_h + gap)
    biggest = max((v or 0) for _label, v in items) or 1
    span = width - label_w - value_w
    body = []
    for i, (label, value) in enumerate(items):
        y = top + i * (bar_h + gap)
        length = max(0.0, (value or 0) / biggest * span)
        colour = COLOURS.get((status or [""] * len(items))[i] or "", COLOURS[""])
        text = escape(str(label))
        if len(str(label)) > 16:
            text = escape(str(label)[:15] + "…")
        body.append(f'<text x="{label_w - 6}" y="{y + 12}" text-anchor="end">{text}</text>')
        body.append(f'<rect x="{label_w}" y="{y}" width="{length:.1f}" height="{bar_h}" fill="{colour}" rx="2"/>')
        body.append(f'<text x="{label_w + length + 4:.1f}" y="{y + 12}">{_num(value)}{escape(unit)}</text>')
    return _svg(width, height, body, title)


def share_bar(value: float | None, *, target: float = 1.0, status: str = "", width: int = 520) -> SafeString:
    """One bar against a target line: a fill rate, a strength against establishment."""
    body = [f'<rect x="0" y="4" width="{width - 60}" height="14" fill="{COLOURS["none"]}" rx="2"/>']
    if value is not None:
        span = width - 60
        scale = max(target, value, 1.0)
        body.append(
            f'<rect x="0" y="4" width="{min(value, scale) / scale * span:.1f}" height="14" '
            f'fill="{COLOURS.get(status, COLOURS[""])}" rx="2"/>'
        )
        tx = target / scale * span
        body.append(f'<line x1="{tx:.1f}" y1="0" x2="{tx:.1f}" y2="22" stroke="#111" stroke-width="1.5"/>')
    body.append(f'<text x="{width - 54}" y="16">{"—" if value is None else f"{value * 100:.1f}%"}</text>')
    return _svg(width, 22, body)


RISK_COLOURS = ("#b7dfc0", "#fbe3a0", "#f6b26b", "#e06666")  # low, medium, high, critical


def risk_matrix(
    cells: dict[str, int],
    *,
    size: int = 5,
    thresholds: tuple[int, int, int] = (5, 10, 17),
    likelihood_label: str = "",
    impact_label: str = "",
) -> SafeString:
    """A likelihood x impact grid; `cells` maps "likelihood,impact" (1-based) to a count of assets.

    `thresholds` are the scores (likelihood x impact) from which a cell is medium, high and critical."""
    cell, left, bottom = 40, 24, 24
    width = left + size * cell + 4
    height = size * cell + bottom + 4
    body = []
    for likelihood in range(1, size + 1):
        for impact in range(1, size + 1):
            x = left + (impact - 1) * cell
            y = (size - likelihood) * cell
            score = likelihood * impact
            colour = RISK_COLOURS[sum(score >= t for t in thresholds)]
            count = cells.get(f"{likelihood},{impact}", 0)
            body.append(f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" fill="{colour}" stroke="#fff"/>')
            if count:
                body.append(
                    f'<text x="{x + cell / 2}" y="{y + cell / 2 + 4}" text-anchor="middle" font-weight="bold">'
                    f"{count}</text>"
                )
        ly = (size - likelihood) * cell + cell / 2 + 4
        body.append(f'<text x="{left - 6}" y="{ly}" text-anchor="end">{likelihood}</text>')
    for impact in range(1, size + 1):
        ix = left + (impact - 1) * cell + cell / 2
        body.append(f'<text x="{ix}" y="{size * cell + 14}" text-anchor="middle">{impact}</text>')
    if impact_label:
        mx = left + size * cell / 2
        body.append(f'<text x="{mx}" y="{size * cell + bottom}" text-anchor="middle">{escape(impact_label)}</text>')
    if likelihood_label:
        body.append(f'<text x="2" y="10" font-size="9">{escape(likelihood_label)}</text>')
    return _svg(width, height, body)


# ----- the county map ----------------------------------------------------------------------------------


def county_map(
    values: dict[str, float | None],
    names: dict[str, str],
    *,
    title: str = "",
    percent: bool = False,
) -> SafeString:
    """Taiwan's counties coloured by an indicator (county code -> number), drawn by cip.geo's tile map."""
    shown = {
        code: ("—" if value is None else (f"{value * 100:.0f}%" if percent else _num(value)))
        for code, value in values.items()
    }
    present = {code: value for code, value in values.items() if value is not None}
    return mark_safe(geo.render_county_map(present, title=title, labels=shown))
