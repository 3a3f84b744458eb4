"""Theme templates compiled once per process, whatever folder the theme was copied to for a build.

Every build copies the theme into a fresh scratch folder (``prepare_theme``), so Jinja's own keys
(template name and file name) never repeat, and MkDocs compiled Material's templates anew on every
rebuild of ``statusgen serve``. Here the key is the template's name and its source's checksum: the
same source gives the same code, so the output cannot change; changed source is compiled again.
"""

from __future__ import annotations

import hashlib

import jinja2
from jinja2.bccache import Bucket


class SourceKeyedCache(jinja2.BytecodeCache):
    """Compiled templates in memory, keyed by name and source (never by the folder they were read from)."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return name

    def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None, source: str) -> Bucket:
        key = hashlib.sha1(f"{name}\0{_settings(environment)}\0{source}".encode()).hexdigest()
        bucket = Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


def _settings(environment: jinja2.Environment) -> str:
    """What else the compiled code depends on: the environment's syntax, extensions and escaping."""
    return repr((sorted(environment.extensions), environment.block_start_string, environment.block_end_string,
                 environment.variable_start_string, environment.variable_end_string,
                 environment.comment_start_string, environment.comment_end_string, environment.line_statement_prefix,
                 environment.line_comment_prefix, environment.trim_blocks, environment.lstrip_blocks,
                 environment.newline_sequence, environment.keep_trailing_newline, environment.optimized,
                 environment.autoescape if isinstance(environment.autoescape, bool) else id(environment.autoescape)))


#: The one cache of this process.
TEMPLATE_CACHE = SourceKeyedCache()
