"""Mail: a text and an HTML part, with ``List-Unsubscribe`` pointing at the site's subscribe page.

One message per event to the channel's ``to`` addresses (for many subscribers, a mailing list's
address). With several addresses the ``To:`` header is ``undisclosed-recipients:;`` and each is a
recipient of the envelope only, so no subscriber sees the others' addresses. The HTML part is rendered by Jinja with autoescaping: every value in it is text from
the public API and is shown, never interpreted. The ``Message-ID`` is derived from the event and
the channel, so a mail client or list that sees the same event twice shows it once.
"""

from __future__ import annotations

import hashlib
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

import jinja2

from generator.notify.message import Message, Site, shorten, text
from generator.settings.channels import EmailChannel

_HTML = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined).from_string("""\
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ m.heading }}</title></head>
<body style="font-family: sans-serif; line-height: 1.5; max-width: 40em">
<p style="color: #555">{{ site }}</p>
<h1 style="font-size: 1.3em; border-left: 6px solid {{ m.colour }}; padding-left: .5em">{{ m.heading }}</h1>
<p>{{ m.body }}</p>
{% if m.components %}<table role="presentation">
{% for name, state in m.components %}
<tr><th scope="row" style="text-align: left; padding-right: 1em">{{ name }}</th><td>{{ state }}</td></tr>
{% endfor %}</table>{% endif %}
<p style="color: #555">{{ m.when }}</p>
<p><a href="{{ m.link }}">View on the status page</a></p>
<p style="color: #555; font-size: .9em">You receive this because you subscribed to {{ site }}.
<a href="{{ subscribe }}">Manage your subscription</a>.</p>
</body></html>
""")


def mail(message: Message, site: Site, channel: EmailChannel) -> EmailMessage:
    mail = EmailMessage()
    domain = channel.sender.rpartition("@")[2]
    local = channel.sender.rpartition("@")[0]
    mail["Subject"] = shorten(f"[{site.name}] {message.heading}", 200)
    mail["From"] = Address(channel.sender_name or site.name, local, domain)
    mail["To"] = channel.to[0] if len(channel.to) == 1 else "undisclosed-recipients:;"
    mail["Date"] = format_datetime(message.event.moment)
    digest = hashlib.sha256(f"{message.event.id}\n{channel.key}".encode()).hexdigest()[:32]
    mail["Message-ID"] = f"<{digest}@{domain}>"
    mail["List-Unsubscribe"] = f"<{site.subscribe_url}>"
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(text(message) + f"\nManage your subscription: {site.subscribe_url}\n")
    mail.add_alternative(_HTML.render(m=message, site=site.name, subscribe=site.subscribe_url), subtype="html")
    return mail
