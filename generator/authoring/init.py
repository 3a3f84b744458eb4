"""``statusgen init DIR``: a new site repository that depends on the released package.

The site's files are package data in ``generator/templates/site/`` (so an installed statusgen
carries them): a file ending in ``.j2`` is rendered with Jinja and written without the suffix,
any other file is copied byte for byte; a path part ``dot-NAME`` is written ``.NAME`` (a wheel
leaves hidden files out of package data). ``content/templates/`` and ``content/reference.yml``
there are the one copy of the templates and the reference; this repository's ``content/`` holds
the same bytes (a test keeps them equal).

Nothing from the command line reaches a file unchecked: the site name must be one line of text a
page can show and is inserted only as a YAML double-quoted string (``yaml_quote``), the address
must be a valid ``site_url``. Every value a template inserts must come through ``| yaml`` or be
one of the checked values below: anything else stops the render. The site is written into a
temporary folder beside DIR, validated as ``statusgen validate`` would, and renamed into place
only then, so DIR is either the whole valid site or untouched.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from importlib.metadata import version as package_version
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path, PurePosixPath

import jinja2
from pydantic import TypeAdapter, ValidationError

from generator.authoring import DEFAULT_URL  # noqa: F401 - where it was; the CLI reads it without this module
from generator.authoring.files import clean_text
from generator.content.loader import TEMP_PREFIX, load_content
from generator.content.models import SCHEMAS, json_schema
from generator.content.source import yaml_quote
from generator.errors import ContentError, StatusgenError, UsageError
from generator.settings import check_settings
from generator.settings.fields import Text, Url

#: The package's name on the index, as requirements.txt and the pre-commit hook pin it.
DISTRIBUTION = "statusgen"
TEMPLATE_SUFFIX = ".j2"
DOT_PREFIX = "dot-"
#: Values a site template may insert only as ``{{ NAME | yaml }}``: any text a page can show.
NEEDS_QUOTING = frozenset({"name"})
#: A site name is shown in every page's header and in feeds' titles.
MAX_NAME = 300  # above any folder name (255 bytes), which --yes makes the name from


class Checked(str):
    """A value a site template may insert as it is: YAML-quoted, or checked to need no quoting."""


def site_files() -> Iterator[tuple[PurePosixPath, Traversable]]:
    """Every file of the site template: the path it is written to, and its package-data source."""
    root = files("generator") / "templates" / "site"
    stack: list[tuple[PurePosixPath, Traversable]] = [(PurePosixPath(), root)]
    while stack:
        where, folder = stack.pop()
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.name == "__pycache__":
                continue
            name = "." + entry.name[len(DOT_PREFIX):] if entry.name.startswith(DOT_PREFIX) else entry.name
            if entry.is_dir():
                stack.append((where / name, entry))
            else:
                yield where / name, entry


def default_name(folder: Path) -> str:
    """The site name ``--yes`` uses: the folder's name in words (``acme-status`` → ``Acme Status``)."""
    words = folder.name.replace("-", " ").replace("_", " ").split()
    return " ".join(word[:1].upper() + word[1:] for word in words) or "Status"


def check_name(name: str) -> str:
    """The site name as ``site_name`` accepts it, or one :class:`UsageError` line."""
    name = clean_text(name, "--name", multiline=False)
    if len(name) > MAX_NAME:  # else the error would name a line of a mkdocs.yml that was never written
        raise UsageError(f"--name is {len(name)} characters long; a site name has at most {MAX_NAME}")
    try:
        return TypeAdapter(Text).validate_python(name)
    except ValidationError as exc:
        raise UsageError(f"--name {exc.errors()[0]['msg']}") from None


def check_url(url: str) -> str:
    """The address as ``site_url`` accepts it (ending in ``/``), or one :class:`UsageError` line."""
    try:
        return TypeAdapter(Url).validate_python(url.strip())
    except ValidationError as exc:
        raise UsageError(f"--url {exc.errors()[0]['msg']}") from None


def check_folder(folder: Path) -> None:
    """Refuse anything but a missing or empty folder: init never overwrites. Nor inside the
    ``content/`` of a site: that site would no longer validate (content/ holds only its own kinds)."""
    absolute = Path(os.path.abspath(folder))
    for above in absolute.parents:
        content = above / "content"
        if (above / "mkdocs.yml").is_file() and content.is_dir() and absolute.is_relative_to(content):
            raise UsageError(f"{folder} is inside the content/ of the site in {above}, which would then not "
                             "validate; give a folder outside it")
    if folder.is_symlink():
        raise UsageError(f"{folder} is a symbolic link; give the path of a new or empty folder")
    if folder.exists():
        if not folder.is_dir():
            raise UsageError(f"{folder} is not a folder; give the path of a new or empty folder")
        if any(folder.iterdir()):
            raise UsageError(f"{folder} is not empty; statusgen init writes a new site only into a new or "
                             "empty folder and never overwrites")


def _only_checked(value: object) -> str:
    if value is None or isinstance(value, Checked):
        return "" if value is None else value
    raise StatusgenError(f"site template inserts an unquoted value {str(value)[:40]!r}: use '| yaml'")


def render(values: dict[str, str]) -> dict[PurePosixPath, bytes]:
    """Every file of the new site, by path, rendered with ``values`` (each one checked already).

    The URL, version and date are checked to hold no character YAML or Markdown would read as
    syntax (``site_url`` allows no space, ``"``, ``<``, ``>`` or ``#``), so they may stand bare in the README.
    """
    env = jinja2.Environment(autoescape=False, undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                             finalize=_only_checked)
    env.filters["yaml"] = lambda value: Checked(yaml_quote(str(value)))
    # Only values that need no quoting anywhere are inserted bare; the name must go through `| yaml`.
    context = {key: value if key in NEEDS_QUOTING else Checked(value) for key, value in values.items()}
    out: dict[PurePosixPath, bytes] = {}
    for path, source in site_files():
        data = source.read_bytes()
        if path.name.endswith(TEMPLATE_SUFFIX):
            text = env.from_string(data.decode("utf-8")).render(context)
            out[path.with_name(path.name[:-len(TEMPLATE_SUFFIX)])] = text.encode("utf-8")
        else:
            out[path] = data
    return out


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def schema_files() -> dict[PurePosixPath, bytes]:
    """``schemas/*.schema.json``, as ``statusgen schema KIND`` prints them: the files' first lines name them."""
    return {PurePosixPath("schemas", f"{kind}.schema.json"):
            (json.dumps(json_schema(kind), indent=2, sort_keys=True) + "\n").encode("utf-8") for kind in SCHEMAS}


def create_site(folder: Path, name: str, url: str, today: dt.date) -> list[PurePosixPath]:
    """Write a new site into ``folder`` (missing or empty) and return the paths written."""
    check_folder(folder)
    version = package_version(DISTRIBUTION)
    values = {"name": check_name(name), "url": check_url(url), "today": today.isoformat(), "version": version,
              "requirement": f"{DISTRIBUTION}=={version}"}
    written = render(values)
    written.update(schema_files())
    try:
        _write(Path(os.path.abspath(folder)), written, today)  # `.` and `..`: a folder whose parent is above it
    except OSError as exc:  # a folder not writable, a full disk: one line, and nothing was left
        raise StatusgenError(f"cannot write the site into {folder}: {exc.strerror or exc}") from None
    return sorted(written)


def _write(folder: Path, written: dict[PurePosixPath, bytes], today: dt.date) -> None:
    """Stage the site beside ``folder``, check it, then put it in place (all of it, or nothing)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f"{TEMP_PREFIX}init-"))
    try:
        for path, data in sorted(written.items()):
            target = staging.joinpath(*path.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        _check_written(staging, today)
        staging.chmod(0o777 & ~_umask())
        if folder.is_dir():
            _move_into(staging, folder)
        else:
            try:
                os.rename(staging, folder)  # the whole site at once
            except OSError as exc:
                if exc.errno in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOTDIR, errno.EISDIR):
                    raise UsageError(f"{folder} appeared while the site was written; nothing was written") from None
                raise
    finally:
        if staging.exists():
            shutil.rmtree(staging)


def _move_into(staging: Path, folder: Path) -> None:
    """Move the staged site into an existing empty folder, kept as it is (it may be the shell's
    current folder, `init .`); if any move fails, the ones made are taken back out."""
    moved: list[Path] = []
    try:
        for entry in sorted(staging.iterdir()):
            target = folder / entry.name
            if any(folder.iterdir()) and not moved:
                raise UsageError(f"{folder} is not empty any more; nothing was written")
            if target.exists() or target.is_symlink():
                raise UsageError(f"{target} appeared while the site was written; nothing was written")
            os.rename(entry, target)
            moved.append(target)
    except BaseException:
        for target in moved:
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            else:
                target.unlink()
        raise


def _check_written(site: Path, today: dt.date) -> None:
    """Fail closed: the new site must pass ``statusgen validate`` before it is put in place."""
    settings, problems = check_settings(site)
    found = load_content(site, today)[1]
    problems += found
    errors = [d for d in problems if d.severity == "error"]
    if settings is None or errors:
        raise ContentError(errors or problems)
