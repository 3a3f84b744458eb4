"""What every channel says about an event: one wording, from the public documents alone.

Channels only lay it out (Block Kit, an Adaptive Card, an embed, a mail); names of states and
statuses come from :mod:`generator.output.labels`, so a chat message says what the page says.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.content.models import ComponentState
from generator.notify.events import Event, parse_ts
from generator.output.labels import COLOURS, state_label, status_label
from generator.output.markup import utc
from generator.status.timeline import worst


@dataclass(frozen=True)
class Site:
    """The site a notification is about: from ``mkdocs.yml`` and the built ``api/v2/status.json``."""

    name: str
    url: str
    page: dict[str, object]
    status: dict[str, object]

    @property
    def subscribe_url(self) -> str:
        return f"{self.url}subscribe/"


@dataclass(frozen=True)
class Message:
    event: Event
    #: 'Resolved', 'In progress', 'Major Outage' …
    status: str
    title: str
    body: str
    #: (component name, its state's label) the event lists
    components: tuple[tuple[str, str], ...]
    link: str
    #: the event's time, as the pages write it: Nov 26, 2026 08:10 UTC
    when: str
    #: '#b91c1c': the colour of the worst state the event names, else of the page's indicator
    colour: str

    @property
    def heading(self) -> str:
        return f"{self.status}: {self.title}"


def _when(at: str) -> str:
    return utc(parse_ts(at))


def compose(event: Event, site: Site) -> Message:
    """The message for ``event``."""
    if event.topic == "component":
        component = event.component or {}
        name, state = str(component.get("name")), str(component.get("status"))
        old = state_label(event.old_status) if event.old_status else "unknown"
        return Message(event, state_label(state), f"{name} is {state_label(state).lower()}",
                       f"{name} changed from {old.lower()} to {state_label(state).lower()}.",
                       ((name, state_label(state)),), site.url, _when(event.at), COLOURS[state])
    incident = event.incident or {}
    link = str(incident.get("shortlink") or site.url)
    if event.topic == "postmortem":
        return Message(event, status_label("postmortem"), str(incident["name"]),
                       "The postmortem of this incident is published: what happened, why, and what we are "
                       "changing so that it does not happen again.", (), link, _when(event.at),
                       COLOURS["none"])
    update = event.update or {}
    affected = update.get("affected_components") or []
    if affected:
        components = tuple((str(c["name"]), state_label(str(c["new_status"]))) for c in affected)
        states = [str(c["new_status"]) for c in affected]
    else:
        components = tuple((str(c["name"]), state_label(str(c["status"]))) for c in incident.get("components") or [])
        states = []
    state = worst(ComponentState(s) for s in states).value
    colour = COLOURS[state] if state != "operational" else \
        COLOURS["operational"] if update.get("status") in ("resolved", "completed") else \
        COLOURS[str(incident.get("impact", "none"))]
    return Message(event, status_label(str(update["status"])), str(incident["name"]), str(update.get("body", "")),
                   components, link, _when(event.at), colour)


def text(message: Message) -> str:
    """Plain text: the mail's text part, and what ``--dry-run`` shows of a chat message."""
    lines = [message.heading, "", message.body, ""]
    if message.components:
        lines += ["Affected components:"] + [f"- {name}: {state}" for name, state in message.components] + [""]
    lines += [f"{message.when}", message.link]
    return "\n".join(lines) + "\n"


def shorten(value: str, limit: int) -> str:
    """At most ``limit`` characters, ending in '…' when cut: chat services refuse longer fields."""
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"
