"""Delivering the outbox over SMTP: claim with a lease, send, mark sent; retry what may pass later."""
from __future__ import annotations

import base64
import re
import smtplib
import socket
import ssl
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from flask import current_app
from sqlalchemy import or_

from app.database import lock_rows, unit_of_work
from app.extensions import db
from app.messages.models import OutboxMessage
from app.timeutil import utcnow

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 12
BATCH = 50


class PermanentFailure(Exception):
    """The server refused this message for good (5xx for the recipient)."""


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 ... minutes, at most six hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def _claimable(now: datetime):
    return or_(
        (OutboxMessage.status == "queued") & (OutboxMessage.next_attempt_at <= now),
        (OutboxMessage.status == "sending") & (OutboxMessage.lease_until < now),
    )


def claim(limit: int = BATCH, now: datetime | None = None) -> list[int]:
    """Take due messages for this process: SKIP LOCKED on PostgreSQL, an immediate transaction on SQLite."""
    now = now or utcnow()
    query = db.select(OutboxMessage).where(_claimable(now)).order_by(OutboxMessage.id).limit(limit)
    with unit_of_work():  # committed before any message is sent
        messages = lock_rows(query, skip_locked=True)
        for message in messages:
            message.status, message.lease_until = "sending", now + LEASE
            message.attempts += 1
        return [m.id for m in messages]


def build_email(message: OutboxMessage) -> EmailMessage:
    """HTML and text, with the invitation inline (text/calendar; method=...) and attached."""
    config = current_app.config
    email = EmailMessage()
    email["Subject"] = message.subject
    email["From"] = config["MAIL_FROM"]
    email["To"] = formataddr((message.to_name, message.to_email))
    email["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}", domain="citedesmetiers.brussels")
    email["Content-Language"] = message.language
    email.set_content(message.body_text)
    html, images = _inline_images(message.body_html, message.id)
    email.add_alternative(html, subtype="html")
    if images:  # images travel as parts of the message: many mail clients hide data: addresses
        html_part = email.get_payload()[1]
        for cid, subtype, data in images:
            html_part.add_related(data, maintype="image", subtype=subtype, cid=f"<{cid}>")
    if message.ics:
        method = message.ics_method or "PUBLISH"
        email.add_alternative(message.ics, subtype="calendar", params={"method": method})
        email.make_mixed()
        email.add_attachment(message.ics.encode("utf-8"), maintype="application", subtype="ics",
                             filename="invite.ics")
    return email


DATA_IMAGE = re.compile(r'src="data:image/(png|gif|jpeg);base64,([A-Za-z0-9+/=]+)"')


def _inline_images(html: str, message_id: int) -> tuple[str, list[tuple[str, str, bytes]]]:
    """Turn `data:` images of the HTML into `cid:` references to parts of the message."""
    images: list[tuple[str, str, bytes]] = []

    def swap(match: re.Match) -> str:
        cid = f"image{len(images) + 1}.outbox{message_id}@citedesmetiers.brussels"
        images.append((cid, match.group(1), base64.b64decode(match.group(2))))
        return f'src="cid:{cid}"'

    return DATA_IMAGE.sub(swap, html), images


def _connect() -> smtplib.SMTP:
    config = current_app.config
    host, port, mode = config["SMTP_HOST"], int(config["SMTP_PORT"]), (config.get("SMTP_TLS") or "none")
    timeout = float(config.get("SMTP_TIMEOUT", 15))
    if mode == "ssl":
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
        if mode == "starttls":
            smtp.starttls(context=ssl.create_default_context())
    if config.get("SMTP_USER"):
        smtp.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
    return smtp


def _send(smtp: smtplib.SMTP, message: OutboxMessage) -> None:
    try:
        smtp.send_message(build_email(message), to_addrs=[message.to_email])
    except smtplib.SMTPRecipientsRefused as exc:
        code, reason = next(iter(exc.recipients.values()))
        if code >= 500:
            raise PermanentFailure(f"{code} {reason.decode(errors='replace') if isinstance(reason, bytes) else reason}")
        raise
    except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
        if exc.smtp_code >= 500:
            raise PermanentFailure(f"{exc.smtp_code} {exc.smtp_error!r}")
        raise


def deliver_due(now: datetime | None = None) -> dict[str, int]:
    """Send what is due. Without SMTP_HOST, messages stay queued in the outbox for staff to read."""
    counts = {"sent": 0, "failed": 0, "retry": 0}
    if not current_app.config.get("SMTP_HOST"):
        return counts
    ids = claim(now=now)
    if not ids:
        return counts
    smtp = None
    for message_id in ids:
        with unit_of_work():  # each message is marked as soon as the server answered for it
            message = db.session.get(OutboxMessage, message_id)
            try:
                smtp = smtp or _connect()
                _send(smtp, message)
            except PermanentFailure as exc:
                message.status, message.last_error = "failed", str(exc)[:500]
                counts["failed"] += 1
            except (smtplib.SMTPException, OSError, socket.timeout) as exc:
                _retry_later(message, exc)
                counts["retry"] += 1
                smtp = _close(smtp)
            else:
                message.status, message.sent_at, message.last_error = "sent", utcnow(), ""
                counts["sent"] += 1
            message.lease_until = None
    _close(smtp)
    return counts


def _retry_later(message: OutboxMessage, exc: Exception) -> None:
    message.last_error = f"{type(exc).__name__}: {exc}"[:500]
    if message.attempts >= MAX_ATTEMPTS:
        message.status = "failed"
    else:
        message.status, message.next_attempt_at = "queued", utcnow() + backoff(message.attempts)


def _close(smtp):
    if smtp is not None:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()
    return None


def retry_now(message_id: int) -> OutboxMessage | None:
    """Staff: try a queued or failed message again at once."""
    message = db.session.get(OutboxMessage, message_id)
    if message is not None and message.status in ("queued", "failed"):
        message.status, message.next_attempt_at = "queued", utcnow()
        db.session.flush()
    return message
