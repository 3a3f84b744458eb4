"""Getting one message through one channel: a timeout per attempt, retries with backoff, and a
one-line account of what happened. Never raises: a failed delivery is reported, not fatal.

Tried again: connection errors, timeouts, HTTP 5xx, and 429 (after its ``Retry-After``, at most
:data:`MAX_RETRY_AFTER` seconds); SMTP 4xx replies and dropped connections. Not tried again:
other HTTP answers (3xx included, as Statuspage counts them: a webhook must answer 2xx) and SMTP
5xx replies, which another attempt would not change. Secrets (URLs, passwords) are never part
of what is reported.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from email.message import EmailMessage

import httpx

from generator.notify.channels import webhook

MAX_RETRY_AFTER = 30.0


@dataclass(frozen=True)
class Policy:
    timeout: float
    attempts: int
    backoff: float


@dataclass(frozen=True)
class Result:
    ok: bool
    attempts: int
    detail: str


class _Retry(Exception):
    def __init__(self, detail: str, wait: float | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.wait = wait


class _Fail(Exception):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def _attempts(policy: Policy, once: Callable[[], str]) -> Result:
    delay = policy.backoff
    detail = ""
    for attempt in range(1, policy.attempts + 1):
        try:
            return Result(True, attempt, once())
        except _Fail as exc:
            return Result(False, attempt, exc.detail)
        except _Retry as exc:
            detail = exc.detail
            if attempt < policy.attempts:
                time.sleep(exc.wait if exc.wait is not None else delay)
                delay *= 2
    return Result(False, policy.attempts, detail)


def _retry_after(value: str | None, default: float) -> float:
    try:
        return min(max(float(value or ""), 0.0), MAX_RETRY_AFTER)
    except ValueError:
        return default


def post(url: str, body: bytes, headers: dict[str, str], policy: Policy, secret: str | None = None) -> Result:
    """POST ``body`` (JSON) to ``url``; signed afresh for each attempt when ``secret`` is given."""
    def once() -> str:
        sent = {"Content-Type": "application/json", "User-Agent": "statusgen-notify", **headers}
        if secret is not None:
            stamp = int(time.time())
            sent[webhook.TIMESTAMP] = str(stamp)
            sent[webhook.SIGNATURE] = webhook.sign(secret, stamp, body)
        try:
            with httpx.Client(timeout=policy.timeout, follow_redirects=False) as client:
                response = client.post(url, content=body, headers=sent)
        except httpx.TimeoutException:
            raise _Retry(f"no answer within {policy.timeout:g}s") from None
        except httpx.TransportError as exc:
            raise _Retry(f"cannot connect ({type(exc).__name__})") from None
        code = response.status_code
        if 200 <= code < 300:
            return f"HTTP {code}"
        if code == 429:
            raise _Retry("HTTP 429 (rate limited)", _retry_after(response.headers.get("Retry-After"), policy.backoff))
        if code >= 500:
            raise _Retry(f"HTTP {code}")
        raise _Fail(f"HTTP {code}")
    return _attempts(policy, once)


#: An SMTP attempt ends this many times ``timeout`` after it began, however the server answers: each
#: read has ``timeout``, but a server sending reply lines slowly and forever would otherwise hold the run.
SMTP_ATTEMPT_FACTOR = 3


class _Deadline:
    """The reply stream of an SMTP connection that stops answering at a deadline."""

    def __init__(self, inner: Any, deadline: float) -> None:
        self.inner, self.deadline = inner, deadline

    def readline(self, size: int = -1) -> bytes:
        if time.monotonic() > self.deadline:
            raise TimeoutError("the server's reply did not end in time")
        line: bytes = self.inner.readline(size)
        return line

    def close(self) -> None:
        self.inner.close()


def _bounded(base: type[smtplib.SMTP]) -> type[smtplib.SMTP]:
    class Bounded(base):  # type: ignore[valid-type,misc]
        deadline = float("inf")

        def getreply(self) -> tuple[int, bytes]:
            if self.file is None and self.sock is not None:  # as smtplib makes it, read up to the deadline
                self.file = _Deadline(self.sock.makefile("rb"), self.deadline)  # type: ignore[assignment]
            return super().getreply()  # type: ignore[no-any-return]
    return Bounded


_SMTP, _SMTP_SSL = _bounded(smtplib.SMTP), _bounded(smtplib.SMTP_SSL)


def send_mail(mail: EmailMessage, recipients: list[str], host: str, port: int, security: str, username: str | None,
              password: str | None, policy: Policy) -> Result:
    """Submit ``mail`` over SMTP: implicit TLS, STARTTLS (refused if the server does not offer it) or plain."""
    def once() -> str:
        try:
            deadline = time.monotonic() + SMTP_ATTEMPT_FACTOR * policy.timeout
            if security == "tls":
                client: smtplib.SMTP = _SMTP_SSL(timeout=policy.timeout, context=ssl.create_default_context())
            else:
                client = _SMTP(timeout=policy.timeout)
            client.deadline = deadline  # type: ignore[attr-defined]
            client._host = host  # what the constructor would set: TLS checks the certificate against it
            code, greeting = client.connect(host, port)
            if code != 220:  # as the constructor does
                client.close()
                raise smtplib.SMTPConnectError(code, greeting)
            with client:
                if security == "starttls":
                    client.starttls(context=ssl.create_default_context())
                if username and password is not None:
                    client.login(username, password)
                refused = client.send_message(mail, to_addrs=recipients)
        except smtplib.SMTPAuthenticationError as exc:  # the same password fails again
            raise _Fail(f"SMTP {exc.smtp_code}: the server refused the login") from None
        except smtplib.SMTPResponseException as exc:
            detail = f"SMTP {exc.smtp_code}"
            if 400 <= exc.smtp_code < 500:
                raise _Retry(detail) from None
            raise _Fail(detail) from None
        except smtplib.SMTPRecipientsRefused as exc:
            raise _Fail(f"every recipient refused ({len(exc.recipients)})") from None
        except smtplib.SMTPNotSupportedError:
            raise _Fail("the server offers no STARTTLS") from None
        except (smtplib.SMTPServerDisconnected, socket.timeout, TimeoutError):
            raise _Retry(f"no answer within {policy.timeout:g}s or connection dropped") from None
        except (OSError, smtplib.SMTPException) as exc:
            raise _Retry(f"cannot deliver ({type(exc).__name__})") from None
        # Some recipients refused for good: another attempt would send the others a second copy.
        return f"accepted; {len(refused)} recipient(s) refused" if refused else "accepted"
    return _attempts(policy, once)
