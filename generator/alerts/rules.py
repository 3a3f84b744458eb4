"""Prometheus rule files, read as ``promtool check rules`` reads them, every problem at ``path:line:col``.

The structure is Prometheus' ``rulefmt`` (2.42, Debian's): ``groups`` of ``name``, ``interval``,
``limit`` and ``rules``; each rule exactly one of ``alert`` or ``record``, an ``expr``, and for
alerts ``for``, ``keep_firing_for``, ``labels`` and ``annotations``. Unknown keys, invalid
durations, label and annotation names, repeated group names, template actions left open or
ended outside a block, and unbalanced brackets in ``expr`` are refused, as promtool refuses them.
PromQL itself and the names of template functions are not checked: an unknown function passes
here and fails promtool. tests/test_alerts.py keeps the two in step (a table of files, and random
ones): what statusgen accepts, promtool accepts, but for PromQL. We are stricter in a few places,
on purpose: an empty file, a second YAML document, and label values or expressions written
as numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.content.source import Located, read_yaml_file
from generator.errors import Diagnostic

#: Prometheus' label (and annotation) names, and metric names for recording rules.
LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
METRIC_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
#: Prometheus' duration: units in this order, each at most once; "0" alone too.
DURATION = re.compile(r"0|(\d+y)?(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?(\d+ms)?")
GROUP_KEYS = ("name", "interval", "limit", "rules")
RULE_KEYS = ("record", "alert", "expr", "for", "keep_firing_for", "labels", "annotations")
_CLOSERS = {"(": ")", "[": "]", "{": "}"}
_UNIT_MS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000, "w": 7 * 86_400_000,
            "y": 365 * 86_400_000}
#: Prometheus holds a duration in nanoseconds in a signed 64-bit integer.
MAX_DURATION_MS = (2**63 - 1) // 1_000_000


@dataclass(frozen=True)
class AlertRule:
    """One alerting rule, where it is written, and what a runbook page shows of it."""

    name: str
    expr: str
    for_: str | None
    labels: tuple[tuple[str, str], ...]
    annotations: tuple[tuple[str, str], ...]
    group: str
    file: str
    line: int
    column: int
    #: where ``annotations.runbook_url`` is written (or the rule, without one)
    runbook_line: int
    runbook_column: int

    @property
    def runbook_url(self) -> str | None:
        return dict(self.annotations).get("runbook_url")

    @property
    def summary(self) -> str | None:
        return dict(self.annotations).get("summary")


class _File:
    """The diagnostics of one rule file."""

    def __init__(self, rel: str, located: Located) -> None:
        self.rel = rel
        self.located = located
        self.items: list[Diagnostic] = []

    def error(self, path: tuple[str | int, ...], code: str, message: str) -> None:
        self.items.append(Diagnostic(self.rel, *self.located.position(path), "error", code, message))


def read_rule_file(path: Path, rel: str) -> tuple[list[AlertRule], list[Diagnostic]]:
    """The alerting rules of one file, and every problem promtool would report (and a few more)."""
    located, problems = read_yaml_file(path, rel)
    if located is None:
        return [], problems
    out = _File(rel, located)
    out.items += problems
    data = located.data
    if not isinstance(data, dict):
        out.error((), "rules-not-a-mapping", "a Prometheus rule file is a mapping with 'groups:'")
        return [], out.items
    _unknown(out, data, (), ("groups",), "rule file")
    groups = data.get("groups")
    if groups is None:
        groups = []
    if not isinstance(groups, list):
        out.error(("groups",), "rules-type", "'groups' must be a list of rule groups")
        return [], out.items
    alerts: list[AlertRule] = []
    names: set[str] = set()
    for index, group in enumerate(groups):
        alerts += _group(out, group, ("groups", index), names)
    return (alerts if not out.items else []), out.items


def _unknown(out: _File, data: dict[str, Any], where: tuple[str | int, ...], known: tuple[str, ...], what: str) -> None:
    for key in data:
        if key not in known:
            out.error(where + (key,), "rules-unknown-field",
                      f"unknown field {key!r} in a {what}; Prometheus knows {', '.join(known)}")


def _group(out: _File, group: Any, where: tuple[str | int, ...], names: set[str]) -> list[AlertRule]:
    if not isinstance(group, dict):
        out.error(where, "rules-type", "a rule group must be a mapping with 'name' and 'rules'")
        return []
    _unknown(out, group, where, GROUP_KEYS, "rule group")
    name = group.get("name")
    if not isinstance(name, str) or not name:
        out.error(where + ("name",) if "name" in group else where, "rules-group-name",
                  "a rule group needs a 'name' (text)")
        name = ""
    elif name in names:
        out.error(where + ("name",), "rules-group-repeated", f"group name {name!r} is repeated in this file")
    names.add(name)
    if "interval" in group:
        _duration(out, group["interval"], where + ("interval",), "interval")
    if "limit" in group and (not isinstance(group["limit"], int) or isinstance(group["limit"], bool)):
        out.error(where + ("limit",), "rules-type", "'limit' must be a whole number")
    rules = group.get("rules")
    if rules is None:
        return []
    if not isinstance(rules, list):
        out.error(where + ("rules",), "rules-type", "'rules' must be a list of rules")
        return []
    found = [_rule(out, rule, where + ("rules", index), name) for index, rule in enumerate(rules)]
    return [rule for rule in found if rule is not None]


def _rule(out: _File, rule: Any, where: tuple[str | int, ...], group: str) -> AlertRule | None:
    if not isinstance(rule, dict):
        out.error(where, "rules-type", "a rule must be a mapping with 'alert' or 'record', and 'expr'")
        return None
    before = len(out.items)
    _unknown(out, rule, where, RULE_KEYS, "rule")
    alert, record = rule.get("alert"), rule.get("record")
    if ("alert" in rule) == ("record" in rule):
        out.error(where, "rules-alert-or-record", "a rule needs exactly one of 'alert' or 'record'")
    for key, value in (("alert", alert), ("record", record)):
        if key in rule and (not isinstance(value, str) or not value):
            out.error(where + (key,), "rules-type", f"'{key}' must be a name (text)")
    if isinstance(record, str) and record and not METRIC_NAME.fullmatch(record):
        out.error(where + ("record",), "rules-record-name", f"recording rule name {record!r} is not a metric name")
    expr = rule.get("expr")
    if not isinstance(expr, str) or not expr.strip():
        out.error(where + ("expr",) if "expr" in rule else where, "rules-expr",
                  "a rule needs an 'expr' (a PromQL expression, as text)")
    elif problem := _unbalanced(expr):
        out.error(where + ("expr",), "rules-expr", f"'expr' cannot be parsed: {problem}")
    for key in ("for", "keep_firing_for"):
        if key in rule:
            if "record" in rule:
                out.error(where + (key,), "rules-record-field", f"'{key}' is for alerting rules, not recording rules")
            else:
                _duration(out, rule[key], where + (key,), key)
    if "annotations" in rule and "record" in rule:
        out.error(where + ("annotations",), "rules-record-field", "'annotations' are for alerting rules only")
    labels = _names(out, rule, where, "labels")
    annotations = _names(out, rule, where, "annotations")
    if len(out.items) > before or not isinstance(alert, str) or not isinstance(expr, str):
        return None
    line, column = out.located.position(where + ("alert",))
    runbook = where + ("annotations", "runbook_url") if "runbook_url" in annotations else where + ("alert",)
    return AlertRule(alert, expr, str(rule["for"]) if "for" in rule else None, tuple(sorted(labels.items())),
                     tuple(sorted(annotations.items())), group, out.rel, line, column,
                     *out.located.position(runbook))


def _names(out: _File, rule: dict[str, Any], where: tuple[str | int, ...], key: str) -> dict[str, str]:
    """``labels`` or ``annotations``: names Prometheus accepts, text values whose templates close."""
    value = rule.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        out.error(where + (key,), "rules-type", f"'{key}' must be a mapping of names to text")
        return {}
    result: dict[str, str] = {}
    for name, text in value.items():
        if not LABEL_NAME.fullmatch(str(name)) or name == "__name__":
            out.error(where + (key, name), "rules-label-name",
                      f"invalid {key[:-1]} name {name!r}: use letters, digits and '_', not starting with a digit")
        elif not isinstance(text, str):
            out.error(where + (key, name), "rules-type", f"{key[:-1]} {name!r} must be text; quote it")
        elif problem := _template(text):
            out.error(where + (key, name), "rules-template", f"{key[:-1]} {name!r}: {problem}")
        else:
            result[name] = text
    return result


def _duration(out: _File, value: Any, where: tuple[str | int, ...], key: str) -> None:
    if not isinstance(value, str) or not value or not DURATION.fullmatch(value):
        out.error(where, "rules-duration", f"'{key}': {value!r} is not a Prometheus duration, like 5m or 1h30m")
    elif _milliseconds(value) > MAX_DURATION_MS:
        out.error(where, "rules-duration", f"'{key}': {value!r} is longer than Prometheus can hold (about 292 years)")


def _milliseconds(value: str) -> int:
    return sum(int(number) * _UNIT_MS[unit] for number, unit in re.findall(r"(\d+)(ms|[ywdhms])", value))


def _template(text: str) -> str | None:
    """What Go's template parser refuses first in a label or annotation: an action left open, a stray end."""
    depth_check = re.sub(r"\{\{.*?\}\}", "", text, flags=re.S)
    if "{{" in depth_check:
        return "a template action '{{' is never closed with '}}'"
    actions = [a.strip(" -") for a in re.findall(r"\{\{(.*?)\}\}", text, flags=re.S)]
    depth = 0
    for action in actions:
        word = action.split(" ", 1)[0]
        if word in ("if", "range", "with", "define", "block"):
            depth += 1
        elif word in ("end", "else", "break", "continue") and depth == 0:
            return f"a template has '{{{{ {word} }}}}' outside '{{{{ if }}}}', '{{{{ range }}}}' or '{{{{ with }}}}'"
        elif word == "end":
            depth -= 1
    return "a template action is opened but never ended with '{{ end }}'" if depth else None


def _unbalanced(expr: str) -> str | None:
    """The first bracket or quote left open or closed twice in a PromQL expression (strings and comments skipped)."""
    stack: list[str] = []
    index = 0
    while index < len(expr):
        char = expr[index]
        if char in "\"'`":
            end = index + 1
            while end < len(expr) and expr[end] != char:
                end += 2 if expr[end] == "\\" and char != "`" else 1
            if end >= len(expr):
                return f"the string opened with {char} at column {index + 1} is never closed"
            index = end
        elif char == "#":
            newline = expr.find("\n", index)
            index = len(expr) if newline == -1 else newline
        elif char in _CLOSERS:
            stack.append(char)
        elif char in _CLOSERS.values():
            if not stack or _CLOSERS[stack.pop()] != char:
                return f"unexpected '{char}' at column {index + 1}"
        index += 1
    return f"the '{stack[-1]}' is never closed" if stack else None
