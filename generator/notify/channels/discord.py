"""Discord webhooks: one embed (https://discord.com/developers/docs/resources/webhook#execute-webhook).

Within the documented limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits):
title 256 characters, description 4096, at most 25 fields of 256/1024, footer 2048, 6000 in all.
No ``username``: Discord refuses some names, and the webhook's own name is the one people chose.
``allowed_mentions`` is empty, so an "@everyone" in an update pings no one.
"""

from __future__ import annotations

from typing import Any

from generator.notify.message import Message, Site, shorten


def payload(message: Message, site: Site) -> dict[str, Any]:
    embed: dict[str, Any] = {
        "title": shorten(message.heading, 256),
        "description": shorten(message.body, 3000),
        "url": message.link,
        "color": int(message.colour.lstrip("#"), 16),
        "timestamp": message.event.at,
        "footer": {"text": shorten(site.name, 200)},
    }
    if message.components:
        # 10 fields of at most 100 + 100 characters: with the rest, well under 6000 in all
        embed["fields"] = [{"name": shorten(name, 100), "value": shorten(state, 100), "inline": True}
                           for name, state in message.components[:10]]
    return {"embeds": [embed], "allowed_mentions": {"parse": []}}
