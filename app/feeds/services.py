"""Replacing a person's feed link, making and revoking users' feed links. Services flush, never commit."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from app.accounts.access import can
from app.accounts.models import User
from app.errors import NotFound
from app.extensions import db
from app.feeds.links import PERSON, USER, hash_of, new_nonce, person_feed, person_feed_url_of, token_of
from app.feeds.models import PersonFeed, UserFeed
from app.messages.models import Kind
from app.messages.outbox import queue_message
from app.registrations.models import Registration
from app.timeutil import utcnow


def replace_person_feed(registration: Registration) -> PersonFeed:
    """A new link for the feed of the registration's address; the old one answers 404 from now on. The
    new link goes by e-mail to that address only, never to whoever asked."""
    if not registration.email_key:
        raise NotFound({"token": str(_l("Unknown registration."))})
    feed = person_feed(registration.email_key)
    feed.nonce = new_nonce()
    feed.token_hash = hash_of(token_of(PERSON, feed.nonce))
    feed.replaced_at = utcnow()
    db.session.flush()
    lang = registration.language
    with force_locale(lang):
        url = person_feed_url_of(feed, lang)
        queue_message(Kind.FEED_LINK, to_email=registration.email, to_name=registration.name, language=lang,
                      subject=_l("The new link to your calendar of registrations"), template="messages/feed_link",
                      context=dict(feed_url=url), registration_id=registration.id,
                      session_id=registration.session_id)
    return feed


def may_have_feed(user: User) -> bool:
    """Staff see every session in theirs; a partner user their organisation's sessions."""
    return user.active and (can(user, "see_centre") or user.role == "partner")


def user_feeds(user: User) -> list[UserFeed]:
    return list(db.session.scalars(sa.select(UserFeed).where(UserFeed.user_id == user.id).order_by(UserFeed.id)))


def create_user_feed(user: User) -> UserFeed:
    nonce = new_nonce()
    feed = UserFeed(user_id=user.id, nonce=nonce, token_hash=hash_of(token_of(USER, nonce)), created_at=utcnow())
    db.session.add(feed)
    db.session.flush()
    return feed


def revoke_user_feed(user: User, feed_id: int) -> None:
    """Delete one of the user's own feed links (another user's is unknown here)."""
    found = db.session.scalar(sa.select(UserFeed).where(UserFeed.id == feed_id, UserFeed.user_id == user.id))
    if found is None:
        raise NotFound({"feed": str(_l("There is no such link."))})
    db.session.delete(found)
    db.session.flush()


