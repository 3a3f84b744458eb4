"""The value types of settings: text a page can show, absolute URLs, weights, and closed blocks.

Shared by the settings model (``generator.settings``) and the notification channels
(``generator.settings.channels``), so each rule is written once.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, Strict
from pydantic_core import PydanticCustomError

#: What an absolute URL may hold: RFC 3986's ASCII characters, no space or quote.
_URL_CHARS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")


def _printable(value: str) -> str:
    """One line of text a page, a feed and a badge can all carry."""
    for char in value:
        code = ord(char)
        if unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp") or 0xFDD0 <= code <= 0xFDEF \
                or code & 0xFFFE == 0xFFFE:
            raise PydanticCustomError("control_character", "contains the character U+{code}, which a page or "
                                      "feed cannot show; remove it", {"code": f"{code:04X}"})
    if not value.strip():
        raise PydanticCustomError("string_too_short", "must not be empty")
    return value


def _absolute_url(value: str) -> str:
    """An absolute http(s) address ending in ``/``: feeds and the API build links by appending to it."""
    problem = None
    if not _URL_CHARS.fullmatch(value):
        problem = "must be an absolute http(s) URL of printable ASCII, without spaces (write '%20')"
    else:
        parts = urlsplit(value)
        try:
            parts.port
        except ValueError:
            problem = "has an invalid port"
        if problem is None and (parts.scheme not in ("http", "https") or not parts.hostname):
            problem = "must be an absolute http(s) URL, like https://status.example.com/"
        elif problem is None and (parts.query or parts.fragment or "?" in value or "#" in value):
            problem = "must not have a '?query' or '#fragment'"
    if problem:
        # pydantic fills '{name}' in a message with the context's value as it is: no format specs, so quote here
        raise PydanticCustomError("url", "{value} {problem}", {"value": repr(value[:80]), "problem": problem})
    return value if value.endswith("/") else value + "/"


Text = Annotated[str, Strict(), AfterValidator(_printable)]
Url = Annotated[str, Strict(), AfterValidator(_absolute_url)]
Weight = Annotated[float, Strict(), Field(ge=0, le=1, allow_inf_nan=False)]


class Closed(BaseModel):
    """A settings block: unknown keys are errors at their line, values frozen once read."""

    model_config = ConfigDict(extra="forbid", frozen=True)
