"""Walking ``content/`` and loading every file into a :class:`~generator.content.models.Content`.

The layout is fixed: ``components.yml``, an optional ``reference.yml`` and ``oncall.yml``, and ``<id>.md`` files in ``incidents/``,
``postmortems/``, ``runbooks/``, plus the templates. Anything else inside
``content/`` (a symlink, a stray file, a nested folder) is an error, so a typo
in a file name never silently drops an incident.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from generator.background import Background, Claims, in_order, parallel
from generator.content import models as m
from generator.content.rules import (
    Reporter,
    apply_schema,
    check_components,
    check_incident,
    check_oncall,
    check_postmortem,
    check_rendering,
    check_runbook,
    template_sections,
)
from generator.content.source import (
    Located,
    SourceFile,
    read_markdown_file,
    read_yaml_file,
)
from generator.errors import ContentError, Diagnostic, UsageError

CONTENT_DIR = "content"
KIND_DIRS = ("incidents", "postmortems", "runbooks")
#: Prometheus rule files of the example content; not content files themselves (see generator.alerts).
ALERTS_DIR = "alerts"
TEMPLATE_NAMES = ("incident", "maintenance", "postmortem", "runbook")
IGNORED_NAMES = frozenset({".gitkeep", "README.md"})
#: Temporary files of the authoring commands start so: one left by a killed command must not stop every build.
TEMP_PREFIX = ".statusgen-"


def _ignored(entry: os.DirEntry[str]) -> bool:
    return entry.is_file(follow_symlinks=False) and (
        entry.name in IGNORED_NAMES or (entry.name.startswith(TEMP_PREFIX) and entry.name.endswith(".tmp")))
T = TypeVar("T")


@dataclass
class Inventory:
    """The files found in ``content/``, by kind, with problems in the layout itself."""

    components: Path | None = None
    reference: Path | None = None
    oncall: Path | None = None
    #: per kind: (id, path, path relative to the root) of each file
    files: dict[str, list[tuple[str, Path, str]]] = field(default_factory=lambda: {k: [] for k in KIND_DIRS})
    templates: dict[str, Path] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def scan(root: Path) -> Inventory:
    content = root / CONTENT_DIR
    if not content.is_dir():
        raise UsageError(f"no '{CONTENT_DIR}/' folder in {root}: use --root to point at a site repository")
    inventory = Inventory()

    def problem(path: Path, code: str, message: str) -> None:
        inventory.problems.append(Diagnostic(_rel(root, path), 1, 1, "error", code, message))

    def entries(folder: Path) -> Iterator[tuple[os.DirEntry[str], Path]]:
        """The entries of a folder by name, less the ignored ones; a symbolic link is a problem."""
        with os.scandir(folder) as it:
            found = sorted(it, key=lambda e: e.name)
        for entry in found:
            if _ignored(entry):
                continue
            if entry.is_symlink():
                problem(Path(entry.path), "symlink", "content files must be regular files, not symbolic links")
                continue
            yield entry, Path(entry.path)

    for entry, path in entries(content):
        if entry.name == "components.yml" and entry.is_file(follow_symlinks=False):
            inventory.components = path
        elif entry.name == "reference.yml" and entry.is_file(follow_symlinks=False):
            inventory.reference = path
        elif entry.name == "oncall.yml" and entry.is_file(follow_symlinks=False):
            inventory.oncall = path
        elif entry.name in KIND_DIRS + ("templates",) and entry.is_dir(follow_symlinks=False):
            _scan_kind(root, path, entry.name, inventory, problem, entries)
        elif entry.name == ALERTS_DIR and entry.is_dir(follow_symlinks=False):
            pass  # Prometheus rule files: read by generator.alerts when mkdocs.yml names them (alerts.rules)
        else:
            problem(path, "unexpected-file",
                    f"unexpected {'folder' if entry.is_dir() else 'file'} '{entry.name}' in content/: it may hold "
                    "only components.yml, reference.yml, oncall.yml, incidents/, postmortems/, runbooks/, templates/ "
                    "and alerts/")
    if inventory.components is None:
        inventory.problems.append(Diagnostic(f"{CONTENT_DIR}/components.yml", 1, 1, "error", "missing-file",
                                             "content/components.yml is missing: it lists the components"))
    return inventory


def _scan_kind(root: Path, folder: Path, kind: str, inventory: Inventory, problem, entries) -> None:  # type: ignore[no-untyped-def]
    seen: dict[str, str] = {}
    for entry, path in entries(folder):
        if not entry.is_file(follow_symlinks=False):
            kind_of = "folder" if entry.is_dir(follow_symlinks=False) else "special file"
            problem(path, "unexpected-file", f"unexpected {kind_of} '{entry.name}' in {kind}/: it holds only .md files")
            continue
        if not entry.name.endswith(".md"):
            problem(path, "unexpected-file", f"unexpected file '{entry.name}' in {kind}/: content files end in .md")
            continue
        id_ = entry.name[:-3]
        if kind == "templates":
            if id_ in TEMPLATE_NAMES:
                inventory.templates[id_] = path
            else:
                problem(path, "unexpected-file",
                        f"unknown template '{entry.name}'; templates are: {', '.join(TEMPLATE_NAMES)}")
            continue
        if not m.is_slug(id_):
            long = len(id_) > m.MAX_ID_LENGTH
            problem(path, "invalid-id", f"file name {entry.name!r} is not a valid id: " + (
                f"it is {len(id_)} characters long; the limit is {m.MAX_ID_LENGTH}" if long else
                "use lowercase letters, digits and '-', like 2026-03-30-payment-outage.md"))
            continue
        if id_ in m.RESERVED_IDS:
            problem(path, "reserved-id", f"id '{id_}' names a page statusgen generates; choose another file name")
            continue
        folded = id_.casefold()
        if folded in seen:
            problem(path, "duplicate-id", f"id '{id_}' is already used by {seen[folded]}")
            continue
        seen[folded] = entry.name
        inventory.files[kind].append((id_, path, f"{CONTENT_DIR}/{kind}/{entry.name}"))


#: What a :class:`ReadCache` keeps per file: the file's identity when read, and what reading it gave.
ReadCache = dict[str, tuple[tuple[int, ...], Any]]


def _cached(path: Path, rel: str, cache: ReadCache | None, read: Callable[[Path, str], T]) -> T:
    """``read(path, rel)``, or what it gave for this file before while the file is unchanged (statusgen serve).

    The file is identified by inode, size and modification and change times, taken before reading, so a file
    replaced while it is read is read again next time. Only reading (and the per-file rendering bounds, which
    read nothing else) is cached: every other rule runs every time.
    """
    if cache is None:
        return read(path, rel)
    try:
        info = path.stat()
    except OSError:
        return read(path, rel)  # reading reports the problem
    key = (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
    found = cache.get(rel)
    if found is not None and found[0] == key:
        result: T = found[1]
        return result
    result = read(path, rel)
    cache[rel] = (key, result)
    return result


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while loading, on again after (and then collecting what it would have).

    Loading makes many small objects and next to no reference cycles, and each pass of the collector
    walks every object alive, the imported model and libraries among them: a sixth of loading's time.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_content(root: Path, today: dt.date, cache: ReadCache | None = None,
                 meanwhile: Callable[[], None] | None = None) -> tuple[m.Content | None, list[Diagnostic]]:
    """Load and validate everything; the content is returned only when it has no errors.

    ``cache`` (statusgen serve) keeps what each file read as, so that only changed files are read again.
    ``meanwhile``: work for this process while a second one reads incidents (:func:`_incidents`); not called
    when no second process reads.
    """
    with _collector_paused():
        return _load_content(root, today, cache, meanwhile)


def _load_content(root: Path, today: dt.date, cache: ReadCache | None, meanwhile: Callable[[], None] | None
                  ) -> tuple[m.Content | None, list[Diagnostic]]:
    root = root.resolve()
    inventory = scan(root)
    diagnostics = list(inventory.problems)

    groups: tuple[m.Group, ...] = ()
    components: tuple[m.Component, ...] = ()
    component_ids: set[str] | None = None
    spec = _yaml_document(root, inventory.components, check_components, diagnostics, cache)
    if spec is not None:
        groups, components = tuple(spec.groups), tuple(spec.components)
        component_ids = {c.id for c in spec.components}
    reference = _yaml_document(root, inventory.reference,
                               lambda located, report: apply_schema(m.ReferenceFile, located, report), diagnostics,
                               cache)
    oncall = _yaml_document(root, inventory.oncall,
                            lambda located, report: check_oncall(located, component_ids, report), diagnostics, cache)

    incidents, problems = _incidents(root, inventory.files["incidents"], component_ids, cache, meanwhile)
    diagnostics += problems

    # The templates after the incidents: their sections are the first text parsed as Markdown, and a long
    # history's build imports the parser while a second process reads incidents (``meanwhile``).
    templates: dict[str, tuple[list[m.TemplateSection] | None, str]] = {}
    for name in ("postmortem", "runbook"):
        rel = f"{CONTENT_DIR}/templates/{name}.md"
        path = inventory.templates.get(name)
        if path is None:
            diagnostics.append(Diagnostic(rel, 1, 1, "error", "missing-template",
                                          f"template {rel} is missing: it defines the sections of every {name}"))
            templates[name] = (None, rel)
            continue
        doc, problems = _cached(path, rel, cache, lambda p, r: read_markdown_file(p, r, parse=False))
        diagnostics += problems
        report = Reporter(rel)
        if doc is not None and not check_rendering(None, doc.body, doc.body_line, report):
            doc = None
        diagnostics += report.items
        templates[name] = (template_sections(doc) if doc is not None else None, rel)

    incident_ids = {id_ for id_, _, _ in inventory.files["incidents"]}
    postmortems: list[m.Postmortem] = []
    for id_, doc, report in _documents(root, inventory.files["postmortems"], diagnostics, cache):
        sections, template_rel = templates["postmortem"]
        postmortem = check_postmortem(doc, id_, incident_ids, sections, template_rel, today, report)
        diagnostics += report.items
        if postmortem is not None:
            postmortems.append(postmortem)

    runbooks: list[m.Runbook] = []
    for id_, doc, report in _documents(root, inventory.files["runbooks"], diagnostics, cache):
        sections, template_rel = templates["runbook"]
        runbook = check_runbook(doc, id_, sections, template_rel, today, report)
        diagnostics += report.items
        if runbook is not None:
            runbooks.append(runbook)

    diagnostics.sort()
    if any(d.severity == "error" for d in diagnostics):
        return None, diagnostics
    content = m.Content(groups, components, tuple(incidents), tuple(postmortems), tuple(runbooks), reference, oncall)
    return content, diagnostics


def _yaml_document(root: Path, path: Path | None, check: Callable[[Located, Reporter], T | None],
                   diagnostics: list[Diagnostic], cache: ReadCache | None = None) -> T | None:
    """Read and check one YAML file of content (components.yml, reference.yml), if it exists."""
    if path is None:
        return None
    rel = _rel(root, path)
    located, problems = _cached(path, rel, cache, read_yaml_file)
    diagnostics += problems
    if located is None:
        return None
    report = Reporter(rel, located)
    result = check(located, report) if check_rendering(located, None, 0, report) else None
    diagnostics += report.items
    return result


def _documents(root: Path, files: list[tuple[str, Path, str]], diagnostics: list[Diagnostic],
               cache: ReadCache | None = None) -> Iterator[tuple[str, SourceFile, Reporter]]:
    """Each readable Markdown file with its front matter, and a reporter for its problems."""
    for id_, path, rel in files:
        doc, problems = _cached(path, rel, cache, read_markdown_file)
        diagnostics += problems
        if doc is None or doc.front is None:
            continue
        report = Reporter(rel, doc.front)
        if not _rendering_checked(rel, doc, report, cache):
            diagnostics += report.items  # checked first: the other checks parse the body
            continue
        yield id_, doc, report


#: From this many incident files on, a second process reads part of them (where two cores allow): below it,
#: starting the process and sending its part back cost more than they save.
PARALLEL_FILES = 400
#: Incident files claimed at a time by the process that reads them (a few milliseconds of work); a history of
#: more than :attr:`Claims.MOST` chunks has larger chunks.
CHUNK_FILES = 16

Chunk = tuple[int, tuple[list[m.Incident], list[Diagnostic]]]


def _incidents(root: Path, files: list[tuple[str, Path, str]], component_ids: set[str] | None,
               cache: ReadCache | None, meanwhile: Callable[[], None] | None = None
               ) -> tuple[list[m.Incident], list[Diagnostic]]:
    """Each incident file read and checked, in order, with the problems found.

    Each file is read and checked alone (the rules across files come after), and at 2,000 incidents this
    is half of a build's start before its two sites render in parallel, so a long history is read by two
    processes at once. Each claims the next few files when it is free, so this one can first do
    ``meanwhile`` while the other reads, and the two still finish together. Not in statusgen serve
    (``cache``), which reads only changed files.
    """
    if cache is not None or len(files) < PARALLEL_FILES or not parallel():
        return _checked_incidents(root, files, component_ids, cache)
    size = max(CHUNK_FILES, -(-len(files) // Claims.MOST))
    total = -(-len(files) // size)
    claims = Claims.of(total)  # chunk k: files[k * size:(k + 1) * size]
    if claims is None:  # a pipe smaller than asked for: read them all here
        return _checked_incidents(root, files, component_ids, cache)

    # The other process sends each chunk it read as soon as it is read, and this one takes them between its
    # own: pickling and unpickling them then overlap the reading, instead of following it.
    receive, send = multiprocessing.get_context("fork").Pipe(duplex=False)
    _widen(send.fileno())  # room for what it reads while this one is busy with ``meanwhile``

    def read(number: int) -> Chunk:
        return number, _checked_incidents(root, files[number * size:(number + 1) * size], component_ids, None)

    def send_each() -> None:
        for number in claims:
            send.send(read(number))

    chunks: list[Chunk] = []

    def take(wait: bool) -> bool:
        """Add what the other process sent (waiting for one chunk if ``wait``); False once it has ended."""
        try:
            while wait or receive.poll():
                chunks.append(receive.recv())
                wait = False
        except EOFError:  # it ended (all sent, or failed: its result says why)
            return False
        return True

    try:
        helper = Background(send_each, "reading incidents")
        send.close()  # the other process's copy stays open until it ends: then receiving ends too
        try:
            if meanwhile is not None:
                meanwhile()
            sending = True
            for number in claims:
                chunks.append(read(number))
                sending = sending and take(wait=False)
            while sending and len(chunks) < total:
                sending = take(wait=True)
            helper.result()
            read_in_order = in_order(dict(chunks), total, "reading incidents", "chunks")  # never a file left out
        finally:
            helper.stop()
    finally:
        claims.close()
        receive.close()
        send.close()
    incidents: list[m.Incident] = []
    problems: list[Diagnostic] = []
    for found, found_problems in read_in_order:
        incidents += found
        problems += found_problems
    return incidents, problems


def _widen(pipe: int) -> None:
    """Give ``pipe`` 1 MB of room where the system allows it (Linux's ``F_SETPIPE_SZ``); elsewhere a full pipe
    only makes its writer wait for the reader."""
    with contextlib.suppress(AttributeError, OSError):
        fcntl.fcntl(pipe, fcntl.F_SETPIPE_SZ, 1 << 20)  # type: ignore[attr-defined]


def _checked_incidents(root: Path, files: list[tuple[str, Path, str]], component_ids: set[str] | None,
                       cache: ReadCache | None) -> tuple[list[m.Incident], list[Diagnostic]]:
    incidents: list[m.Incident] = []
    diagnostics: list[Diagnostic] = []
    for id_, doc, report in _documents(root, files, diagnostics, cache):
        incident = _incident_checked(doc, id_, component_ids, report, cache)
        diagnostics += report.items
        if incident is not None:
            incidents.append(incident)
    return incidents, diagnostics


def _kept(cache: ReadCache | None, key: str, doc: SourceFile, inputs: Any, report: Reporter,
          check: Callable[[], T]) -> T:
    """``check()``, whose outcome and problems are kept with the file as read (statusgen serve).

    For a check that reads nothing but the file and ``inputs``: while the cache hands back the very same read
    of the file (``is``) and the inputs are equal, the outcome cannot differ. ``key`` starts with NUL, which
    no file's path does.
    """
    if cache is None:
        return check()
    found = cache.get(key)
    if found is not None and found[1][0] is doc and found[1][1] == inputs:
        _, _, result, items = found[1]
        report.items.extend(items)
        return result  # type: ignore[no-any-return]
    before = len(report.items)
    result = check()
    cache[key] = ((), (doc, inputs, result, tuple(report.items[before:])))
    return result


def _rendering_checked(rel: str, doc: SourceFile, report: Reporter, cache: ReadCache | None) -> bool:
    """:func:`check_rendering` of a Markdown file: it reads nothing but the file. The cross-file rules
    still run every time."""
    return _kept(cache, f"\0rendering\0{rel}", doc, (), report,
                 lambda: check_rendering(doc.front, doc.body, doc.body_line, report))


def _incident_checked(doc: SourceFile, id_: str, component_ids: set[str] | None, report: Reporter,
                      cache: ReadCache | None) -> m.Incident | None:
    """:func:`check_incident`: it reads the file, its id and the component ids alone. At 5,000 incidents,
    checking them all again was a quarter of a preview's rebuild. The other per-kind and cross-file rules
    still run every time."""
    ids = None if component_ids is None else frozenset(component_ids)
    return _kept(cache, f"\0incident\0{doc.path}", doc, (id_, ids), report,
                 lambda: check_incident(doc, id_, component_ids, report))


def require_content(root: Path, today: dt.date, cache: ReadCache | None = None,
                    meanwhile: Callable[[], None] | None = None) -> tuple[m.Content, list[Diagnostic]]:
    """Load content or raise :class:`ContentError`; returns the warnings too (``meanwhile``: :func:`load_content`)."""
    content, diagnostics = load_content(root, today, cache, meanwhile)
    if content is None:
        raise ContentError([d for d in diagnostics if d.severity == "error"] or diagnostics)
    return content, diagnostics

