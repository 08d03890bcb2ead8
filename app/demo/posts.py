"""Demo posts: a history of a few posts in each state, and the next ones ready (idempotent).

Built from the demo calendar with the posts' own composer; the networks' ids and addresses are made up
in their real shapes. Nothing is sent: the demo sets no credentials, so the next posts stay in the preview.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from app.extensions import db
from app.integrations.social_registry import NETWORKS
from app.posts import services
from app.posts.compose import compose, sessions_for
from app.posts.models import LANGUAGES, Post
from app.timeutil import local_to_utc, utcnow

PAGE_ID = "104512345678901"
ORGANIZATION_POST = 7261000000000000000


def _day_with_sessions(first: date, step: int) -> date | None:
    for offset in range(10):
        day = first + timedelta(days=offset * step)
        if sessions_for("day", day, since=local_to_utc(day, time(0))):
            return day
    return None


def _add(kind: str, day: date, network: str, lang: str, state: str, *, error: str = "", problem: str = "",
         attempts: int = 1, published: bool = True, next_in: timedelta | None = None, number: int = 0) -> Post | None:
    if db.session.scalar(db.select(Post.id).filter_by(kind=kind, day=day, network=network, language=lang)):
        return None
    composed = compose(kind, day, network, lang, since=local_to_utc(services.period_start(kind, day), time(0)))
    if composed is None:
        return None
    when = services.due_at(kind, day)
    post = Post(kind=kind, day=day, network=network, language=lang, text=composed.text, link=composed.link,
                state=state, scheduled_at=when, next_attempt_at=when + (next_in or timedelta()), attempts=attempts,
                last_error=error, problem=problem)
    if state == "published" and published:
        if network == "facebook":
            post.network_post_id = f"{PAGE_ID}_{880000000000 + number}"
            post.url = f"https://www.facebook.com/{PAGE_ID}/posts/{880000000000 + number}"
        else:
            post.network_post_id = f"urn:li:share:{ORGANIZATION_POST + number}"
            post.url = f"https://www.linkedin.com/feed/update/{post.network_post_id}/"
        post.published_at = when + timedelta(seconds=2)
    elif state == "published":
        post.published_at = when + timedelta(seconds=2)
    db.session.add(post)
    return post


def load_demo_posts(today: date, now: datetime | None = None) -> str:
    now = now or utcnow()
    added = []
    last_week = services.monday_of(today) - timedelta(days=7)
    for i, (network, lang) in enumerate((n, lang) for n in NETWORKS for lang in LANGUAGES):
        if (network, lang) == ("linkedin", "nl"):
            added.append(_add("week", last_week, network, lang, "published", published=False, number=i,
                              problem="duplicate",
                              error=f"{services.DUPLICATE_NOTE}: LinkedIn already has this post (422 DUPLICATE_POST)"))
        else:
            added.append(_add("week", last_week, network, lang, "published", number=i))
    past = _day_with_sessions(today - timedelta(days=2), -1)
    if past is not None:
        added += [
            _add("day", past, "facebook", "fr", "failed", attempts=1, problem="refused",
                 error="Facebook refused the post (code 100: (#100) Invalid parameter)"),
            _add("day", past, "facebook", "nl", "skipped", attempts=0, error=services.SKIPPED_BY_STAFF,
                 problem="skipped_by_staff"),
            _add("day", past, "linkedin", "fr", "failed", attempts=3, error=services.TOO_LATE, problem="too_late"),
            _add("day", past, "linkedin", "nl", "published", number=10),
        ]
    soon = _day_with_sessions(today, 1)
    if soon is not None:
        added.append(_add("day", soon, "facebook", "fr", "retrying", attempts=2, next_in=timedelta(minutes=4),
                          problem="rate_limited",
                          error="Facebook rate limit reached (code 613: Calls to this api have exceeded "
                                "the rate limit)"))
    db.session.flush()
    ready = services.queue_upcoming(now)
    return f"Demo posts: {len([p for p in added if p is not None])} in the history, {ready} ready to go."
