"""Site settings read from ``mkdocs.yml``: the site's name and URL, and ours under ``extra.statusgen``.

Read as plain YAML (unknown tags such as ``!!python/name`` are tolerated), so the
core does not depend on MkDocs to know what to build.

    extra:
      statusgen:
        uptime: {days: 90, major_weight: 1.0, partial_weight: 0.3}
        history_page_size: 30
        internal: {site_name: "Acme Internal", site_url: "https://internal.example.com/"}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import StatusgenError
from .uptime import Weights


class _TolerantLoader(yaml.SafeLoader):
    pass


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)


@dataclass(frozen=True)
class Settings:
    site_name: str = "Status"
    site_url: str | None = None
    site_description: str | None = None
    uptime_days: int = 90
    weights: Weights = field(default_factory=Weights)
    history_page_size: int = 30
    internal_name: str | None = None
    internal_url: str | None = None
    #: the whole mkdocs.yml, for the renderer to start from
    raw: dict[str, Any] = field(default_factory=dict)


def load_settings(root: Path) -> Settings:
    path = root / "mkdocs.yml"
    if not path.is_file():
        raise StatusgenError(f"mkdocs.yml:1:1: error: no mkdocs.yml in {root}: it names the site and its theme")
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_TolerantLoader) or {}
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{mark.line + 1}:{mark.column + 1}" if mark else "1:1"
        raise StatusgenError(f"mkdocs.yml:{where}: error: YAML syntax error: {exc.problem}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise StatusgenError(f"mkdocs.yml:1:1: error: cannot read: {' '.join(str(exc).split())}") from None
    if not isinstance(raw, dict):
        raise StatusgenError("mkdocs.yml:1:1: error: expected a mapping of settings")
    ours = ((raw.get("extra") or {}).get("statusgen") or {})
    uptime = ours.get("uptime") or {}
    internal = ours.get("internal") or {}
    try:
        weights = Weights(major=float(uptime.get("major_weight", 1.0)), partial=float(uptime.get("partial_weight", 0.3)))
        days = int(uptime.get("days", 90))
        page_size = int(ours.get("history_page_size", 30))
    except (TypeError, ValueError) as exc:
        raise StatusgenError(f"mkdocs.yml:1:1: error: invalid extra.statusgen setting: {exc}") from None
    if not (0 <= weights.partial <= 1 and 0 <= weights.major <= 1 and days > 0 and page_size > 0):
        raise StatusgenError("mkdocs.yml:1:1: error: extra.statusgen: weights must be within 0..1, "
                             "days and history_page_size positive")
    site_url = raw.get("site_url") or None
    if site_url and not str(site_url).endswith("/"):
        site_url = f"{site_url}/"
    return Settings(
        site_name=str(raw.get("site_name") or "Status"), site_url=site_url,
        site_description=raw.get("site_description"), uptime_days=days, weights=weights,
        history_page_size=page_size, internal_name=internal.get("site_name"), internal_url=internal.get("site_url"),
        raw=raw)
