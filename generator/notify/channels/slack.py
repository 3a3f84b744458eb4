"""Slack incoming webhooks: a Block Kit message (https://api.slack.com/messaging/webhooks).

``text`` is the fallback shown in notifications; the blocks hold the heading (a ``header``:
plain text, at most 150 characters), the update (``section`` mrkdwn, at most 3000), the affected
components as fields (at most 10, 2000 characters each) and a ``context`` line with the time and
the link (https://api.slack.com/reference/block-kit/blocks).
"""

from __future__ import annotations

import re
from typing import Any

from generator.notify.message import Message, Site, shorten


def escape(value: str) -> str:
    """Slack's mrkdwn control characters: &, < and > (https://api.slack.com/reference/surfaces/formatting#escaping)."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cut(text: str, limit: int) -> str:
    """Escaped mrkdwn shortened to ``limit`` without leaving half an entity (``&am…``) at the cut."""
    if len(text) <= limit:
        return text
    return re.sub(r"&[a-z]*$", "", text[: limit - 1]).rstrip() + "…"


def payload(message: Message, site: Site) -> dict[str, Any]:
    """Every text Slack reads as mrkdwn is escaped, the fallback ``text`` too: it is what notifications
    show, and a title holding ``<!channel>`` there paged everyone in the channel."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": shorten(message.heading, 150), "emoji": False}},
        {"type": "section", "text": {"type": "mrkdwn",
                                     "text": cut(f"*{escape(message.status)}* - {escape(message.body)}", 3000)}},
    ]
    if message.components:
        blocks.append({"type": "section", "fields": [
            {"type": "mrkdwn", "text": cut(f"*{escape(name)}*\n{escape(state)}", 2000)}
            for name, state in message.components[:10]]})
    blocks.append({"type": "context", "elements": [
        {"type": "mrkdwn", "text": cut(f"{escape(site.name)} · {message.when} · <{message.link}|View on the "
                                       "status page>", 3000)}]})
    return {"text": cut(escape(f"{site.name} - {message.heading}"), 3000), "blocks": blocks}
