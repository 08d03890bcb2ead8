"""The secret links of the feeds of one's own, made again from their rows (see app.feeds.models).

A token is the HMAC-SHA256 of the row's random nonce under SECRET_KEY, in URL-safe Base64: unguessable
without the key, written into every message without being stored, looked up by its SHA-256.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.feeds.models import PersonFeed, UserFeed

TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
PERSON, USER = "person-feed", "user-feed"


def new_nonce() -> str:
    return secrets.token_urlsafe(32)


def token_of(purpose: str, nonce: str) -> str:
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    digest = hmac.new(key, f"{purpose}|{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def hash_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _base() -> str:
    return current_app.config["BASE_URL"].rstrip("/")


# A person's feed ---------------------------------------------------------------------------------


def person_feed(email_key: str, create: bool = True) -> PersonFeed | None:
    """The feed row of an e-mail address, made the first time unless `create` is false (flushed, not
    committed). Two requests making it at once both end with the same row: the second insert does nothing."""
    found = db.session.scalar(sa.select(PersonFeed).where(PersonFeed.email_key == email_key))
    if found is not None or not create:
        return found
    nonce = new_nonce()
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    from app.timeutil import utcnow

    db.session.execute(insert(PersonFeed).values(
        email_key=email_key, nonce=nonce, token_hash=hash_of(token_of(PERSON, nonce)), created_at=utcnow(),
    ).on_conflict_do_nothing(index_elements=["email_key"]))
    return db.session.scalar(sa.select(PersonFeed).where(PersonFeed.email_key == email_key))


def person_feed_url(email_key: str | None, lang: str, create: bool = True) -> str | None:
    """The address of the feed of every registration of `email_key`, its texts in `lang` (None for a
    registration without an e-mail address, or when the row is missing and may not be made here)."""
    feed = person_feed(email_key, create) if email_key else None
    return person_feed_url_of(feed, lang) if feed is not None else None


def person_feed_url_of(feed: PersonFeed, lang: str) -> str:
    return f"{_base()}/feeds/people/{token_of(PERSON, feed.nonce)}.ics?lang={lang}"


def find_person_feed(token: str) -> PersonFeed | None:
    if not isinstance(token, str) or not TOKEN.fullmatch(token):
        return None
    return db.session.scalar(sa.select(PersonFeed).where(PersonFeed.token_hash == hash_of(token)))


# A user's feed -----------------------------------------------------------------------------------


def user_feed_url(feed: UserFeed, lang: str) -> str:
    return f"{_base()}/feeds/users/{token_of(USER, feed.nonce)}.ics?lang={lang}"


def find_user_feed(token: str) -> UserFeed | None:
    if not isinstance(token, str) or not TOKEN.fullmatch(token):
        return None
    return db.session.scalar(sa.select(UserFeed).where(UserFeed.token_hash == hash_of(token)))
