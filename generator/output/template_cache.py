"""Templates compiled once: the theme's, whatever folder it was copied to for a build, and statusgen's own.

Every build copies the theme into a fresh scratch folder (``prepare_theme``), so Jinja's own keys
(template name and file name) never repeat: MkDocs compiled Material's templates anew on every build,
and compiling them and statusgen's page templates was a tenth of each site's rendering (0.3-0.4 s of
CPU per site). Here the key is the template's name, its source and everything else its compiled code
depends on: the same key gives the same code, so the output cannot change, and changed source is
compiled again.

Compiled templates are kept in memory for the process (statusgen serve rebuilds in it) and, as
Python keeps ``.pyc`` files, in the user's cache folder for the next build
(``$XDG_CACHE_HOME/statusgen/templates/``, else ``~/.cache/...``). Each file holds the SHA-256 digest of
the code after it. A cache folder that is missing, not the user's own, writable by others or unwritable,
and a file whose digest does not match, are passed over: the template is compiled as if there were no
cache, never an error.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import marshal
import os
import pickle
import stat
import sys
import tempfile
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket

#: What a compiled template depends on besides its source and the environment: Jinja's code generator and
#: Python's bytecode. Part of the folder name, so that versions never share files.
CODE_VERSION = f"jinja-{jinja2.__version__}-py{sys.version_info.major}.{sys.version_info.minor}"
#: What reading a compiled template that is not Jinja's raises (its header, its source checksum, its code).
_DAMAGED = (ValueError, EOFError, TypeError, pickle.UnpicklingError)


class SourceKeyedCache(jinja2.BytecodeCache):
    """Compiled templates keyed by name and source (never by the folder they were read from): in memory,
    and in ``folder`` when there is one."""

    def __init__(self, folder: Path | None = None) -> None:
        self._code: dict[str, bytes] = {}
        self.folder = folder

    def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None, source: str) -> Bucket:
        key = hashlib.sha256(f"{name}\0{_settings(environment, name)}\0{source}".encode()).hexdigest()
        bucket = Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is None and self.folder is not None:
            code = _read(self.folder / bucket.key)
        if code is None:
            return
        try:
            bucket.bytecode_from_string(code)
        except _DAMAGED:  # cannot happen to a file whose digest matched, unless Jinja changed its format
            bucket.reset()
            return
        self._code[bucket.key] = code

    def dump_bytecode(self, bucket: Bucket) -> None:
        code = bucket.bytecode_to_string()
        self._code[bucket.key] = code
        if self.folder is not None:
            _write(self.folder / bucket.key, hashlib.sha256(code).digest() + code)


def _read(path: Path) -> bytes | None:
    """The compiled template in ``path`` if its digest says it is whole and unchanged: a damaged file would
    otherwise be run as it is, or change what a page says."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    digest, code = data[:32], data[32:]
    return code if len(digest) == 32 and hashlib.sha256(code).digest() == digest else None


def _write(path: Path, data: bytes) -> None:
    """``data`` into ``path`` whole or not at all (a temporary file renamed), so that a build reading the
    file meanwhile never sees half of it; a failure leaves the cache as it was."""
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def cache_folder() -> Path | None:
    """This user's folder of compiled templates, made if need be; None where there is none fit to use."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    try:
        home = Path(base) if os.path.isabs(base) else Path.home() / ".cache"  # the XDG rule: relative is unset
    except RuntimeError:  # no home directory
        return None
    folder = home / "statusgen" / "templates" / CODE_VERSION
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.stat(folder, follow_symlinks=False)
    except OSError:
        return None
    own = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    if not stat.S_ISDIR(info.st_mode) or not own or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return None  # another user could put code in it
    return folder


def _settings(environment: jinja2.Environment, name: str) -> str:
    """What else the compiled code depends on: the environment's syntax, extensions, escaping (for this
    template, when it depends on the name) and whether and how output is finalized."""
    autoescape = environment.autoescape(name) if callable(environment.autoescape) else environment.autoescape
    finalize = environment.finalize
    return repr((sorted(environment.extensions), environment.block_start_string, environment.block_end_string,
                 environment.variable_start_string, environment.variable_end_string,
                 environment.comment_start_string, environment.comment_end_string, environment.line_statement_prefix,
                 environment.line_comment_prefix, environment.trim_blocks, environment.lstrip_blocks,
                 environment.newline_sequence, environment.keep_trailing_newline, environment.optimized,
                 bool(autoescape), finalize is not None, repr(getattr(finalize, "jinja_pass_arg", None)),
                 environment.is_async, marshal.version))


@functools.cache
def template_cache() -> SourceKeyedCache:
    """The one cache of this process, in the user's cache folder when there is one fit to use (looked for
    on first use, not on import)."""
    return SourceKeyedCache(cache_folder())
