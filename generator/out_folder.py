"""The ``--out`` folder: which folders a build may replace, builds taking turns, and leftovers of killed builds.

A build replaces its ``--out`` folder whole, so a wrong ``--out`` (``.``, ``content``, ``~``) would
delete what it names. Only a folder statusgen made (it holds :data:`MARKER`) or an empty or
missing one is replaced; everything else is refused before anything is touched.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from generator.errors import StatusgenError, UsageError

#: Written into every site statusgen builds; only a folder holding it is ever replaced.
MARKER = ".statusgen-site"
MARKER_TEXT = "statusgen build made this folder; the next build into it replaces all of it.\n"
#: Builds render beside ``--out`` in folders named so; ones left by a killed build are removed.
TEMP_PREFIX = ".statusgen-build-"
#: Written into every such work folder: a folder that merely has the name (someone's own) is never removed.
WORK_MARKER = ".statusgen-work"
WORK_MARKER_TEXT = "a statusgen build works in this folder; a later build removes it if it is left behind.\n"


def check_out(root: Path, out: Path) -> None:
    """Refuse an ``--out`` that replacing would destroy something statusgen did not make."""
    root, out = root.resolve(), out.resolve()
    if root.is_relative_to(out):
        _refuse(out, "is the repository" if out == root else "holds the repository")
    if any(out.is_relative_to(content) for content in {root / "content", (root / "content").resolve()}):
        _refuse(out, "is in content/")
    try:
        if not out.exists():
            above = next(folder for folder in out.parents if folder.exists())
            if not above.is_dir():
                raise UsageError(f"--out {out} cannot be made: {above} is a file, not a folder")
            return
        if not out.is_dir():
            _refuse(out, "is a file, not a folder")
        if _marked(out) or not any(out.iterdir()):
            return
    except OSError as exc:
        raise UsageError(f"--out {out}: {exc.strerror}") from None
    _refuse(out, f"is not empty and was not made by statusgen (it holds no {MARKER} file)")


def _refuse(out: Path, why: str) -> None:
    raise UsageError(f"--out {out} {why}; a build replaces its --out folder whole, "
                     "so give it a folder of its own (the default is site/)")


def _marked(folder: Path, name: str = MARKER, text: str = MARKER_TEXT) -> bool:
    """``folder`` holds the marker ``name`` with exactly the bytes statusgen writes (not a link, no other line
    endings: reading it as text would take a ``\r\n`` someone wrote for statusgen's ``\n``)."""
    marker = folder / name
    expected = text.encode("utf-8")
    try:
        if not marker.is_file() or marker.is_symlink() or marker.stat().st_size != len(expected):
            return False
        return marker.read_bytes() == expected
    except OSError:
        return False


def mark(folder: Path) -> None:
    (folder / MARKER).write_text(MARKER_TEXT, encoding="utf-8")


@contextlib.contextmanager
def out_lock(out: Path, waiting: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the folder that holds ``--out``: builds into it take turns, so no two swap at once, and a
    ``.statusgen-build-*`` folder found there while holding it belongs to no running build. The folders
    made to hold ``--out`` are removed again if the build fails."""
    parent = out.parent
    made = [folder for folder in (parent, *parent.parents) if not folder.exists()]  # deepest first
    try:
        parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(parent, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise UsageError(f"--out {out}: cannot write in {parent}: {exc.strerror}") from None
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting:
                waiting(f"waiting for another build into {parent} to finish")
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    except BaseException:
        for folder in made:  # a failed build leaves no trace: the folders made for it go, if still empty
            try:
                folder.rmdir()
            except OSError:
                break
        raise
    finally:
        os.close(descriptor)  # releases the lock


@contextlib.contextmanager
def temporary_folder(out: Path) -> Iterator[Path]:
    """A fresh build folder beside ``out`` (same file system, so the swap is a rename); call under
    :func:`out_lock`. It ignores itself in git, and those of killed builds are removed first: only
    folders that hold :data:`WORK_MARKER`, so a folder of someone's own with a name like theirs stays."""
    for stale in out.parent.glob(f"{TEMP_PREFIX}*"):
        if stale.is_dir() and not stale.is_symlink() and _marked(stale, WORK_MARKER, WORK_MARKER_TEXT):
            shutil.rmtree(stale, ignore_errors=True)
    try:
        temporary = tempfile.TemporaryDirectory(dir=out.parent, prefix=TEMP_PREFIX)
        work = Path(temporary.name)
        (work / WORK_MARKER).write_text(WORK_MARKER_TEXT, encoding="utf-8")
        (work / ".gitignore").write_text("*\n", encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"--out {out}: cannot write in {out.parent}: {exc.strerror}") from None
    with temporary:
        yield work


def swap(root: Path, staging: Path, out: Path, work: Path, removing: Callable[[], None] | None = None) -> None:
    """Move the new site into place; the old one is removed only after the new one is there
    (``removing`` is called just before: the new site can be announced without waiting for that)."""
    check_out(root, out)  # again, under the lock: the folder may have changed while the site rendered
    mark(staging)
    old = work / "old"
    try:
        if out.exists():
            os.rename(out, old)
        try:
            os.rename(staging, out)
        except OSError:
            if old.exists():
                os.rename(old, out)
            raise
    except OSError as exc:
        raise StatusgenError(f"--out {out} cannot be replaced: {exc.strerror}") from None
    if removing is not None:
        removing()
    shutil.rmtree(old, ignore_errors=True)


class InPlace:
    """A site folder updated file by file (statusgen serve's private folder): only files whose bytes
    changed are replaced, each by a rename (a reader sees the old file or the new one, never half of
    one), and files the new build no longer has are removed.

    It remembers a digest of every file it put in place; until it has (first build) or after an
    update failed half-way, :attr:`known` is false and the caller swaps in a whole new folder instead.
    """

    def __init__(self) -> None:
        self._digests: dict[str, bytes] | None = None

    @property
    def known(self) -> bool:
        return self._digests is not None

    def forget(self) -> None:
        self._digests = None

    def record(self, folder: Path) -> None:
        """``folder`` was just swapped in whole: remember what it holds."""
        self._digests = {rel: _digest(path.read_bytes()) for rel, path in folder_files(folder).items()}

    def update(self, target: Path, files: dict[str, bytes | Path]) -> int:
        """Make ``target`` hold exactly ``files`` (bytes, or a file on the same file system to move in);
        returns how many files were written or removed."""
        assert self._digests is not None, "update() needs a folder whose files are known (record() first)"
        digests, self._digests = self._digests, None  # unknown until done: a failure below means a full swap next
        done = 0
        for rel, data in files.items():
            content = data.read_bytes() if isinstance(data, Path) else data
            digest = _digest(content)
            if digests.get(rel) == digest:
                continue
            path = target / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, Path):
                os.replace(data, path)
            else:
                temporary = path.with_name(f"{TEMP_PREFIX}{path.name}")
                temporary.write_bytes(content)
                os.replace(temporary, path)
            digests[rel] = digest
            done += 1
        for rel in sorted(set(digests) - set(files)):
            path = target / rel
            path.unlink(missing_ok=True)
            del digests[rel]
            done += 1
            for folder in path.parents:  # the folders a vanished page leaves empty go too
                if folder == target or not folder.is_relative_to(target) or any(folder.iterdir()):
                    break
                folder.rmdir()
        self._digests = digests
        return done


def _digest(data: bytes) -> bytes:
    # SHA-256 runs in the processor's SHA instructions where it has them (x86 since 2017, ARMv8), about
    # 2.5 times as fast as BLAKE2b here: a preview hashes every file of its site on each rebuild.
    return hashlib.sha256(data).digest()


def folder_files(folder: Path) -> dict[str, Path]:
    """Every file below ``folder``: its path relative to ``folder`` (``/``-separated) -> its path."""
    found: dict[str, Path] = {}
    for parent, _, names in os.walk(folder):
        for name in names:
            path = Path(parent, name)
            found[path.relative_to(folder).as_posix()] = path
    return found
