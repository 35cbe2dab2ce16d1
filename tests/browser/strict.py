"""Checks every browser journey makes on every page it opens, whatever the journey is about:

- no console error and no uncaught script error;
- no Content Security Policy violation;
- in a zh-Hant page, no untranslated English text (words of Latin letters with a lower-case letter, outside an
  allow-list of names and codes and outside elements marked translate="no", <code> or <kbd>);
- a page of ours loads in under PAGE_BUDGET_MS on the demo data (navigation start to load event).

A journey that trips one of them fails at its end with every finding, each naming the page."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

PAGE_BUDGET_MS = int(os.environ.get("BROWSER_PAGE_BUDGET_MS", "1000"))

# Words that are the same in every language: product and standard names, file types, Latin names people and
# organisations register under. Codes in capitals (TW-NWT, PDF, A123…) are never flagged.
ALLOWED_WORDS = {
    "English",  # the language switcher names its language in that language
    "Email",
    "e-mail",
    "mail",
    "Chromium",
    "Playwright",
    "Noto",
    "Sans",
    "TC",
    "ReDoc",
    "Swagger",
    "OpenAPI",
    "FIDO",
    "FidO",
    "Excel",
    "LINE",
    "http",
    "https",
    "www",
    "gov",
    "tw",
    "com",
    "org",
    "localhost",
}
# A word of Latin letters with at least one lower-case letter, not part of a path, address or file name.
WORD = re.compile(r"(?<![\w@./:-])[A-Za-z][A-Za-z'’-]*[a-z][A-Za-z'’-]*(?![\w@/]|\.\w)")

# The text a reader sees, without what is marked as not to translate, code and hidden elements.
VISIBLE_TEXT = """() => {
  const skip = el => el.closest('[translate="no"], code, kbd, script, style, noscript, [hidden], .sr-only-code');
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const parts = [];
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!el || skip(el)) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    parts.push(node.textContent);
  }
  for (const el of document.querySelectorAll('input[placeholder], textarea[placeholder]')) {
    if (!skip(el)) parts.push(el.getAttribute('placeholder'));
  }
  for (const el of document.querySelectorAll('[title], [aria-label]')) {
    if (!skip(el)) parts.push((el.getAttribute('title') || '') + ' ' + (el.getAttribute('aria-label') || ''));
  }
  return parts.join(' ');
}"""

# From navigation start to the last byte of the page (what the server and the network cost).
LOAD_TIME = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  return nav && nav.responseEnd > 0 ? nav.responseEnd - nav.startTime : null;
}"""
FETCH_TIME = """async (url) => {
  const start = performance.now();
  const response = await fetch(url, {credentials: 'same-origin'});
  await response.text();
  return performance.now() - start;
}"""


def untranslated_words(text: str, allowed: frozenset = frozenset()) -> list[str]:
    """Each untranslated word with a little of the text around it, so the finding says where it is."""
    found = []
    for match in WORD.finditer(text):
        word = match.group(0)
        bare = word.strip("'’-")
        if "-" in bare.strip("-") and bare.lower() != "e-mail":
            continue  # a login name or code (t-agency-a), not prose
        if len(bare) < 3 or bare in ALLOWED_WORDS or bare.lower() in ALLOWED_WORDS or bare in allowed:
            continue
        around = " ".join(text[max(0, match.start() - 20) : match.end() + 20].split())
        found.append(f"{bare} «{around}»")
    return found


@dataclass
class Watch:
    base_url: str
    findings: list[str] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    check_language: bool = True
    allowed: set = field(default_factory=set)  # more names for this journey: its people's login names

    def attach(self, page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.findings.append(f"{page.url}: script error: {exc}"))
        page.on("load", lambda: self._loaded(page))
        page.on("response", self._response)

    def _response(self, response) -> None:
        # A page answering 400 or 403 is a refusal the journey may mean to see; a stylesheet, script, image or
        # icon of ours that fails is a broken page.
        kind = response.request.resource_type
        if response.status >= 400 and kind not in ("document", "fetch") and response.url.startswith(self.base_url):
            self.findings.append(f"{response.url}: a {kind} answered {response.status}")

    def _console(self, msg) -> None:
        if "Content Security Policy" in msg.text:
            self.findings.append(f"CSP violation: {msg.text[:200]}")
        elif msg.type == "error" and not msg.text.startswith("Failed to load resource"):
            location = msg.location.get("url", "") if msg.location else ""
            self.findings.append(f"console error at {location}: {msg.text[:200]}")

    def _loaded(self, page) -> None:
        url = page.url
        if not url.startswith(self.base_url):
            return
        try:
            self.check_page(page)
        except Exception as exc:  # the page navigated away while being read: the next load checks it
            if "context was destroyed" not in str(exc) and "navigat" not in str(exc):
                raise

    def check_page(self, page) -> None:
        url = page.url
        self.pages.append(url)
        content_type = page.evaluate("() => document.contentType")
        if content_type != "text/html":
            return
        elapsed = page.evaluate(LOAD_TIME)
        if elapsed is not None and elapsed > PAGE_BUDGET_MS:
            # Once more before calling it slow: a first request that warms a cache or meets a busy machine is
            # not the page's speed. A page slow twice is.
            again = self._timed_fetch(page, url)
            if again > PAGE_BUDGET_MS:
                budget = PAGE_BUDGET_MS
                self.findings.append(f"{url}: answered in {elapsed:.0f} and {again:.0f} ms (budget {budget} ms)")
        lang = page.evaluate("() => document.documentElement.lang") or ""
        if self.check_language and lang.lower().startswith("zh"):
            words = untranslated_words(page.evaluate(VISIBLE_TEXT), frozenset(self.allowed))
            if words:
                self.findings.append(f"{url}: untranslated text in a zh page: {sorted(set(words))[:8]}")

    def _timed_fetch(self, page, url: str) -> float:
        if "#" in url:
            url = url.split("#", 1)[0]
        return page.evaluate(FETCH_TIME, url)

    def assert_clean(self) -> None:
        assert not self.findings, "\n".join(self.findings[:40])
