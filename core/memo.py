"""Values kept for the life of a process: renderings of reference data (regions, choices, which templates exist),
and values under a key that changes whenever their inputs do (core.authz.cache_key changes with any grant change).

Regions are loaded from the data shipped with the code, so their renderings never go stale while a process runs.
A memo is bounded: past `limit` entries it starts over, so per-account keys cannot grow without end.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any


class ProcessMemo:
    def __init__(self, limit: int = 10_000):
        self.limit = limit
        self._values: dict = {}

    def get(self, key: Hashable | None, build: Callable[[], Any]):
        """The value under `key`, built by `build()` the first time. A None key: built every time, not kept."""
        if key is None:
            return build()
        try:
            return self._values[key]
        except KeyError:
            value = build()
            if len(self._values) >= self.limit:
                self._values.clear()
            self._values[key] = value
            return value

    def clear(self) -> None:
        self._values.clear()
