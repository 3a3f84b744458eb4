"""The HTML renderer: MkDocs + Material behind one function, :func:`render_site`.

The core hands over a folder of Markdown pages and the settings; this adapter
writes a derived ``mkdocs.yml`` next to them and runs ``mkdocs build``. Nothing
else in statusgen imports MkDocs, so another renderer that reads ``mkdocs.yml``
(Zensical, say) can replace this module alone.

The derived configuration sets ``not_in_nav`` to keep generated pages out of the
navigation (a full nav makes the build quadratic), ``plugins`` to decide about
search per audience, and ``hooks`` to ``mkdocs_hooks.py``, which checks that MkDocs read
each page's metadata exactly as statusgen wrote it and hands pages that are pure HTML to
the theme without re-parsing them.
"""

from __future__ import annotations

import copy
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from generator.errors import ContentError, StatusgenError
from generator.output.page import expected_path


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(" ".join(record.getMessage().split()))


@contextmanager
def _environment(epoch: int) -> Iterator[_Collect]:
    """SOURCE_DATE_EPOCH for byte-stable output; MkDocs' log collected, not printed."""
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    logger = logging.getLogger("mkdocs")
    handler = _Collect()
    saved = logger.level, logger.propagate, list(logger.handlers)
    logger.handlers = [handler]
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    try:
        yield handler
    finally:
        logger.setLevel(saved[0])
        logger.propagate = saved[1]
        logger.handlers = saved[2]
        if old is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


def derive_config(base: dict[str, Any], root: Path, docs_dir: Path, site_dir: Path, *, site_name: str,
                  site_url: str | None, nav: list[dict[str, str]], search: bool, extra_css: list[str],
                  extra_javascript: list[str], not_in_nav: str, noindex: bool = False,
                  markdown_extensions: list[Any] | None = None) -> dict[str, Any]:
    """The user's mkdocs.yml with what statusgen controls replaced."""
    config = copy.deepcopy(base)
    config.pop("extra", None)
    config.update(site_name=site_name, docs_dir=str(docs_dir), site_dir=str(site_dir), nav=nav,
                  use_directory_urls=True, not_in_nav=not_in_nav, extra_css=extra_css,
                  extra_javascript=extra_javascript, strict=False)
    if site_url:
        config["site_url"] = site_url
    else:
        config.pop("site_url", None)
    theme = config.get("theme") or {"name": "material"}
    if isinstance(theme, str):
        theme = {"name": theme}
    theme.setdefault("name", "material")
    theme["font"] = False  # never load Google Fonts from another host
    if theme.get("custom_dir"):
        theme["custom_dir"] = str((root / theme["custom_dir"]).resolve())
    config["theme"] = theme
    config["plugins"] = ["search"] if search else []
    config["extra"] = {"generator": False, "statusgen_noindex": noindex,
                       "statusgen_pages": str(expected_path(docs_dir))}
    config["hooks"] = [str(Path(__file__).with_name("mkdocs_hooks.py"))]
    if markdown_extensions is not None:
        config["markdown_extensions"] = markdown_extensions
    config.setdefault("markdown_extensions", [])
    return config


def render_site(config: dict[str, Any], config_path: Path, *, strict: bool, epoch: int) -> list[str]:
    """Build one site with MkDocs; returns its warnings, raises on failure (or on warnings when strict)."""
    from mkdocs import exceptions
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config_path.write_text(yaml.safe_dump(config, sort_keys=True, allow_unicode=True), encoding="utf-8")
    with _environment(epoch) as log:
        try:
            loaded = load_config(config_file=str(config_path), strict=strict)
            build(loaded)
        except exceptions.Abort as exc:
            detail = "; ".join(log.messages) or str(exc)
            raise StatusgenError(f"rendering failed: {detail}") from None
        except exceptions.ConfigurationError as exc:
            raise ContentError.at("mkdocs.yml", 1, 1, "mkdocs-config", " ".join(str(exc).split())) from None
        except exceptions.MkDocsException as exc:
            raise StatusgenError(f"rendering failed: {' '.join(str(exc).split())}") from None
    return log.messages
