"""The outbox's one writer: every message, whatever feature sends it, is queued here.

A feature passes who the message is for, its kind, its subject and the templates to render (a plain
text and an HTML version, ``<template>.txt`` and ``<template>.html``, the HTML one extending
``messages/base.html``); the message is written in the caller's transaction and delivered after
its commit by ``messages.delivery``. Nothing is committed here.

A message about a registration is written without its texts (no template): only what it needs (kind,
registration, position, reason, language, the calendar method); the sender renders it from the current
data just before it goes (``messages.services.render_queued``).
"""
from __future__ import annotations

from typing import Any

from flask import render_template
from flask_babel import force_locale
from sqlalchemy.exc import IntegrityError

from app.database import insert_row
from app.extensions import db
from app.messages.addresses import header_text, new_message_id
from app.messages.models import Kind, OutboxMessage
from app.timeutil import utcnow

SUBJECT_MAX = 300


def _merged(older: dict | None, newer: dict | None) -> dict | None:
    """The details of two messages made one: the newer's, with what the older said each value was before."""
    found = {**(older or {}), **(newer or {})}
    if (older or {}).get("before") or (newer or {}).get("before"):
        found["before"] = {**(newer or {}).get("before", {}), **(older or {}).get("before", {})}
    return found or None


def message_values(kind: Kind | str, *, to_email: str, to_name: str, language: str, subject: Any = None,
                   template: str | None = None, context: dict[str, Any] | None = None,
                   registration_id: int | None = None, session_id: int | None = None,
                   dedupe_key: str | None = None, ics: str | None = None, ics_method: str | None = None,
                   position: int | None = None, reason: str = "", details: dict | None = None,
                   school_request_id: int | None = None) -> dict[str, Any]:
    """The outbox row of one message (column: value, all but its id), not written: what ``queue_message``
    writes, or a caller that writes it together with another row (``database.insert_linked``).
    An unknown kind raises ValueError."""
    kind = Kind(kind)
    now = utcnow()
    values: dict[str, Any] = dict(
        kind=kind.value, dedupe_key=dedupe_key, registration_id=registration_id, session_id=session_id,
        school_request_id=school_request_id,
        to_email=to_email, to_name=to_name, language=language, position=position, reason=reason[:300],
        details=details or None,
        subject=None, body_text=None, body_html=None, ics=ics, ics_method=ics_method,
        next_attempt_at=now,  # due from the moment it is written
        message_id=new_message_id(),  # fixed now: a retry is the same message to mail clients
        status="queued", attempts=0, lease_until=None, lease_token=None, last_error="", sent_at=None,
        created_at=now,
    )
    if template is not None:
        with force_locale(language):
            context = {**(context or {}), "kind": kind, "lang": language, "to_name": to_name}
            values.update(subject=header_text(str(subject))[:SUBJECT_MAX],
                          body_text=render_template(f"{template}.txt", **context),
                          body_html=render_template(f"{template}.html", **context))
    return values


def queue_message(kind: Kind | str, *, to_email: str, to_name: str, language: str, subject: Any = None,
                  template: str | None = None, context: dict[str, Any] | None = None,
                  registration_id: int | None = None, session_id: int | None = None,
                  dedupe_key: str | None = None, ics: str | None = None, ics_method: str | None = None,
                  position: int | None = None, reason: str = "", details: dict | None = None,
                  supersede: bool = False, school_request_id: int | None = None) -> OutboxMessage | None:
    """Add one message to the outbox (not committed); its texts are rendered in ``language``.

    The templates get ``context`` with ``kind``, ``lang`` and ``to_name``. ``subject`` may be a lazy
    string: it is read in ``language`` too. None when ``dedupe_key`` was used already (a message that
    must go once). ``supersede``: a message of the same kind still queued for the same registration
    is rewritten instead (two edits in a row make one message). An unknown kind raises ValueError.
    The subject is kept on one line (no line or paragraph separator can reach the header). Without a
    template the message is rendered by the sender (a registration's: ``position``, ``reason`` and
    ``details`` are what it needs besides the registration itself). When a queued message is superseded,
    its ``details`` are kept under the new ones: a change's "before" stays the one people were told last.
    """
    kind = Kind(kind)
    values = message_values(
        kind, to_email=to_email, to_name=to_name, language=language, subject=subject, template=template,
        context=context, registration_id=registration_id, session_id=session_id, dedupe_key=dedupe_key, ics=ics,
        ics_method=ics_method, position=position, reason=reason, details=details,
        school_request_id=school_request_id)
    if supersede and registration_id is not None:
        queued = db.session.scalar(db.select(OutboxMessage).where(
            OutboxMessage.kind == kind.value, OutboxMessage.registration_id == registration_id,
            OutboxMessage.status == "queued", OutboxMessage.attempts == 0))
        if queued is not None:  # still to be written: the latest of what it needs
            for name in ("subject", "body_text", "body_html", "ics", "ics_method", "position", "reason"):
                setattr(queued, name, values[name])
            queued.details = _merged(queued.details, values["details"])
            return queued
    if dedupe_key is None:  # one INSERT … RETURNING id, without the unit of work's bookkeeping
        return insert_row(OutboxMessage, values)
    message = OutboxMessage(**values)
    try:
        with db.session.begin_nested():
            db.session.add(message)
    except IntegrityError:
        return None
    return message
