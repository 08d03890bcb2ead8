"""The validators of a feed (ETag, Last-Modified), computed without building it.

Calendar apps poll feeds every few hours; most polls should end in a 304 after one aggregate query
over the feed's sessions and a glance at the small tables whose texts the feed shows.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.calendar.models import Activity, Room, Session, Theme, Venue, activity_audience, activity_cohost
from app.calendar.queries import SessionFilter, session_query
from app.extensions import db

# Bump when the builder's output changes for the same data, so clients fetch the new form.
FEED_FORMAT = "3"

# The texts a feed shows and the links its filters follow, outside the session rows.
_REFERENCE_QUERIES = (
    sa.select(Activity.id, Activity.title_fr, Activity.title_nl, Activity.title_en, Activity.summary_fr,
              Activity.summary_nl, Activity.summary_en, Activity.theme_id, Activity.organiser_id,
              Activity.schools_only).order_by(Activity.id),
    sa.select(Theme.id, Theme.label_fr, Theme.label_nl, Theme.label_en).order_by(Theme.id),
    sa.select(Venue.id, Venue.name_fr, Venue.name_nl, Venue.name_en, Venue.address_fr, Venue.address_nl,
              Venue.address_en).order_by(Venue.id),
    sa.select(Room.id, Room.name_fr, Room.name_nl, Room.name_en).order_by(Room.id),
    sa.select(activity_audience).order_by(*activity_audience.c),
    sa.select(activity_cohost).order_by(*activity_cohost.c),
)


@dataclass(frozen=True)
class Validators:
    etag: str
    last_modified: datetime | None


def feed_validators(flt: SessionFilter, cancelled_since: datetime, cancelled_days: int, *key: object) -> Validators:
    """ETag and Last-Modified of the feed of `flt` (cancelled sessions kept from `cancelled_since`).

    `key` holds whatever else shapes the body (language, base URL, refresh interval).
    """
    kept = sa.or_(Session.status == "scheduled", Session.cancelled_at >= cancelled_since)
    query = session_query(replace(flt, include_cancelled=True, cancelled_since=None)).order_by(None).with_only_columns(
        sa.func.count().filter(kept),
        sa.func.coalesce(sa.func.sum(sa.case((kept, Session.id), else_=0)), 0),
        sa.func.coalesce(sa.func.sum(sa.case((kept, Session.revision), else_=0)), 0),
        sa.func.max(sa.case((kept, Session.updated_at))),
        sa.func.max(sa.case((sa.not_(kept), Session.cancelled_at))),
        sa.select(sa.func.max(Session.updated_at)).scalar_subquery(),
    )
    count, id_sum, revision_sum, updated, last_dropped, any_updated = db.session.execute(query).one()
    inputs = (FEED_FORMAT, flt.first, flt.last, flt.query_args(), cancelled_days, key,
              int(count), int(id_sum), int(revision_sum), updated.isoformat() if updated else None)
    digest = hashlib.sha256(repr(inputs).encode())
    for statement in _REFERENCE_QUERIES:
        for row in db.session.execute(statement):
            digest.update(repr(tuple(row)).encode())
    # Last-Modified also covers what leaves no trace in the kept rows: a session moved out of the
    # feed's dates or filters (the last change to any session), a cancelled one dropping out.
    dropped = last_dropped + timedelta(days=cancelled_days) if last_dropped else None
    stamps = [t for t in (any_updated, dropped) if t is not None]
    return Validators(etag=digest.hexdigest()[:32], last_modified=max(stamps) if stamps else None)
