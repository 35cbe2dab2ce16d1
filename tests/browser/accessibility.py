"""axe-core in the page (the axe-playwright-python package ships axe.min.js; nothing is fetched)."""

from axe_playwright_python.sync_playwright import Axe

BLOCKING = {"serious", "critical"}
_axe = Axe()


def assert_accessible(page, label: str = "") -> None:
    """No serious or critical axe-core violation on the page as it stands."""
    results = _axe.run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in BLOCKING]
    details = [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in bad]
    assert not bad, f"accessibility violations on {label or page.url}: {details}"
