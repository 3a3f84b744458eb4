"""One job in another, forked process, where two cores allow: the internal site renders beside the public
site, and a long history's incident files are read by two processes at once; numbered jobs that both processes
take turns at (:class:`Claims`) keep them busy until both are done.

The child shares what is loaded copy-on-write, dies with its parent (a killed build leaves no
renderer writing behind it), and sends its result or its error back through a pipe, so a failure in
either process is one line, as when the sites were rendered one after the other.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import struct
import traceback
from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

from generator.errors import ContentError, StatusgenError, UsageError

def parallel() -> bool:
    """Render the two sites at once only where this process may use two cores and fork (Linux, macOS)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return cores >= 2 and "fork" in multiprocessing.get_all_start_methods()


Outcome = tuple[Any, ...]
T = TypeVar("T")


class Background(Generic[T]):
    """One job run in a forked process (it shares what is loaded, copy-on-write); its result (pickled), or
    its error as the same :class:`StatusgenError`, comes back through a pipe.

    The child dies with the parent (a killed build leaves no renderer writing behind it), and a failure
    in either process is reported as one line, as when the sites were rendered one after the other.
    """

    def __init__(self, job: Callable[[], T], what: str) -> None:
        self._what = what  # for a bug's message: "<what> failed: <traceback>"
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(target=_child, args=(job, send, os.getpid()), daemon=True)
        self._process.start()
        send.close()

    def result(self) -> T:
        try:
            outcome: Outcome = self._receive.recv()
        except EOFError:
            self._process.join()
            outcome = ("bug", f"the second process ended with exit code {self._process.exitcode}")
        self._process.join()
        kind = outcome[0]
        if kind == "ok":
            value: T = outcome[1]
            return value
        if kind == "content":
            raise ContentError(outcome[1])
        if kind == "usage":
            raise UsageError(outcome[1])
        if kind == "error":
            raise StatusgenError(outcome[1])
        raise RuntimeError(f"{self._what} failed: {outcome[1]}")  # a statusgen bug: show it

    def stop(self) -> None:
        if self._process.is_alive():
            self._process.kill()
        self._process.join()
        self._receive.close()


def _child(job: Callable[[], Any], send: Any, parent: int) -> None:
    _die_with(parent)
    outcome: Outcome
    try:
        outcome = ("ok", job())
    except ContentError as exc:
        outcome = ("content", exc.diagnostics)
    except UsageError as exc:
        outcome = ("usage", str(exc))
    except StatusgenError as exc:
        outcome = ("error", str(exc))
    except BaseException:  # noqa: BLE001 - a bug: its traceback goes to the parent, which raises it
        outcome = ("bug", traceback.format_exc())
    send.send(outcome)
    send.close()


def _die_with(parent: int) -> None:
    """Ask Linux to kill this process when its parent dies (PR_SET_PDEATHSIG); elsewhere, nothing.

    ``prctl`` is looked up among the symbols the interpreter has loaded (``CDLL(None)``: libc is one of
    them), not with ``ctypes.util.find_library``, which runs ``ldconfig -p`` in every child (15 ms each)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before that took effect
        os._exit(1)


class Claims:
    """The numbers of some jobs (:meth:`of`), each taken by the first process free for it: made before a fork,
    then read by both processes (:meth:`__iter__`) until none is left.

    The numbers are written into a pipe whose writing end is then closed. A read of 4 bytes takes one number
    whole (the kernel serialises reads of a pipe), and none once all are taken. No semaphore, which not every
    system gives a process (multiprocessing's locks need one).
    """

    #: At most this many numbers (4 bytes each): a pipe holds them all before either process reads (Linux and
    #: macOS give a pipe at least 16 KB).
    MOST = 4096

    def __init__(self, taking: int) -> None:
        self._taking = taking

    @classmethod
    def of(cls, count: int) -> Claims | None:
        """The claims of jobs ``0 .. count - 1``; None where the pipe cannot hold them all (more than :attr:`MOST`,
        or a system that gives a pipe less room than usual, when its user holds many): then one process does every
        job."""
        if count > cls.MOST:
            return None
        taking, giving = os.pipe()
        try:
            filled = _fill(giving, b"".join(struct.pack("=I", number) for number in range(count)))
        finally:
            os.close(giving)
        if not filled:
            os.close(taking)
            return None
        return cls(taking)

    def __iter__(self) -> Iterator[int]:
        """The numbers this process takes, one at a time: each is taken when asked for, not before."""
        while claimed := os.read(self._taking, 4):
            yield struct.unpack("=I", claimed)[0]

    def close(self) -> None:
        os.close(self._taking)


def in_order(done: dict[int, T], count: int, what: str, unit: str) -> list[T]:
    """The results of claimed jobs ``0 .. count - 1`` (:class:`Claims`), by number, in their order. Never with one
    left out (a process that ended before sending all it took): ``<what> failed: <n> of <count> <unit> came back``.
    """
    if sorted(done) != list(range(count)):
        raise RuntimeError(f"{what} failed: {len(done)} of {count} {unit} came back")
    return [done[number] for number in range(count)]


def _fill(pipe: int, data: bytes) -> bool:
    """Write all of ``data`` into an empty ``pipe`` without waiting; False if it does not fit."""
    os.set_blocking(pipe, False)
    try:
        return os.write(pipe, data) == len(data)
    except BlockingIOError:
        return False
