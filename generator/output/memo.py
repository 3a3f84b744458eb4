"""Descriptions kept from the previous build (statusgen serve), reused only when all their inputs are equal.

A long history's pages are mostly unchanged by one edit, yet describing each of them (a Jinja template
over the snapshot's values) was the larger part of a preview's rebuild. A :class:`Memo` keeps, per name
(a page path, a feed entry), the values a pure rendering was given and what it made; the next build
renders again only where the new values differ (``==``, which compares the content models field by
field: dataclasses, pydantic models, lists, dicts). Values whose type compares by identity never equal
a new build's, so they are rendered again: a memo can cost a rendering, never a stale result.

Only renderings that read nothing but their arguments and constant globals may be memoized.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


class Memo:
    """Results of pure renderings, kept across the builds of one process."""

    def __init__(self) -> None:
        self._kept: dict[Any, tuple[Any, Any]] = {}

    def get(self, name: Any, inputs: Any, make: Callable[[], T]) -> T:
        """``make()``, or what it returned last time for ``name`` when ``inputs`` equal that time's."""
        kept = self._kept.get(name)
        if kept is not None and kept[0] == inputs:
            result: T = kept[1]
            return result
        value = make()
        self._kept[name] = (inputs, value)
        return value
