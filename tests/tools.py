"""Tools the tests need from outside Python: one rule for a missing tool.

On a laptop a test that needs a missing tool skips with the real reason and how to install it;
in CI (``CI`` set) it fails instead, because ``.ci/run`` installs every such tool.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def tool_missing(reason: str) -> None:
    """Skip on a laptop; in CI a missing tool is a failure, not a silent pass."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: .ci/run installs it)")
    pytest.skip(reason)


def need_tool(name: str, debian_package: str) -> Path:
    """The path of command ``name``, or skip/fail naming the Debian package that has it."""
    path = shutil.which(name)
    if path is None:
        tool_missing(f"{name} is not installed (apt-get install {debian_package})")
    return Path(path)


def stop(process: subprocess.Popen[str]) -> None:
    """End a server the test started: SIGTERM, up to 30 s to exit, then SIGKILL."""
    process.terminate()
    try:
        process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
