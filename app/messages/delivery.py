"""Delivering the outbox over SMTP, one message at a time, each in its own guard.

A run takes the due messages one by one, in the order they were written. Each is claimed just before
it is sent: a lease of its own (``OUTBOX_LEASE_SECONDS``) and a fencing token, committed before
anything goes to the server. While it is being sent a thread renews that lease, so a slow server
never lets another scheduler take the message over; marking it sent, failed or for a retry is an
``UPDATE … WHERE id = :id AND lease_token = :token``, so a process that lost its lease changes
nothing. Whatever goes wrong with one message (an address or a header that cannot be written, a
refusal, a lost connection) is written on that message, and the run goes on with the next one.

A message about a registration is written without its texts: the sender renders them (bodies, the
``.ics`` invitation, the check-in QR code) from the current data just after claiming it, and keeps them
on the message under the same fencing token, so a retry sends the same words and staff see what went.

A scheduler killed while sending can at worst resend the one message the server accepted but that was
not marked yet: the lease runs out, another run claims it again. Its Message-ID, fixed when it was
queued, lets mail clients see it as the same message.
"""
from __future__ import annotations

import base64
import logging
import re
import secrets
import smtplib
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import parseaddr

from email_validator import EmailNotValidError
from flask import current_app
from sqlalchemy import Engine, or_, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm.attributes import set_committed_value

from app.database import lock_row, lock_rows, unit_of_work
from app.extensions import db
from app.messages.addresses import MESSAGE_ID_DOMAIN, Recipient, header_text, recipient
from app.messages.models import OutboxMessage
from app.messages.services import render_message
from app.timeutil import utcnow

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 12
BATCH = 50  # messages in one run at most; the next run takes the rest
ABANDONED = "abandoned by staff"  # last_error of a message staff gave up on (shown translated)
NO_SMTPUTF8 = ("the mail server does not offer SMTPUTF8: an address with letters outside ASCII before "
               "the @ cannot be sent through it")


class PermanentFailure(Exception):
    """This message can never be sent as it is (refused for good, or impossible to write)."""


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 ... minutes, at most six hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def lease_length() -> timedelta:
    return timedelta(seconds=float(current_app.config.get("OUTBOX_LEASE_SECONDS", 300)))


def is_stuck(message: OutboxMessage, now: datetime | None = None) -> bool:
    """Being sent, and its lease ran out: the process that took it is gone (or lost the database)."""
    return message.status == "sending" and (message.lease_until is None or message.lease_until < (now or utcnow()))


def _claimable(now: datetime):
    return or_(
        (OutboxMessage.status == "queued") & (OutboxMessage.next_attempt_at <= now),
        (OutboxMessage.status == "sending") & (OutboxMessage.lease_until < now),
    )


@dataclass(frozen=True)
class Claim:
    id: int
    token: str
    attempts: int


def claim_next(after_id: int = 0, now: datetime | None = None) -> Claim | None:
    """Take the next due message (by id, after `after_id`) for this process, with a new fencing token:
    SKIP LOCKED on PostgreSQL, an immediate transaction on SQLite; committed before it is sent."""
    query = (db.select(OutboxMessage).where(_claimable(now or utcnow()), OutboxMessage.id > after_id)
             .order_by(OutboxMessage.id).limit(1))
    with unit_of_work():
        found = lock_rows(query, skip_locked=True)
        if not found:
            return None
        message = found[0]
        message.status, message.lease_token = "sending", secrets.token_hex(16)
        message.lease_until = utcnow() + lease_length()
        message.attempts += 1
        return Claim(message.id, message.lease_token, message.attempts)


def _mark(claim: Claim, **values) -> bool:
    """Change the message only if this process still holds its lease; False when it lost it."""
    with unit_of_work():
        result = db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == claim.id, OutboxMessage.lease_token == claim.token)
            .values(lease_until=None, lease_token=None, **values)
            .execution_options(synchronize_session=False))
        return result.rowcount == 1


class LeaseKeeper:
    """Renews the lease of the message being sent, from a thread of its own, every third of the lease;
    tells whether this process may still send it."""

    def __init__(self, engine: Engine, lease: timedelta):
        self._engine, self._lease = engine, lease
        self._interval = max(lease.total_seconds() / 3, 0.05)
        self._lock = threading.Lock()
        self._held: Claim | None = None
        self._valid_until = 0.0  # monotonic clock: the lease is ours until then, for sure
        self._lost = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="outbox-lease", daemon=True)

    def __enter__(self) -> "LeaseKeeper":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def hold(self, claim: Claim | None) -> None:
        with self._lock:
            self._held, self._lost = claim, False
            self._valid_until = time.monotonic() + self._lease.total_seconds()

    def still_held(self) -> bool:
        """Not taken over, and not close to running out (a renewal that failed leaves a margin)."""
        with self._lock:
            margin = self._interval
            return not self._lost and time.monotonic() < self._valid_until - margin

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            with self._lock:
                held = self._held
            if held is not None:
                self._renew(held)

    def _renew(self, held: Claim) -> None:
        started = time.monotonic()
        try:
            with self._engine.begin() as connection:
                renewed = connection.execute(
                    update(OutboxMessage.__table__)
                    .where(OutboxMessage.__table__.c.id == held.id,
                           OutboxMessage.__table__.c.lease_token == held.token)
                    .values(lease_until=utcnow() + self._lease)).rowcount == 1
        except Exception:  # the database is away: the margin of still_held() covers the next try
            log.warning("outbox: could not renew the lease of message %s", held.id, exc_info=True)
            return
        with self._lock:
            if self._held is not held:
                return
            if renewed:
                self._valid_until = started + self._lease.total_seconds()
            else:
                self._lost = True


# Writing the message ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Envelope:
    sender: str
    recipient: str
    data: bytes
    smtputf8: bool


def build_email(message: OutboxMessage, to: Recipient | None = None) -> EmailMessage:
    """HTML and text, with the invitation inline (text/calendar; method=...) and attached. Headers are
    on one line whatever the subject and the name hold; the domain of the address IDNA-encoded."""
    config = current_app.config
    to = to or recipient(message.to_email)
    email = EmailMessage()
    email["Subject"] = header_text(message.subject)
    email["From"] = config["MAIL_FROM"]
    email["To"] = Address(display_name=header_text(message.to_name or ""), username=to.local_part,
                          domain=to.ascii_domain)
    email["Message-ID"] = message.message_id
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


def envelope(message: OutboxMessage) -> Envelope:
    """The message as it goes over the wire; PermanentFailure when it cannot be written at all."""
    try:
        to = recipient(message.to_email)
    except EmailNotValidError as exc:
        raise PermanentFailure(f"the address cannot be written to: {exc}") from exc
    try:
        email = build_email(message, to)
        data = email.as_bytes(policy=policy.SMTPUTF8 if to.needs_smtputf8 else policy.SMTP)
    except Exception as exc:  # whatever a header or a part refuses: this message only, for good
        raise PermanentFailure(f"the message cannot be written: {type(exc).__name__}: {exc}") from exc
    return Envelope(parseaddr(current_app.config["MAIL_FROM"])[1], to.address, data, to.needs_smtputf8)


DATA_IMAGE = re.compile(r'src="data:image/(png|gif|jpeg);base64,([A-Za-z0-9+/=]+)"')


def _inline_images(html: str, message_id: int) -> tuple[str, list[tuple[str, str, bytes]]]:
    """Turn `data:` images of the HTML into `cid:` references to parts of the message."""
    images: list[tuple[str, str, bytes]] = []

    def swap(match: re.Match) -> str:
        cid = f"image{len(images) + 1}.outbox{message_id}@{MESSAGE_ID_DOMAIN}"
        images.append((cid, match.group(1), base64.b64decode(match.group(2))))
        return f'src="cid:{cid}"'

    return DATA_IMAGE.sub(swap, html), images


# Sending ------------------------------------------------------------------------------------------


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
    smtp.ehlo_or_helo_if_needed()
    return smtp


def _send(smtp: smtplib.SMTP, mail: Envelope) -> None:
    options: list[str] = []
    if mail.smtputf8:
        if not smtp.has_extn("smtputf8"):
            raise PermanentFailure(NO_SMTPUTF8)
        options = ["SMTPUTF8", "BODY=8BITMIME"]
    try:
        smtp.sendmail(mail.sender, [mail.recipient], mail.data, mail_options=options)
    except smtplib.SMTPRecipientsRefused as exc:
        code, reason = next(iter(exc.recipients.values()))
        if code >= 500:
            text = reason.decode(errors="replace") if isinstance(reason, bytes) else reason
            raise PermanentFailure(f"{code} {text}") from exc
        raise
    except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
        if exc.smtp_code >= 500:
            raise PermanentFailure(f"{exc.smtp_code} {exc.smtp_error!r}") from exc
        raise
    except smtplib.SMTPNotSupportedError as exc:
        raise PermanentFailure(str(exc)) from exc


def deliver_due(now: datetime | None = None) -> dict[str, int]:
    """Send what is due, each message in its own guard. Without SMTP_HOST, messages stay queued in the
    outbox for staff to read."""
    counts = {"sent": 0, "failed": 0, "retry": 0}
    if not current_app.config.get("SMTP_HOST"):
        return counts
    smtp, last_id = None, 0
    with LeaseKeeper(db.engine, lease_length()) as keeper:
        try:
            for _ in range(BATCH):
                claim = claim_next(last_id, now)
                if claim is None:
                    break
                last_id = claim.id
                keeper.hold(claim)
                try:
                    outcome, smtp = _deliver_one(claim, smtp, keeper)
                finally:
                    keeper.hold(None)
                if outcome in counts:
                    counts[outcome] += 1
        finally:
            _close(smtp)
    return counts


def _deliver_one(claim: Claim, smtp: smtplib.SMTP | None, keeper: LeaseKeeper) -> tuple[str, smtplib.SMTP | None]:
    """Write, send and mark one claimed message; (outcome, the connection to reuse)."""
    try:
        with unit_of_work():  # committed before sending: nothing is held while the server answers
            message = db.session.get(OutboxMessage, claim.id, populate_existing=True)
            if not message.rendered and not _store_rendering(claim, message):
                log.warning("outbox: lease of message %s lost while rendering; left to its new holder", claim.id)
                return "lost", smtp
            mail = envelope(message)
    except PermanentFailure as exc:
        return _failed(claim, str(exc)), smtp
    if not keeper.still_held():
        log.warning("outbox: lease of message %s lost before sending; left to its new holder", claim.id)
        return "lost", smtp
    try:
        smtp = smtp or _connect()
        _send(smtp, mail)
    except PermanentFailure as exc:
        return _failed(claim, str(exc)), smtp
    except Exception as exc:  # a connection, a time-out, a 4xx, anything that may pass: later
        return _retry_later(claim, exc), _close(smtp)
    if not _mark(claim, status="sent", sent_at=utcnow(), last_error=""):
        log.warning("outbox: message %s was sent but its lease had been taken over", claim.id)
        return "lost", smtp
    return "sent", smtp


def _store_rendering(claim: Claim, message: OutboxMessage) -> bool:
    """Render a message written without its texts, from the current data, and keep what is sent on it
    (only while this process holds its lease); False when the lease was lost."""
    try:
        rendered = render_message(message)
    except SQLAlchemyError:
        raise  # the database, not the message: the run stops and the lease lets another take it
    except Exception as exc:  # a template or a value that cannot be written: this message only, for good
        raise PermanentFailure(f"the message cannot be rendered: {type(exc).__name__}: {exc}") from exc
    if rendered is None:
        raise PermanentFailure("the message cannot be rendered: its registration is gone")
    values = {name: getattr(rendered, name) for name in ("subject", "body_text", "body_html", "ics", "ics_method")}
    result = db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == claim.id, OutboxMessage.lease_token == claim.token)
        .values(**values).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return False
    for name, value in values.items():
        set_committed_value(message, name, value)
    return True


def _failed(claim: Claim, reason: str) -> str:
    log.warning("outbox: message %s failed: %s", claim.id, reason)
    return "failed" if _mark(claim, status="failed", last_error=reason[:500]) else "lost"


def _retry_later(claim: Claim, exc: Exception) -> str:
    error = f"{type(exc).__name__}: {exc}"[:500]
    if claim.attempts >= MAX_ATTEMPTS:
        return "failed" if _mark(claim, status="failed", last_error=error) else "lost"
    done = _mark(claim, status="queued", last_error=error, next_attempt_at=utcnow() + backoff(claim.attempts))
    return "retry" if done else "lost"


def _close(smtp):
    if smtp is not None:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError, socket.timeout):
            smtp.close()
    return None


# Staff ---------------------------------------------------------------------------------------------


def retry_now(message_id: int) -> OutboxMessage | None:
    """Staff: try a queued or failed message again at once, or one stuck in sending past its lease
    (the process that held it can no longer mark it: its token is gone)."""
    message = lock_row(OutboxMessage, message_id)
    if message is not None and (message.status in ("queued", "failed") or is_stuck(message)):
        message.status, message.next_attempt_at = "queued", utcnow()
        message.lease_until = message.lease_token = None
        db.session.flush()
    return message


def can_abandon(message: OutboxMessage) -> bool:
    return message.status == "queued" or is_stuck(message)


def abandon(message_id: int) -> OutboxMessage | None:
    """Staff: give up on a queued message, or one stuck in sending past its lease: marked failed."""
    message = lock_row(OutboxMessage, message_id)
    if message is not None and can_abandon(message):
        message.status, message.last_error = "failed", ABANDONED
        message.lease_until = message.lease_token = None
        db.session.flush()
    return message
