"""Microsoft Teams workflow webhooks: a message holding one Adaptive Card.

The Workflows app's "Post to a channel when a webhook request is received" takes
``{"type": "message", "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive",
"content": <AdaptiveCard>}]}``
(https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook);
the card follows https://adaptivecards.io/explorer/AdaptiveCard.html at version 1.4, which Teams renders.
"""

from __future__ import annotations

from typing import Any

from generator.notify.message import Message, Site


def payload(message: Message, site: Site) -> dict[str, Any]:
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": site.name, "size": "Small", "isSubtle": True, "wrap": True},
        {"type": "TextBlock", "text": message.heading, "size": "Medium", "weight": "Bolder", "wrap": True},
        {"type": "TextBlock", "text": message.body, "wrap": True},
    ]
    if message.components:
        body.append({"type": "FactSet", "facts": [{"title": name, "value": state}
                                                  for name, state in message.components]})
    body.append({"type": "TextBlock", "text": message.when, "size": "Small", "isSubtle": True, "wrap": True})
    card = {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard",
            "version": "1.4", "body": body,
            "actions": [{"type": "Action.OpenUrl", "title": "View on the status page", "url": message.link}]}
    return {"type": "message", "attachments": [
        {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}]}
