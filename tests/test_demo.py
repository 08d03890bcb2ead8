"""The demo calendar: real activities in FR/NL/EN, around today, idempotent, through the services."""
import re
from datetime import timedelta

import sqlalchemy as sa

from app.calendar.models import Activity, Audience, Partner, Room, Series, SeriesException, Session, Theme, Venue
from app.demo import content
from app.demo.data import load_demo
from app.extensions import db
from app.timeutil import BRUSSELS, local_day_bounds, local_today

MODELS = (Theme, Audience, Partner, Venue, Room, Activity, Series, SeriesException, Session)


def counts() -> dict[str, int]:
    return {m.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in MODELS}


def snapshot() -> list[tuple]:
    rows = db.session.scalars(sa.select(Session).order_by(Session.id))
    return [(s.id, s.activity_id, s.series_id, s.start_at, s.end_at, s.status, s.revision, s.format) for s in rows]


def test_demo_loads_and_a_second_run_changes_nothing(app):
    summary = load_demo()
    assert "16 activities" in summary
    before, rows = counts(), snapshot()
    assert before["Activity"] == len(content.ACTIVITIES) and before["Partner"] == len(content.PARTNERS)
    assert before["Session"] > 100
    load_demo()
    assert counts() == before
    assert snapshot() == rows


def test_the_cli_command_prints_a_summary(app):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "Demo calendar" in result.output
    again = app.test_cli_runner().invoke(args=["demo"])
    assert "0 one-off sessions added" in again.output


def test_no_duplicate_series_or_sessions():
    load_demo()
    load_demo()
    keys = db.session.execute(sa.select(Series.activity_id, Series.weekdays, Series.start_time)).all()
    assert len(keys) == len(set(keys)) == len(content.SERIES)
    sessions = db.session.execute(sa.select(Session.activity_id, Session.start_at)).all()
    assert len(sessions) == len(set(sessions))


def test_sessions_cover_two_weeks_back_and_eight_weeks_ahead():
    load_demo()
    today = local_today()
    starts = [s.astimezone(BRUSSELS).date() for s in db.session.scalars(sa.select(Session.start_at))]
    assert min(starts) >= today - timedelta(days=14)
    assert max(starts) <= today + timedelta(days=57)
    assert any(d < today for d in starts)
    for week in range(8):  # something public to show in every one of the next eight weeks
        first = today + timedelta(days=7 * week)
        start, end = local_day_bounds(first, first + timedelta(days=6))
        found = db.session.scalar(sa.select(sa.func.count(Session.id)).join(Session.activity).where(
            Session.start_at >= start, Session.start_at < end, Session.status == "scheduled",
            Activity.schools_only.is_(False)))
        assert found >= 5, week


def test_a_later_run_extends_the_series_and_keeps_the_calendar_full():
    load_demo()
    later = local_today() + timedelta(days=30)
    load_demo(today=later)
    for series in db.session.scalars(sa.select(Series)):
        assert series.end_date == later + timedelta(days=56)
    start, end = local_day_bounds(later + timedelta(days=49), later + timedelta(days=56))
    assert db.session.scalar(sa.select(sa.func.count(Session.id)).where(
        Session.start_at >= start, Session.start_at < end)) > 5
    before = counts()
    load_demo(today=later)
    assert counts() == before


def test_all_three_formats_and_a_mix_of_languages():
    load_demo()
    formats = set(db.session.scalars(sa.select(Session.format).distinct()))
    assert formats == {"face_to_face", "online", "hybrid"}
    languages = set(db.session.scalars(sa.select(Session.language).distinct()))
    assert {"fr", "nl", "fr_nl"} <= languages
    for session in db.session.scalars(sa.select(Session).where(Session.format != "online")):
        if session.at_school:  # a class held at its school
            assert session.visibility == "school" and session.venue is None
            continue
        assert session.venue is not None and session.room is not None
        assert session.capacity <= session.room.capacity


def test_every_activity_has_french_dutch_and_english_text():
    load_demo()
    for activity in db.session.scalars(sa.select(Activity)):
        for lang in ("fr", "nl", "en"):
            for field in ("title", "summary", "description"):
                assert getattr(activity, f"{field}_{lang}").strip(), (activity.slug, field, lang)
            sentences = len(re.findall(r"[.!?](?:\s|$)", getattr(activity, f"description_{lang}")))
            assert 2 <= sentences <= 4, (activity.slug, lang)
        assert activity.audiences and activity.theme
    verder = db.session.scalar(sa.select(Activity).filter_by(slug="verder-studeren-in-brussel"))
    assert verder.language == "nl" and verder.organiser.slug == "leerwinkel"
    for row in (*db.session.scalars(sa.select(Theme)), *db.session.scalars(sa.select(Audience))):
        assert row.label_fr and row.label_nl and row.label_en
    providers = set(db.session.scalars(sa.select(Partner.room_provider)))
    assert {"whereby", "google_meet"} <= providers


def test_the_school_activities_are_for_schools_only():
    load_demo()
    schools = set(db.session.scalars(sa.select(Activity.slug).where(Activity.schools_only.is_(True))))
    assert schools == {"pto", "explorama", "inforizon", "pass-avenir"}
    assert db.session.scalar(sa.select(sa.func.count(Session.id)).join(Session.activity).where(
        Activity.schools_only.is_(True))) > 0


def test_the_demo_shows_a_skipped_date_a_moved_one_and_a_cancelled_session():
    load_demo()
    kinds = sorted(db.session.scalars(sa.select(SeriesException.kind).where(
        SeriesException.reason_fr.not_like("Jour férié%"))))  # public holidays apart
    assert kinds == ["move", "skip"]
    skip = db.session.scalar(sa.select(SeriesException).filter_by(kind="skip", reason_fr=content.SKIP[2]["fr"]))
    skipped = db.session.scalar(sa.select(Session).filter_by(series_id=skip.series_id,
                                                             occurrence_date=skip.original_date))
    assert skipped.status == "cancelled"
    one_off_cancelled = db.session.scalar(sa.select(sa.func.count(Session.id)).where(
        Session.series_id.is_(None), Session.status == "cancelled", Session.visibility == "public"))
    assert one_off_cancelled == 1  # a class its school cancelled apart


def test_every_session_lies_at_the_local_time_its_series_says():
    load_demo()
    for series in db.session.scalars(sa.select(Series)):
        moved = {e.original_date: e for e in series.exceptions if e.kind == "move"}
        for session in db.session.scalars(sa.select(Session).filter_by(series_id=series.id)):
            if session.occurrence_date in moved:
                assert session.start_at == moved[session.occurrence_date].new_start
                continue
            local_start = session.start_at.astimezone(BRUSSELS)
            assert local_start.date() == session.occurrence_date
            assert local_start.isoweekday() in series.weekday_list
            assert local_start.time() == series.start_time
            local_end = session.end_at.astimezone(BRUSSELS)
            assert (local_end.replace(tzinfo=None) - local_start.replace(tzinfo=None)) == timedelta(
                minutes=series.duration_minutes)


def test_the_demo_holds_posts_in_each_state_and_a_second_run_adds_none():
    from app.posts.models import Post

    load_demo()
    states = [p.state for p in db.session.scalars(sa.select(Post))]
    assert {"published", "retrying", "failed", "skipped", "queued"} <= set(states)
    published = db.session.scalars(sa.select(Post).where(Post.state == "published")).all()
    assert any(p.url and p.network_post_id for p in published) and any(p.network_post_id is None for p in published)
    assert all(p.text.endswith(p.link) for p in published)
    load_demo()
    assert sorted(p.state for p in db.session.scalars(sa.select(Post))) == sorted(states)


def test_the_demo_holds_requests_in_each_state_and_counsellors_with_their_activities(app):
    from app.calendar.bookings import qualified_counsellors
    from app.schools.models import STATES, SchoolRequest

    load_demo()
    states = {r.state for r in db.session.scalars(db.select(SchoolRequest))}
    assert states == set(STATES)
    pto = db.session.scalar(db.select(Activity).where(Activity.slug == "pto"))
    assert [u.name for u in qualified_counsellors(pto.id)] == ["Pieter Claes", "Sophie Lambert"]
    assert (pto.pupils_min, pto.pupils_max) == (12, 28)
    before = db.session.scalar(db.select(db.func.count(SchoolRequest.id)))
    load_demo()
    assert db.session.scalar(db.select(db.func.count(SchoolRequest.id))) == before
