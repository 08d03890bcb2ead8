"""Queueing posts ahead, publishing what is due, and what staff do with a post before it goes.

Posts are queued ahead (the next day's and the next week's, as soon as they have sessions), so staff
see them and may edit them; one not edited is written again just before it goes, so its seats are
those of that moment. Each goes out at its time (``POSTS_WEEK_AT``, ``POSTS_DAY_AT``, Brussels time)
and until the end of that day; later it has failed ("too late"), or is skipped when its network has
no credentials (posts then stay in the preview).

Publishing claims one post at a time like the outbox claims a message: a lease of its own
(``POSTS_LEASE_SECONDS``, longer than a call to a network may last) and a fencing token, committed
before the network is called; marking it is an ``UPDATE … WHERE id AND lease_token``, so two schedulers
never publish one post twice, and a process that lost its lease changes nothing. A scheduler killed
after the network accepted a post leaves it to be claimed again when the lease runs out: the network
then answers that it has that text already, which counts as published.

- a rate limit waits for the network's hint or a growing delay (2, 4, 8 … minutes, at most 6 hours);
- a duplicate counts as published, never tried again;
- a refused token stops that network (``PostNetwork``): its posts wait, staff are told on the page and
  by e-mail; the network goes again when its token setting changes, or when staff resume it;
- other failures: passing ones wait like rate limits, the others fail at once.
"""
from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.database import lock_names, lock_row, lock_rows, unit_of_work
from app.errors import ValidationError
from app.extensions import db
from app.integrations.social import BadToken, DuplicatePost, PostFailed, RateLimited, SocialError
from app.integrations.social_registry import (
    LABELS,
    MAX_LENGTHS,
    NETWORKS,
    is_configured,
    length_of,
    network_for,
    token_digest,
)
from app.messages.models import Kind
from app.messages.outbox import queue_message
from app.posts.compose import compose, sessions_for
from app.posts.models import KINDS, LANGUAGES, WAITING, Post, PostNetwork
from app.timeutil import BRUSSELS, local_to_utc, to_local, utcnow

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
BATCH = 20  # posts of one network in one run at most
SKIPPED_BY_STAFF = "skipped by staff"  # last_error of a post staff skipped (shown translated)
NO_SESSION_LEFT = "no session left to show"
TOO_LATE = "too late: its day is over"
NOT_CONFIGURED = "not sent: the network has no credentials"
DUPLICATE_NOTE = "the network already had this text"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


# When posts go out -------------------------------------------------------------------------------


def _clock(value: str, setting: str) -> time:
    match = re.fullmatch(r"([01]?\d|2[0-3])[:h]([0-5]\d)", value.strip())
    if not match:
        raise ValueError(f"{setting} must give a time as HH:MM, not {value!r}")
    return time(int(match.group(1)), int(match.group(2)))


def week_at(config=None) -> tuple[int, time]:
    """``POSTS_WEEK_AT`` ("monday 08:00", "mon 8:00", or a time alone for Monday): (weekday 0–6, time)."""
    raw = str((config or current_app.config).get("POSTS_WEEK_AT") or "monday 08:00").strip().lower()
    day_name, _sep, clock = raw.rpartition(" ")
    weekday = 0
    if day_name:
        wanted = day_name.strip()
        found = [i for i, name in enumerate(WEEKDAYS) if len(wanted) >= 2 and name.startswith(wanted)]
        if len(found) != 1:
            raise ValueError(f"POSTS_WEEK_AT must name a day and a time, such as 'monday 08:00', not {raw!r}")
        weekday = found[0]
    return weekday, _clock(clock, "POSTS_WEEK_AT")


def day_at(config=None) -> time:
    """``POSTS_DAY_AT`` ("07:30")."""
    return _clock(str((config or current_app.config).get("POSTS_DAY_AT") or "07:30"), "POSTS_DAY_AT")


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def due_at(kind: str, day: date) -> datetime:
    """When the post of ``kind`` for ``day`` goes out (UTC). The week's, on the set weekday of its week
    (a Saturday or Sunday set: the one before the week)."""
    if kind == "week":
        weekday, at = week_at()
        offset = weekday if weekday < 5 else weekday - 7
        return local_to_utc(monday_of(day) + timedelta(days=offset), at)
    return local_to_utc(day, day_at())


def last_moment(kind: str, day: date) -> datetime:
    """The end of the day a post goes out: after it, the post is too late."""
    local_day = to_local(due_at(kind, day)).date()
    return local_to_utc(local_day + timedelta(days=1), time(0))


def period_start(kind: str, day: date) -> date:
    """The first day a post of ``kind`` for ``day`` covers."""
    return monday_of(day) if kind == "week" else day


def post_day(kind: str, day: date) -> date:
    """The date a post of ``kind`` is kept under: the Monday of a week's post."""
    return monday_of(day) if kind == "week" else day


# Queueing ------------------------------------------------------------------------------------------


def upcoming(now: datetime) -> list[tuple[str, date]]:
    """The posts to have ready at ``now``: today's and tomorrow's, this week's and next week's, as long as
    their day is not over."""
    today = to_local(now).date()
    found = [("day", today), ("day", today + timedelta(days=1)),
             ("week", monday_of(today)), ("week", monday_of(today) + timedelta(days=7))]
    return [(kind, day) for kind, day in found if last_moment(kind, day) > now]


def queue_posts(kind: str, day: date, now: datetime | None = None) -> list[Post]:
    """The posts of ``kind`` for ``day``, one per network and language, queued when missing (composing twice
    queues once); none when the period has no session to show. Returns every post of that kind and day."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    now, day = now or utcnow(), post_day(kind, day)
    existing = {(p.network, p.language): p for p in db.session.scalars(
        db.select(Post).where(Post.kind == kind, Post.day == day))}
    missing = [(n, lang) for n in NETWORKS for lang in LANGUAGES if (n, lang) not in existing]
    if missing:
        sessions = sessions_for(kind, day, since=now)
        when = due_at(kind, day)
        for network, lang in missing:
            composed = compose(kind, day, network, lang, sessions=sessions)
            if composed is None:
                break
            post = Post(kind=kind, day=day, network=network, language=lang, text=composed.text, link=composed.link,
                        state="queued", scheduled_at=when, next_attempt_at=when, attempts=0, last_error="",
                        problem="")
            try:
                with db.session.begin_nested():  # another scheduler may queue it at the same moment
                    db.session.add(post)
            except IntegrityError:  # it did: theirs is the one
                post = db.session.scalar(db.select(Post).filter_by(kind=kind, day=day, network=network, language=lang))
                if post is None:
                    continue
            existing[(network, lang)] = post
    return sorted(existing.values(), key=lambda p: (NETWORKS.index(p.network), LANGUAGES.index(p.language)))


def queue_upcoming(now: datetime | None = None) -> int:
    """Queue the posts of ``upcoming``; how many posts are ready."""
    now = now or utcnow()
    count = 0
    for kind, day in upcoming(now):
        with unit_of_work():
            count += len(queue_posts(kind, day, now))
    return count


def expire(now: datetime | None = None) -> int:
    """Posts still waiting after their day: failed (too late), or skipped where the network has no credentials."""
    now = now or utcnow()
    late = [post_id for post_id, kind, day in db.session.execute(
        db.select(Post.id, Post.kind, Post.day).where(Post.state.in_(WAITING), Post.day <= to_local(now).date()))
        if last_moment(kind, day) <= now]
    count = 0
    for post_id in late:
        with unit_of_work():
            post = lock_row(Post, post_id)
            if post is None or post.state not in WAITING:
                continue  # published or changed meanwhile
            configured = is_configured(post.network, current_app.config)
            post.state = "failed" if configured else "skipped"
            post.last_error = TOO_LATE if configured else NOT_CONFIGURED
            post.problem = "too_late" if configured else "not_configured"
            count += 1
    return count


# Networks stopped by a refused token ---------------------------------------------------------------


def blocked(network: str) -> PostNetwork | None:
    """The network's stop, when its token was refused and has not been replaced since."""
    row = db.session.get(PostNetwork, network)
    if row is None or row.blocked_at is None:
        return None
    if row.token_digest != token_digest(network, current_app.config):
        return None  # a new token: it goes again
    return row


def block(network: str, reason: str) -> bool:
    """Stop the network and tell the coordinators and admins (once per stop); False when stopped already."""
    lock_names(f"post-network:{network}")  # two schedulers meeting the refusal at once stop it once
    row = db.session.get(PostNetwork, network, populate_existing=True)
    digest = token_digest(network, current_app.config)
    if row is not None and row.blocked_at is not None and row.token_digest == digest:
        return False
    if row is None:
        row = PostNetwork(network=network)
        db.session.add(row)
    row.blocked_at, row.blocked_reason, row.token_digest = utcnow(), reason[:500], digest
    db.session.flush()
    tell_staff(network, reason, row.blocked_at)
    return True


def resume(network: str) -> None:
    """Staff: the token was put right; the network's posts go again."""
    row = db.session.get(PostNetwork, network)
    if row is not None:
        row.blocked_at, row.blocked_reason = None, ""
        db.session.flush()


def tell_staff(network: str, reason: str, since: datetime) -> int:
    users = db.session.scalars(db.select(User).where(User.role.in_(("admin", "coordinator")),
                                                     User.active.is_(True)).order_by(User.id))
    base = current_app.config["BASE_URL"].rstrip("/")
    told = 0
    for user in users:
        with force_locale(user.language):
            subject = _("%(network)s refused its token: posts are stopped", network=LABELS[network])
        if queue_message(Kind.POSTS_BLOCKED, to_email=user.email, to_name=user.name, language=user.language,
                         subject=subject, template="posts/blocked_message",
                         context=dict(network=LABELS[network], reason=reason,
                                      page=f"{base}/{user.language}/staff/posts"),
                         dedupe_key=f"posts-blocked:{network}:{since:%Y%m%d%H%M%S}:{user.id}") is not None:
            told += 1
    return told


# Publishing ----------------------------------------------------------------------------------------


def backoff(attempts: int) -> timedelta:
    """2, 4, 8 … minutes, at most six hours."""
    return timedelta(minutes=min(2 ** max(attempts, 1), 360))


def lease_length() -> timedelta:
    from app.integrations.social_registry import http_timeout

    seconds = float(current_app.config.get("POSTS_LEASE_SECONDS", 120))
    return timedelta(seconds=max(seconds, 3 * http_timeout(current_app.config) + 10))


@dataclass(frozen=True)
class Claim:
    id: int
    token: str
    attempts: int
    network: str
    until: datetime


def _claimable(now: datetime):
    return or_((Post.state.in_(WAITING)) & (Post.next_attempt_at <= now),
               (Post.state == "publishing") & (Post.lease_until < utcnow()))


def claim_next(network: str, now: datetime, after_id: int = 0, only: int | None = None) -> Claim | None:
    """Take the next due post of ``network`` for this process, with a new fencing token; committed before
    it goes. SKIP LOCKED on PostgreSQL, an immediate transaction on SQLite."""
    query = db.select(Post).where(Post.network == network, _claimable(now), Post.id > after_id)
    if only is not None:
        query = query.where(Post.id == only)
    query = query.order_by(Post.next_attempt_at, Post.id).limit(1)
    with unit_of_work():
        found = lock_rows(query, skip_locked=True)
        if not found:
            return None
        post = found[0]
        until = utcnow() + lease_length()
        post.state, post.lease_token, post.lease_until = "publishing", secrets.token_hex(16), until
        post.attempts += 1
        return Claim(post.id, post.lease_token, post.attempts, network, until)


def _mark(claim: Claim, **values) -> bool:
    """Change the post only while this process holds its lease; False when it lost it."""
    with unit_of_work():
        result = db.session.execute(
            update(Post).where(Post.id == claim.id, Post.lease_token == claim.token)
            .values(lease_until=None, lease_token=None, **values).execution_options(synchronize_session=False))
        return result.rowcount == 1


def publish_due(now: datetime | None = None, *, only: int | None = None) -> dict[str, int]:
    """Publish what is due on each network with credentials and not stopped; counts by outcome."""
    now = now or utcnow()
    counts = {"published": 0, "retrying": 0, "failed": 0, "skipped": 0, "stopped": 0, "lost": 0}
    for network in NETWORKS:
        if not is_configured(network, current_app.config) or blocked(network) is not None:
            continue
        client = network_for(network, current_app.config)
        last_id = 0
        for _round in range(BATCH):
            claim = claim_next(network, now, last_id, only)
            if claim is None:
                break
            last_id = claim.id
            outcome = _publish_one(claim, client, now)
            counts[outcome] += 1
            if outcome in ("stopped", "retrying"):
                break  # a refused token, a rate limit or a network away: its next posts wait too
    return counts


def _publish_one(claim: Claim, client, now: datetime) -> str:
    with unit_of_work():
        post = db.session.get(Post, claim.id, populate_existing=True)
        text, link = post.text, post.link
        if not post.edited:  # written again from the calendar of this moment (seats left)
            composed = compose(post.kind, post.day, post.network, post.language, since=now)
            if composed is None:
                text = None
            else:
                text, link = composed.text, composed.link
    if text is None:
        return "skipped" if _mark(claim, state="skipped", last_error=NO_SESSION_LEFT, problem="no_session") else "lost"
    if not _mark_text(claim, text, link):
        return "lost"
    if utcnow() >= claim.until - timedelta(seconds=5):
        log.warning("posts: lease of post %s ran out before publishing; left to its new holder", claim.id)
        return "lost"
    try:
        published = client.publish(text, link)
    except DuplicatePost as exc:
        note = f"{DUPLICATE_NOTE}: {exc.reason}"[:500]
        done = _mark(claim, state="published", published_at=utcnow(), last_error=note, problem="duplicate")
        return "published" if done else "lost"
    except BadToken as exc:
        with unit_of_work():
            block(claim.network, exc.reason)
        done = _mark(claim, state="queued", attempts=claim.attempts - 1, last_error=exc.reason[:500],
                     problem="bad_token")
        return "stopped" if done else "lost"
    except RateLimited as exc:
        return _later(claim, exc, now, exc.retry_after, whole_network=True)
    except PostFailed as exc:
        if exc.temporary:
            return _later(claim, exc, now, None)
        return "failed" if _mark(claim, state="failed", last_error=exc.reason[:500], problem="refused") else "lost"
    except SocialError as exc:  # pragma: no cover - every kind is handled above
        return "failed" if _mark(claim, state="failed", last_error=exc.reason[:500], problem="refused") else "lost"
    done = _mark(claim, state="published", network_post_id=published.post_id, url=published.url,
                 published_at=utcnow(), last_error="", problem="")
    if not done:
        log.warning("posts: post %s was published but its lease had been taken over", claim.id)
    return "published" if done else "lost"


def _mark_text(claim: Claim, text: str, link: str) -> bool:
    with unit_of_work():
        result = db.session.execute(
            update(Post).where(Post.id == claim.id, Post.lease_token == claim.token)
            .values(text=text, link=link).execution_options(synchronize_session=False))
        return result.rowcount == 1


def _later(claim: Claim, exc: SocialError, now: datetime, hint: float | None, whole_network: bool = False) -> str:
    """Try again after a growing delay, or the network's hint when longer. A rate limit holds the network's
    other waiting posts as long (it is the page's limit, not the post's)."""
    problem = "rate_limited" if whole_network else "unavailable"
    if claim.attempts >= MAX_ATTEMPTS:
        return "failed" if _mark(claim, state="failed", last_error=exc.reason[:500], problem=problem) else "lost"
    delay = max(backoff(claim.attempts), timedelta(seconds=hint or 0))
    done = _mark(claim, state="retrying", next_attempt_at=now + delay, last_error=exc.reason[:500], problem=problem)
    if done and whole_network:
        with unit_of_work():
            db.session.execute(
                update(Post).where(Post.network == claim.network, Post.state.in_(WAITING), Post.id != claim.id,
                                   Post.next_attempt_at < now + delay)
                .values(next_attempt_at=now + delay).execution_options(synchronize_session=False))
    return "retrying" if done else "lost"


def run(now: datetime | None = None) -> dict[str, int]:
    """The scheduler's job: queue the coming posts, close those too late, publish what is due."""
    now = now or utcnow()
    ready = queue_upcoming(now)
    expired = expire(now)
    return {"ready": ready, "expired": expired, **publish_due(now)}


def publish_now(kind: str, day: date, now: datetime | None = None) -> tuple[list[Post], dict[str, int]]:
    """``posts publish``: queue the posts of ``kind`` for ``day`` and publish them at once. Run twice, it posts
    once per network, kind and date (those published already are left alone)."""
    now = now or utcnow()
    with unit_of_work():
        posts = queue_posts(kind, day, now)
        for post in posts:
            if post.state in WAITING:
                post.next_attempt_at = min(post.next_attempt_at, now)
    counts = {"published": 0, "retrying": 0, "failed": 0, "skipped": 0, "stopped": 0, "lost": 0}
    for post_id in [p.id for p in posts]:
        for outcome, count in publish_due(now, only=post_id).items():
            counts[outcome] += count
    return [db.session.get(Post, p.id, populate_existing=True) for p in posts], counts


# Staff ---------------------------------------------------------------------------------------------


def preview_text(post: Post, now: datetime | None = None, sessions: dict | None = None) -> str:
    """The text as it will go: an edited post's own, else written again from the calendar now. ``sessions``:
    a cache of the sessions read for each kind and day, shared by the posts of one page."""
    if post.edited or post.state not in WAITING:
        return post.text
    now = now or utcnow()
    key = (post.kind, post.day)
    if sessions is None:
        sessions = {}
    if key not in sessions:
        sessions[key] = sessions_for(post.kind, post.day, since=now)
    composed = compose(post.kind, post.day, post.network, post.language, sessions=sessions[key])
    return composed.text if composed is not None else post.text


def edit(post_id: int, text: str, user=None) -> Post:
    """Staff: the post goes with this text; refused when too long for its network or no longer waiting."""
    post = lock_row(Post, post_id)
    if post is None:
        raise ValidationError({"text": _("This post no longer exists.")})
    if post.state not in WAITING:
        raise ValidationError({"text": _("This post is no longer waiting: it cannot be changed.")})
    text = text.replace("\r\n", "\n").strip()
    if not text:
        raise ValidationError({"text": _("Write the text of the post.")})
    limit, length = MAX_LENGTHS[post.network], length_of(post.network, text)
    if length > limit:
        raise ValidationError({"text": _("This text is %(length)d characters long as %(network)s counts them; "
                                         "%(limit)d at most.", length=length, network=LABELS[post.network],
                                         limit=limit)})
    post.text, post.edited_at, post.edited_by_id = text, utcnow(), getattr(user, "id", None)
    db.session.flush()
    return post


def skip(post_id: int) -> Post | None:
    post = lock_row(Post, post_id)
    if post is not None and post.state in WAITING:
        post.state, post.last_error, post.problem = "skipped", SKIPPED_BY_STAFF, "skipped_by_staff"
        db.session.flush()
    return post


def ask_now(post_id: int) -> Post | None:
    """Staff: a waiting or failed post is due at once."""
    post = lock_row(Post, post_id)
    if post is not None and post.state in WAITING + ("failed",):
        post.state, post.next_attempt_at = ("queued" if post.state == "failed" else post.state), utcnow()
        if post.attempts >= MAX_ATTEMPTS:
            post.attempts = 0
        db.session.flush()
    return post


def waiting_posts() -> list[Post]:
    return list(db.session.scalars(db.select(Post).where(Post.state.in_(WAITING + ("publishing",)))
                                   .order_by(Post.scheduled_at, Post.network, Post.language)))


def history(limit: int = 100) -> list[Post]:
    return list(db.session.scalars(db.select(Post).where(Post.state.in_(("published", "failed", "skipped")))
                                   .order_by(Post.scheduled_at.desc(), Post.id.desc()).limit(limit)))


def local_due(post: Post) -> datetime:
    return post.scheduled_at.astimezone(BRUSSELS)
