"""PromQL, checked by Prometheus' own ``promtool check rules`` when it is installed.

``rules`` checks the structure of a rule file but does not parse PromQL (nor template function
names); promtool does. When ``promtool`` is on PATH, the files whose structure passed are given
to it in one run (``promtool check rules --lint=none -- FILE...``: no shell, nothing from their
content on the command line, a bounded time), and each error it prints becomes a diagnostic at
the rule it names (its ``expr``, label or annotation; else the rule or its group), found with our
positioned reader. An error that names no rule we can find, or a failure with no error we can
read, is an error at line 1 of the file with promtool's words: a non-zero exit is never ignored.
Without promtool, one warning says that PromQL was not checked.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from generator.content.source import read_yaml_file
from generator.errors import Diagnostic

TOOL = "promtool"
#: Seconds promtool may take for all the rule files of a site (it needs well under one).
TIMEOUT = 60
NOT_INSTALLED = "PromQL not checked: promtool is not installed (apt-get install prometheus)"
#: What promtool's output may bring into a message, when it cannot be tied to a rule.
MAX_MESSAGE = 2000

_GO_STRING = r'"((?:[^"\\]|\\.)*)"'
#: ``[L:C: ][L:C: ]group "G", rule N, "NAME": MESSAGE`` (rulefmt.Error: positions only with a YAML node).
_RULE_ERROR = re.compile(r"(?:\d+:\d+: ){0,2}group " + _GO_STRING + r", rule (\d+), " + _GO_STRING + r": (.*)",
                         re.S)
#: What a rule's error is about: its expression, or one label or annotation (a template).
_FIELD = re.compile(r"(label|annotation) " + _GO_STRING + ":")
_GO_ESCAPES = {"\a": r"\a", "\b": r"\b", "\f": r"\f", "\n": r"\n", "\r": r"\r", "\t": r"\t", "\v": r"\v",
               "\\": "\\\\", '"': '\\"'}


def promtool_path() -> str | None:
    """The promtool on PATH, or None."""
    return shutil.which(TOOL)


def check_promql(root: Path, files: Sequence[str], tool: str | None) -> list[Diagnostic]:
    """promtool's errors in ``files`` (paths relative to ``root`` whose structure is valid), located.

    ``tool`` is promtool's path; without it, nothing is checked (the caller says so, once).
    """
    if tool is None or not files:
        return []
    first = files[0]
    try:
        result = subprocess.run([tool, "check", "rules", "--lint=none", "--", *files], cwd=root,
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        return [_at_file(first, f"promtool check rules did not finish within {TIMEOUT} seconds")]
    except OSError as exc:
        return [_at_file(first, f"promtool could not be run: {exc}")]
    output = result.stdout.decode("utf-8", "replace")
    found = [_locate(root, rel, message) for rel, message in _errors(output, files)]
    if result.returncode != 0 and not found:
        found = [_at_file(first, f"promtool check rules failed (exit status {result.returncode}): "
                                 f"{_clip(output.strip()) or 'no output'}")]
    return found


def _errors(output: str, files: Sequence[str]) -> list[tuple[str, str]]:
    """(file, message) of each error in promtool's output (stdout and stderr, in the order written).

    promtool prints ``Checking FILE``, then ``  SUCCESS: …`` or ``  FAILED:`` and one error a line,
    each starting ``FILE: ``; a line that does not is the continuation of the error before it.
    """
    by_length = sorted(files, key=len, reverse=True)
    current = files[0]
    errors: list[list[str]] = []
    for line in output.splitlines():
        if line.startswith("Checking ") and line[len("Checking "):] in files:
            current = line[len("Checking "):]
            errors.append([])  # a continuation never reaches across files
            continue
        if not line.strip() or line.strip() == "FAILED:" or line.startswith("  SUCCESS: "):
            continue
        rel = next((f for f in by_length if line.startswith(f + ": ")), None)
        if rel is not None:
            errors.append([rel, line[len(rel) + 2:]])
        elif errors and errors[-1]:
            errors[-1][1] += "\n" + line
        else:
            errors.append([current, line])
    return [(error[0], error[1]) for error in errors if error]


def _locate(root: Path, rel: str, message: str) -> Diagnostic:
    """One promtool error at the rule it names, or at line 1 of the file."""
    match = _RULE_ERROR.fullmatch(message)
    if match is None:
        return _at_file(rel, f"promtool: {message}")
    group_name, number, rule_name, rest = match.groups()
    located, _ = read_yaml_file(root / rel, rel)
    groups: Any = located.data.get("groups") if located is not None and isinstance(located.data, dict) else None
    index = next((i for i, g in enumerate(groups or []) if isinstance(g, dict) and isinstance(g.get("name"), str)
                  and go_quote(g["name"]) == group_name), None)
    if located is None or index is None:
        return _at_file(rel, f"promtool: {message}")
    where: tuple[str | int, ...] = ("groups", index)
    rules = groups[index].get("rules")
    position = int(number) - 1  # promtool counts rules from 1
    rule = rules[position] if isinstance(rules, list) and 0 <= position < len(rules) else None
    if not isinstance(rule, dict) or go_quote(str(rule.get("alert", rule.get("record", "")))) != rule_name:
        return _diagnostic(rel, located.position(where), f"group {group_name!r}: promtool: {message}")
    where += ("rules", position)
    kind = "alert" if "alert" in rule else "recording rule"
    name = rule.get("alert", rule.get("record"))
    field = _FIELD.match(rest)
    if rest.startswith("could not parse expression"):
        where += ("expr",)
    elif field is not None:
        key = next((k for k in rule.get(field.group(1) + "s") or {} if go_quote(str(k)) == field.group(2)), None)
        where += (field.group(1) + "s",) + ((key,) if key is not None else ())
    return _diagnostic(rel, located.position(where), f"{kind} {name!r}: promtool: {rest}")


def go_quote(text: str) -> str:
    """``text`` as Go's ``%q`` writes it (strconv.Quote), without the quotes: how promtool names groups and rules."""
    out = []
    for char in text:
        if char in _GO_ESCAPES:
            out.append(_GO_ESCAPES[char])
        elif char.isprintable():
            out.append(char)
        elif ord(char) < 0x80:
            out.append(f"\\x{ord(char):02x}")
        elif ord(char) <= 0xFFFF:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    return "".join(out)


def _clip(text: str) -> str:
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE] + " …"


def _diagnostic(rel: str, position: tuple[int, int], message: str) -> Diagnostic:
    return Diagnostic(rel, *position, "error", "promql", _clip(message))


def _at_file(rel: str, message: str) -> Diagnostic:
    return Diagnostic(rel, 1, 1, "error", "promtool", _clip(message))
