"""One module per kind of channel, each turning a :class:`~generator.notify.message.Message` into
what that service documents; :func:`outgoing` picks the module by the channel's ``type``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from generator.notify.message import Message, Site
from generator.settings.channels import EmailChannel, NotifySettings


@dataclass(frozen=True)
class Outgoing:
    """What one channel sends for one event: a JSON body to POST, or a mail."""

    channel: str
    type: str
    json: dict[str, Any] | None = None
    mail: EmailMessage | None = None
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def body(self) -> bytes:
        """The exact bytes POSTed (and signed)."""
        return json.dumps(self.json, ensure_ascii=False, separators=(",", ":")).encode()

    def preview(self) -> str:
        if self.mail is not None:
            return self.mail.as_string()
        return json.dumps(self.json, ensure_ascii=False, indent=2) + "\n"


def outgoing(channel: Any, message: Message, site: Site, settings: NotifySettings) -> Outgoing:
    from generator.notify.channels import discord, email, slack, teams, webhook

    name = channel.key
    if isinstance(channel, EmailChannel):
        return Outgoing(name, "email", mail=email.mail(message, site, channel))
    builder = {"slack": slack.payload, "teams": teams.payload, "discord": discord.payload,
               "webhook": webhook.payload}[channel.type]
    headers = {"X-Statusgen-Event": message.event.id} if channel.type == "webhook" else {}
    return Outgoing(name, channel.type, json=builder(message, site), headers=headers)
