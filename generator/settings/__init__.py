"""Site settings read from ``mkdocs.yml``: the site's name and URL, and ours under ``extra.statusgen``.

Checked like content: every problem is a :class:`~generator.errors.Diagnostic` at
the line and column of the offending key, so ``validate`` reports what ``build``
would refuse. Read as located YAML without importing MkDocs, but the way MkDocs
reads it: ``!ENV`` is resolved, ``INHERIT`` deep-merges a parent file, and
unknown tags (``!!python/name:…`` in Material's emoji settings) are tolerated in
the parts statusgen does not read.

    extra:
      statusgen:
        uptime: {days: 90, major_weight: 1.0, partial_weight: 0.3}
        history_page_size: 30
        internal: {site_name: "Acme Internal", site_url: "https://internal.example.com/"}
        maintenance: {in_progress_message: "…", completed_message: "…", cancelled_note: "…"}
        notify: {channels: [{type: slack, url_env: SLACK_WEBHOOK_URL}, …], timeout: 10, attempts: 3}
        alerts: {rules: ["content/alerts/*.yml"], severity_label: severity, severities: {critical: SEV1}}

The value types live in ``fields.py`` and the notification channels in ``channels.py``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, Strict, field_validator

from generator.content.models import AlertLabel
from generator.content.models import Severity as IncidentSeverity
from generator.content.rules import Reporter, apply_schema
from generator.content.source import Located, _Builder, _Problem, parse_yaml, read_text
from generator.errors import ContentError, Diagnostic, Severity
from generator.settings.channels import NotifySettings
from generator.settings.fields import Closed as _Closed
from generator.settings.fields import Text, Url, Weight

FILE = "mkdocs.yml"
#: The bounds of the numeric settings (a longer window or page gains nothing and costs time).
MAX_UPTIME_DAYS = 3650
MAX_HISTORY_PAGE_SIZE = 1000

Where = tuple[str, int, int]
_STANDARD_TAGS = frozenset({"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:null",
                            "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
                            "tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:str"})
_MERGE = "tag:yaml.org,2002:merge"
_RESOLVER = yaml.resolver.Resolver()


# --- The model ----------------------------------------------------------------------------


class UptimeSettings(_Closed):
    days: Annotated[int, Strict(), Field(ge=1, le=MAX_UPTIME_DAYS)] = 90
    major_weight: Weight = 1.0
    partial_weight: Weight = 0.3


class InternalSettings(_Closed):
    site_name: Text | None = None
    site_url: Url | None = None


class MaintenanceSettings(_Closed):
    """The wording of the updates statusgen posts itself when a maintenance window opens and closes."""

    in_progress_message: Text = Field("Scheduled maintenance has begun.", description=(
        "The automatic 'In progress' update posted at scheduled_for"))
    completed_message: Text = Field("The scheduled maintenance window has ended.", description=(
        "The automatic 'Completed' update posted at scheduled_until"))
    cancelled_note: Text = Field("This scheduled maintenance has been cancelled.", description=(
        "Put before a cancellation's message in the JSON API, where a cancelled maintenance is 'completed'"))


#: What an alert's ``severity`` label means, as Prometheus rule files commonly write it.
DEFAULT_ALERT_SEVERITIES = {"critical": IncidentSeverity.SEV1, "error": IncidentSeverity.SEV2,
                            "warning": IncidentSeverity.SEV3, "info": IncidentSeverity.SEV4}
#: What a PagerDuty incident's priority (P1-P5) or, without one, its urgency means.
DEFAULT_PAGERDUTY_SEVERITIES = {"P1": IncidentSeverity.SEV1, "P2": IncidentSeverity.SEV2,
                                "P3": IncidentSeverity.SEV3, "P4": IncidentSeverity.SEV4,
                                "P5": IncidentSeverity.SEV4, "high": IncidentSeverity.SEV2,
                                "low": IncidentSeverity.SEV3}


class AlertsSettings(_Closed):
    """``extra.statusgen.alerts``: the Prometheus rules checked against the runbooks, and alert → severity."""

    rules: list[Text] = Field([], description=(
        "Globs of Prometheus rule files, relative to the repository (like content/alerts/*.yml)"))
    severity_label: Annotated[AlertLabel, Strict()] = Field("severity", description=(
        "The alert label whose value gives a declared incident's severity"))
    severities: dict[Text, IncidentSeverity] = Field(DEFAULT_ALERT_SEVERITIES, description=(
        "severity_label value -> SEV1..SEV4"))
    pagerduty_severities: dict[Text, IncidentSeverity] = Field(DEFAULT_PAGERDUTY_SEVERITIES, description=(
        "PagerDuty priority (P1..P5) or, without one, urgency (high, low) -> SEV1..SEV4"))


class StatusgenSettings(_Closed):
    """``extra.statusgen``: closed, so a typo is an error at its line instead of a silent default."""

    uptime: UptimeSettings | None = None
    history_page_size: Annotated[int, Strict(), Field(ge=1, le=MAX_HISTORY_PAGE_SIZE)] = 30
    internal: InternalSettings | None = None
    maintenance: MaintenanceSettings | None = None
    notify: NotifySettings | None = None
    alerts: AlertsSettings | None = None


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)


class ExtraSettings(_Open):
    statusgen: StatusgenSettings | None = None


class ThemeSettings(_Open):
    name: Text = "material"
    custom_dir: Text | None = None


class MkDocsSettings(_Open):
    """The parts of ``mkdocs.yml`` statusgen reads; MkDocs checks the rest when it renders."""

    site_name: Text = "Status"
    site_url: Url | None = None
    site_description: Text | None = None
    theme: ThemeSettings | None = None
    extra: ExtraSettings | None = None

    @field_validator("theme", mode="before")
    @classmethod
    def _theme_by_name(cls, value: Any) -> Any:
        """``theme: material`` is short for ``theme: {name: material}``."""
        return {"name": value} if isinstance(value, str) else value


@dataclass(frozen=True)
class Weights:
    """How much a minute of each outage counts as downtime in the uptime figure."""

    major: float = 1.0
    partial: float = 0.3


@dataclass(frozen=True)
class Settings:
    site_name: str = "Status"
    site_url: str | None = None
    site_description: str | None = None
    uptime_days: int = 90
    weights: Weights = field(default_factory=Weights)
    history_page_size: int = 30
    internal_name: str | None = None
    internal_url: str | None = None
    #: the wording of the automatic maintenance updates
    maintenance: MaintenanceSettings = field(default_factory=MaintenanceSettings)
    #: where ``statusgen notify`` delivers events
    notify: NotifySettings = field(default_factory=NotifySettings)
    #: the alert settings, and the rule files their globs name (paths relative to the repository, sorted)
    alerts: AlertsSettings = field(default_factory=AlertsSettings)
    alert_rule_files: tuple[str, ...] = ()
    #: the whole mkdocs.yml as statusgen read it (INHERIT merged, !ENV resolved, other tags opaque); the
    #: renderer looks only at its theme, and has MkDocs read the file itself
    raw: dict[str, Any] = field(default_factory=dict)


# --- Reading -----------------------------------------------------------------------------


class _Tagged:
    """A value with a tag statusgen does not construct (``!!python/name:…``): MkDocs' business.

    Only a placeholder: the renderer has MkDocs read ``mkdocs.yml`` itself (``INHERIT``),
    so Material's emoji settings reach MkDocs as written.
    """

    def __init__(self, node: yaml.Node) -> None:
        self.node = node
        self.tag = node.tag


class _SettingsBuilder(_Builder):
    """The content builder, plus MkDocs' ``!ENV``, YAML merge keys, and other tags kept opaque."""

    def build(self, node: yaml.Node, path: tuple[str | int, ...], depth: int = 0) -> Any:
        if node.tag == "!ENV":
            return self._env(node, path, depth)
        if node.tag not in _STANDARD_TAGS:
            self.count += 1
            return _Tagged(node)
        if isinstance(node, yaml.MappingNode) and any(key.tag == _MERGE for key, _ in node.value):
            return self._merge_keys(node, path, depth)
        return super().build(node, path, depth)

    def _env(self, node: yaml.Node, path: tuple[str | int, ...], depth: int) -> Any:
        """``!ENV NAME`` or ``!ENV [NAME, …, default]``, as pyyaml_env_tag (MkDocs' own) resolves it."""
        children = node.value if isinstance(node, yaml.SequenceNode) else [node]
        if not isinstance(node, (yaml.ScalarNode, yaml.SequenceNode)) or not children or \
                not all(isinstance(child, yaml.ScalarNode) for child in children[:-1] or children):
            raise _Problem(*self.where(node), "yaml-env", "!ENV takes a variable name or a list [NAME, …, default]")
        default = self.build(children[-1], path, depth + 1) if len(children) > 1 else None
        for child in children[:-1] if len(children) > 1 else children:
            if child.value in os.environ:
                value = os.environ[child.value]
                tag = _RESOLVER.resolve(yaml.ScalarNode, value, (True, False))
                return self.build(yaml.ScalarNode(tag, value, node.start_mark, node.end_mark), path, depth)
        return default

    def _merge_keys(self, node: yaml.MappingNode, path: tuple[str | int, ...], depth: int) -> Any:
        """``<<: *anchor``: keys of the named mappings that the mapping does not set itself."""
        merged: dict[str, Any] = {}
        for key, value in node.value:
            if key.tag != _MERGE:
                continue
            for source in value.value if isinstance(value, yaml.SequenceNode) else [value]:
                data = self.build(source, path, depth + 1)
                if not isinstance(data, dict):
                    raise _Problem(*self.where(source), "yaml-merge-key", "'<<' must name a mapping")
                for name, item in data.items():
                    merged.setdefault(name, item)
        own = yaml.MappingNode(node.tag, [(k, v) for k, v in node.value if k.tag != _MERGE], node.start_mark,
                               node.end_mark)
        return {**merged, **super().build(own, path, depth)}


@dataclass
class _Config:
    data: dict[str, Any]
    positions: dict[tuple[str | int, ...], Where]


def _read(path: Path, rel: str, root: Path, chain: tuple[Path, ...]) -> tuple[_Config | None, list[Diagnostic]]:
    """One settings file and the files it inherits from, merged."""
    text, problems = read_text(path, rel)
    if text is None:
        return None, problems
    located, problems = parse_yaml(text, rel, builder_class=_SettingsBuilder)
    if located is None:
        return None, problems
    data = {} if located.data is None else located.data
    positions: dict[tuple[str | int, ...], Where] = {p: (rel, *lc) for p, lc in located.positions.items()}
    positions[()] = (rel, 1, 1)
    if not isinstance(data, dict):
        return None, [Diagnostic(rel, 1, 1, "error", "not-a-mapping", "expected a mapping of settings")]
    config = _Config(data, positions)
    if "INHERIT" not in data:
        return config, problems
    parent, more = _inherit(config, data.pop("INHERIT"), path, root, chain)
    problems += more
    if parent is None:
        return None, problems
    return _Config(_deep_merge(parent.data, data), {**parent.positions, **positions}), problems


def _inherit(config: _Config, name: Any, path: Path, root: Path, chain: tuple[Path, ...]
             ) -> tuple[_Config | None, list[Diagnostic]]:
    """The parent named by ``INHERIT``, relative to the file naming it (as MkDocs does)."""
    file, line, column = config.positions[("INHERIT",)]

    def error(message: str) -> tuple[None, list[Diagnostic]]:
        return None, [Diagnostic(file, line, column, "error", "inherit", message)]

    if not isinstance(name, str) or not name.strip():
        return error("INHERIT must name a settings file, like 'base.yml'")
    parent = Path(os.path.normpath(path.parent / name))
    if parent in chain or parent == path:
        return error(f"INHERIT: '{name}' inherits back from this file")
    if not parent.is_file():
        return error(f"INHERIT: the file '{name}' does not exist")
    return _read(parent, os.path.relpath(parent, root), root, chain + (path,))


def _deep_merge(base: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """MkDocs' INHERIT (mergedeep): mappings merge key by key, the child's value wins for anything else."""
    for key, value in child.items():
        if isinstance(base.get(key), dict) and isinstance(value, dict):
            _deep_merge(base[key], value)
        else:
            base[key] = value
    return base


class _FileReporter(Reporter):
    """A Reporter over settings that may come from several files (``INHERIT``)."""

    def __init__(self, positions: dict[tuple[str | int, ...], Where]) -> None:
        super().__init__(FILE)
        self.positions = positions

    def key(self, path: tuple[str | int, ...], code: str, message: str, severity: Severity = "error") -> None:
        path = tuple(path)
        if path not in self.positions:  # a tagged union (notify channels) puts the tag into the error's path
            untagged = [path[:i] + path[i + 1:] for i in range(len(path)) if isinstance(path[i], str)]
            path = next((p for p in untagged if p in self.positions), path)
        while path and path not in self.positions:
            path = path[:-1]
        file, line, column = self.positions[path]
        self.items.append(Diagnostic(file, line, column, severity, code, message))


def _tags_statusgen_reads(data: dict[str, Any], report: _FileReporter) -> None:
    """An unconstructed tag is fine for MkDocs' settings, an error in ours."""
    theme, extra = data.get("theme"), data.get("extra")
    read: list[tuple[tuple[str | int, ...], Any]] = [((name,), data.get(name)) for name in
                                                     ("site_name", "site_url", "site_description", "theme", "extra")]
    if isinstance(theme, dict):
        read += [(("theme", name), theme.get(name)) for name in ("name", "custom_dir")]
    if isinstance(extra, dict):
        stack: list[tuple[tuple[str | int, ...], Any]] = [(("extra", "statusgen"), extra.get("statusgen"))]
        while stack:
            where, value = stack.pop()
            read.append((where, value))
            if isinstance(value, dict):
                stack += [(where + (k,), v) for k, v in value.items()]
            elif isinstance(value, list):
                stack += [(where + (i,), v) for i, v in enumerate(value)]
    for where, value in read:
        if isinstance(value, _Tagged):
            report.key(where, "yaml-tag", f"unsupported YAML tag '{value.tag}' in '{'.'.join(map(str, where))}'")


def _check_theme(theme: ThemeSettings, root: Path, report: Reporter) -> None:
    """What MkDocs would refuse about the theme only once it renders."""
    themes = {entry.name for entry in entry_points(group="mkdocs.themes")}
    if theme.name not in themes:
        report.key(("theme", "name"), "unknown-theme",
                   f"theme '{theme.name}' is not installed; installed: {', '.join(sorted(themes))}")
    if "custom_dir" in theme.model_fields_set and not (theme.custom_dir and (root / theme.custom_dir).is_dir()):
        report.key(("theme", "custom_dir"), "no-custom-dir",
                   f"theme.custom_dir {theme.custom_dir!r} must name a folder beside {FILE}")


def check_settings(root: Path) -> tuple[Settings | None, list[Diagnostic]]:
    """The site's settings, or ``None`` and the diagnostics that say why they cannot be used."""
    path = root / FILE
    if not path.is_file():
        return None, [Diagnostic(FILE, 1, 1, "error", "no-settings",
                                 f"no {FILE} in {root}: it names the site, its address and its theme")]
    config, problems = _read(path, FILE, root, ())
    if config is None:
        return None, problems
    report = _FileReporter(config.positions)
    report.items += problems
    _tags_statusgen_reads(config.data, report)
    if not report.ok:
        return None, sorted(report.items)
    model = apply_schema(MkDocsSettings, Located(config.data), report)
    if model is None:
        return None, sorted(report.items)
    if model.site_url is None:
        report.key(("site_url",), "no-site-url", "site_url is not set; feeds, the JSON API and the calendar need "
                   "absolute links (set it to the address the public site is published at)")
    if model.theme:
        _check_theme(model.theme, root, report)
    ours = (model.extra.statusgen if model.extra else None) or StatusgenSettings()
    uptime, internal = ours.uptime or UptimeSettings(), ours.internal or InternalSettings()
    alerts = ours.alerts or AlertsSettings()
    rule_files = _rule_files(root, alerts, internal, report)
    if not report.ok:
        return None, sorted(report.items)
    return Settings(
        site_name=model.site_name, site_url=model.site_url, site_description=model.site_description,
        uptime_days=uptime.days, weights=Weights(major=uptime.major_weight, partial=uptime.partial_weight),
        history_page_size=ours.history_page_size, internal_name=internal.site_name, internal_url=internal.site_url,
        maintenance=ours.maintenance or MaintenanceSettings(), notify=ours.notify or NotifySettings(),
        alerts=alerts, alert_rule_files=rule_files, raw=config.data), report.items


def _rule_files(root: Path, alerts: AlertsSettings, internal: InternalSettings, report: Reporter) -> tuple[str, ...]:
    """The rule files ``alerts.rules`` names: each glob inside the repository and matching a file.

    A glob that matches nothing is an error, not an empty list: a typo (or a monitoring checkout
    that is missing) would otherwise switch every alert check off without a word.
    """
    found: set[str] = set()
    where = ("extra", "statusgen", "alerts", "rules")
    if alerts.rules and internal.site_url is None:
        report.key(where, "alerts-need-internal-url", "alerts.rules needs extra.statusgen.internal.site_url: "
                   "every alert's runbook_url must point at a runbook page of the internal site")
    base = root.resolve()
    for index, pattern in enumerate(alerts.rules):
        if pattern.startswith("/") or ".." in Path(pattern).parts or "\\" in pattern:
            report.key(where + (index,), "rules-outside", f"alerts.rules: {pattern!r} must be a path relative to "
                       "the repository, inside it (like content/alerts/*.yml)")
            continue
        try:
            matches = sorted(path for path in base.glob(pattern) if path.is_file())
        except (ValueError, OSError) as exc:
            report.key(where + (index,), "rules-glob", f"alerts.rules: {pattern!r} is not a valid glob: {exc}")
            continue
        inside = [path for path in matches if path.resolve().is_relative_to(base)]
        if len(inside) != len(matches):
            report.key(where + (index,), "rules-outside", f"alerts.rules: {pattern!r} reaches outside the "
                       "repository through a symbolic link")
        elif not matches:
            report.key(where + (index,), "rules-no-match", f"alerts.rules: no file matches {pattern!r}")
        found.update(path.relative_to(base).as_posix() for path in inside)
    return tuple(sorted(found))


def load_settings(root: Path) -> Settings:
    """The site's settings; raises :class:`ContentError` with every problem found in them."""
    settings, diagnostics = check_settings(root)
    if settings is None:
        raise ContentError(diagnostics)
    return settings
