"""``statusgen notify``: tell subscribers (chat, webhooks, mail) what changed between two published sites.

Built only from the public ``api/v2`` documents of the site just built and of the one published
before, never from ``content/``: what is not on the public site cannot reach a notification.
"""
