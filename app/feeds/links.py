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
from functools import cache

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.feeds.models import PersonFeed, UserFeed
from app.timeutil import utcnow

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
    committed)."""
    if create:
        make_person_feed(email_key)
    return db.session.scalar(sa.select(PersonFeed).where(PersonFeed.email_key == email_key))


@cache
def _nonce_query():
    table = PersonFeed.__table__
    return sa.select(table.c.nonce).where(table.c.email_key == sa.bindparam("email_key"))


@cache
def _nonce_insert():
    """INSERT … ON CONFLICT DO NOTHING RETURNING nonce, in the words PostgreSQL and SQLite share: a row comes
    back only when this statement made it. Written as text, which is compiled once (the dialects' own
    ON CONFLICT construct is compiled again at every call)."""
    columns = PersonFeed.__table__.c
    return sa.text(
        "INSERT INTO person_feed (email_key, nonce, token_hash, created_at) "
        "VALUES (:email_key, :nonce, :token_hash, :created_at) ON CONFLICT (email_key) DO NOTHING RETURNING nonce"
    ).bindparams(*(sa.bindparam(name, type_=columns[name].type)
                   for name in ("email_key", "nonce", "token_hash", "created_at")))


def new_feed_values(email_key: str) -> dict:
    """The values of a new feed row for an address (the bound values of ``_nonce_insert``)."""
    nonce = new_nonce()
    return {"email_key": email_key, "nonce": nonce, "token_hash": hash_of(token_of(PERSON, nonce)),
            "created_at": utcnow()}


def make_person_feed(email_key: str) -> str | None:
    """The feed row of an address made now, if it had none: its nonce; None when it existed already (one
    statement either way). Two requests making it at once both end with the same row: the second insert
    does nothing."""
    return db.session.connection().execute(_nonce_insert(), new_feed_values(email_key)).scalar()


@cache
def feed_nonce_columns() -> tuple:
    """Two columns for a PostgreSQL statement that also makes the address's feed row (bound as in
    ``new_feed_values``), through a data-modifying WITH: the nonce of the row it made, and the nonce of the
    row that was there before the statement. Both are null only when another transaction made the row
    meanwhile: then ``person_feed_nonce`` reads it."""
    made = _nonce_insert().columns(sa.column("nonce", sa.String)).cte("made_feed")
    table = PersonFeed.__table__
    return (sa.select(made.c.nonce).scalar_subquery(),
            sa.select(table.c.nonce).where(table.c.email_key == sa.bindparam("email_key")).scalar_subquery())


def person_feed_nonce(email_key: str, create: bool = True) -> str | None:
    """The nonce of an address's feed, its row made the first time unless `create` is false."""
    made = make_person_feed(email_key) if create else None
    if made is not None:
        return made
    return db.session.connection().execute(_nonce_query(), {"email_key": email_key}).scalar()


def person_feed_url(email_key: str | None, lang: str, create: bool = True, nonce: str | None = None) -> str | None:
    """The address of the feed of every registration of `email_key`, its texts in `lang` (None for a
    registration without an e-mail address, or when the row is missing and may not be made here). `nonce`:
    the feed's, when it is known already."""
    if nonce is None and email_key:
        nonce = person_feed_nonce(email_key, create)
    return _person_url(nonce, lang) if nonce is not None else None


def person_feed_url_of(feed: PersonFeed, lang: str) -> str:
    return _person_url(feed.nonce, lang)


def _person_url(nonce: str, lang: str) -> str:
    return f"{_base()}/feeds/people/{token_of(PERSON, nonce)}.ics?lang={lang}"


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
