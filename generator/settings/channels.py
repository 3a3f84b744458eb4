"""``extra.statusgen.notify``: where ``statusgen notify`` delivers events, and how hard it tries.

URLs and secrets are named by environment variable only (``url_env``, ``secret_env``,
``password_env``): ``mkdocs.yml`` is published with the repository.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, Union

from pydantic import AfterValidator, ConfigDict, Field, Strict, model_validator
from pydantic_core import PydanticCustomError

from generator.settings.fields import Closed as _Closed
from generator.settings.fields import Text

#: An environment variable's name, as a shell and GitHub Actions' ``env:`` write it.
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: A channel's name: it keys the ledger of what was delivered, so it must stay stable.
_CHANNEL_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")
#: A mail address as a configuration may hold one: no spaces, no line breaks, one '@'.
_ADDRESS = re.compile(r"[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+")


def _env_name(value: str) -> str:
    """The name of an environment variable; a value that looks like the secret itself is refused."""
    if "://" in value or not _ENV_NAME.fullmatch(value):
        raise PydanticCustomError("env_name", "'{value}' is not the name of an environment variable (like "
                                  "SLACK_WEBHOOK_URL); put the URL or secret in that variable, never in this "
                                  "file", {"value": value[:12] + ("…" if len(value) > 12 else "")})
    return value


def _no_literal(key: str) -> Any:
    def refuse(value: Any) -> Any:
        raise PydanticCustomError("literal_secret", "URLs and secrets are never written in mkdocs.yml (it is "
                                  "published with the repository): set an environment variable and name it with "
                                  "'{key}_env'", {"key": key})
    return AfterValidator(refuse)


def _channel_name(value: str) -> str:
    if not _CHANNEL_NAME.fullmatch(value):
        raise PydanticCustomError("channel_name", "'{value}' is not a channel name: lowercase letters, digits, "
                                  "'-' and '_'", {"value": value[:40]})
    return value


def _address(value: str) -> str:
    if not _ADDRESS.fullmatch(value):
        raise PydanticCustomError("address", "'{value}' is not a mail address like status@example.com",
                                  {"value": value[:80]})
    return value


EnvName = Annotated[str, Strict(), AfterValidator(_env_name)]
ChannelName = Annotated[str, Strict(), AfterValidator(_channel_name)]
Address = Annotated[str, Strict(), AfterValidator(_address)]
Seconds = Annotated[Union[Annotated[int, Strict()], Annotated[float, Strict()]], Field(gt=0, le=120)]


class _Channel(_Closed):
    """What every channel has: a name in the ledger, the events it hears, its own timeout."""

    name: ChannelName | None = Field(None, description="Its key in api/notifications.json (default: its type); "
                                                       "unique among the channels")
    events: list[Literal["incident", "maintenance", "postmortem", "component"]] | None = Field(
        None, description="What it is told (default: incident, maintenance, postmortem; webhooks also component)")
    timeout: Seconds | None = Field(None, description="Seconds per attempt (default: notify.timeout)")
    url: Annotated[Any, _no_literal("url")] = None
    secret: Annotated[Any, _no_literal("secret")] = None
    password: Annotated[Any, _no_literal("password")] = None

    @property
    def key(self) -> str:
        return self.name or self.type  # type: ignore[attr-defined, no-any-return]

    @property
    def hears(self) -> frozenset[str]:
        """Component changes go to webhooks (Statuspage's ``component_update``); people hear of them in updates."""
        webhook = self.type == "webhook"  # type: ignore[attr-defined]
        default = ["incident", "maintenance", "postmortem"] + (["component"] if webhook else [])
        return frozenset(self.events if self.events is not None else default)


class SlackChannel(_Channel):
    """A Slack incoming webhook: Block Kit message."""

    type: Literal["slack"]
    url_env: EnvName


class TeamsChannel(_Channel):
    """A Microsoft Teams workflow webhook ("Post to a channel when a webhook request is received"): Adaptive Card."""

    type: Literal["teams"]
    url_env: EnvName


class DiscordChannel(_Channel):
    """A Discord channel webhook: one embed."""

    type: Literal["discord"]
    url_env: EnvName


class WebhookChannel(_Channel):
    """Any HTTPS endpoint: Statuspage's webhook payload, signed with HMAC-SHA256."""

    type: Literal["webhook"]
    url_env: EnvName
    secret_env: EnvName


class EmailChannel(_Channel):
    """Mail over SMTP: text and HTML parts, List-Unsubscribe pointing at the subscribe page."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    type: Literal["email"]
    host: Text
    port: Annotated[int, Strict(), Field(ge=1, le=65535)] | None = Field(
        None, description="Default: 465 for tls, 587 for starttls, 25 for none")
    security: Literal["starttls", "tls", "none"] = Field(
        "starttls", description="STARTTLS on the submission port, implicit TLS, or none (a local relay only)")
    username: Text | None = None
    password_env: EnvName | None = None
    sender: Address = Field(alias="from", description="The From: address")
    sender_name: Text | None = Field(None, alias="from_name", description="Default: the site's name")
    to: Annotated[list[Address], Field(min_length=1)] = Field(
        description="Recipients of one message: addresses, or a mailing list's address")

    @model_validator(mode="after")
    def _encrypted_password(self) -> EmailChannel:
        if self.security == "none" and self.password_env:
            raise PydanticCustomError("plain_password", "security: none would send the password unencrypted; "
                                      "use starttls or tls")
        if bool(self.username) != bool(self.password_env):
            raise PydanticCustomError("half_login", "give both username and password_env, or neither")
        return self

    @property
    def smtp_port(self) -> int:
        return self.port or {"tls": 465, "starttls": 587, "none": 25}[self.security]


Channel = Annotated[Union[SlackChannel, TeamsChannel, DiscordChannel, WebhookChannel, EmailChannel],
                    Field(discriminator="type")]


class NotifySettings(_Closed):
    """``extra.statusgen.notify``: where ``statusgen notify`` delivers events, and how hard it tries."""

    channels: list[Channel] = Field(default_factory=list)
    timeout: Seconds = Field(10, description="Seconds per attempt, per channel")
    attempts: Annotated[int, Strict(), Field(ge=1, le=10)] = Field(3, description="Tries per event and channel")
    backoff: Seconds = Field(1, description="Seconds before the second try; doubled for each one after")
    retry_hours: Annotated[int, Strict(), Field(ge=0, le=24 * 14)] = Field(
        24, description="A failed event is tried again by later runs for this many hours, then given up")

    @model_validator(mode="after")
    def _unique_names(self) -> NotifySettings:
        seen: set[str] = set()
        for channel in self.channels:
            if channel.key in seen:
                raise PydanticCustomError("duplicate_channel", "two channels are called '{name}': give one a "
                                          "'name' of its own", {"name": channel.key})
            seen.add(channel.key)
        return self
