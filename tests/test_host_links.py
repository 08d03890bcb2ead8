"""Host links to partner users: once per session that is still ahead, never for past sessions, one digest
a day per user hosting several, at once when the session is too close to wait; Jitsi promises no rights."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app.calendar import services as calendar
from app.extensions import db
from app.messages.delivery import deliver_due
from app.messages.models import OutboxMessage
from app.timeutil import BRUSSELS, UTC
from app.videorooms.hosts import send_host_links
from app.videorooms.services import room_of, sync_due
from tests import factories as f


def brussels(day: datetime, hour: int, minute: int = 0) -> datetime:
    return day.astimezone(BRUSSELS).replace(hour=hour, minute=minute, second=0, microsecond=0)


TODAY = datetime.now(UTC)


def hosted(partner_slug: str, start: datetime, n: int, fmt: str = "online"):
    act = f.activity(f"{partner_slug}-{n}", organiser=partner_slug)
    venue = f.venue() if fmt != "online" else None
    return calendar.create_session(act, start, start + timedelta(hours=2), fmt, venue=venue,
                                   room=venue.rooms[0] if venue else None, capacity=10)


def host_messages(to: str | None = None) -> list[OutboxMessage]:
    query = db.select(OutboxMessage).where(OutboxMessage.kind == "host_link").order_by(OutboxMessage.id)
    if to:
        query = query.where(OutboxMessage.to_email == to)
    return list(db.session.scalars(query))


@pytest.fixture
def hosts():
    a, b = f.partner("actiris"), f.partner("vdab-brussel")
    return {"anna": f.user("partner", "anna@actiris.example", partner=a, language="fr", name="Anna"),
            "bram": f.user("partner", "bram@vdab.example", partner=b, language="nl", name="Bram")}


def test_the_first_run_tells_each_partner_once_and_never_of_past_sessions(smtp, hosts):
    """Like the first scheduler run on a calendar with a week behind it: two partners, many sessions."""
    past, ahead = [], []
    for n in range(6):
        for slug in ("actiris", "vdab-brussel"):
            session = hosted(slug, TODAY + timedelta(days=2 + n, hours=1), n)
            ahead.append(session)
            old = hosted(slug, TODAY + timedelta(days=30 + n), 100 + n)
            past.append(old)
    sync_due()  # every room made (those of the sessions that will be in the past too)
    for n, old in enumerate(past):  # then the calendar is a week on: these sessions are over
        old.start_at = TODAY - timedelta(days=7, hours=n)
        old.end_at = old.start_at + timedelta(hours=2)
    db.session.flush()
    noon = brussels(TODAY, 12)
    assert send_host_links(noon) == 2  # one digest per partner user
    assert send_host_links(noon) == 0
    deliver_due()
    assert sorted(rcpt for _, rcpts, _ in smtp.recorder.received for rcpt in rcpts) == [
        "anna@actiris.example", "bram@vdab.example"]
    (anna,) = smtp.recorder.to("anna@actiris.example")
    text = anna.get_body(("plain",)).get_content()
    for session in ahead:
        room = room_of(session)
        assert (room.host_url in text) == (session.activity.organiser.slug == "actiris")
    for session in past:
        assert room_of(session).host_url not in text
    assert "6 séances" in anna["Subject"]


def test_a_new_session_waits_for_tomorrows_digest_unless_it_is_too_close(hosts):
    first = hosted("actiris", TODAY + timedelta(days=4), 1)
    sync_due()
    today_digest = brussels(TODAY, 7, 30)
    assert send_host_links(today_digest) == 1  # today's digest
    later_session = hosted("actiris", TODAY + timedelta(days=5), 2)
    sync_due()
    assert send_host_links(brussels(TODAY, 9)) == 0  # it waits: today's digest went already
    tomorrow = brussels(TODAY + timedelta(days=1), 7, 5)
    assert send_host_links(tomorrow) == 1
    second = host_messages()[-1]
    assert room_of(later_session).host_url in second.body_text
    assert room_of(first).host_url not in second.body_text  # each link once
    # A session tomorrow morning, planned after tomorrow's digest went: its hosts hear of it at once.
    close = hosted("actiris", tomorrow + timedelta(hours=3), 3)
    sync_due()
    assert send_host_links(tomorrow + timedelta(minutes=30)) == 1
    assert room_of(close).host_url in host_messages()[-1].body_text
    assert len(host_messages()) == 3


def test_before_the_digest_hour_only_what_cannot_wait_goes(hosts):
    far = hosted("actiris", TODAY + timedelta(days=6), 1)
    sync_due()
    early = brussels(TODAY, 5)
    assert send_host_links(early) == 0  # today's digest is at 7
    assert send_host_links(brussels(TODAY, 7)) == 1
    assert room_of(far).host_url in host_messages()[-1].body_text


def test_a_jitsi_host_link_promises_no_host_rights(hosts):
    hosted("actiris", TODAY + timedelta(days=3), 1)
    hosted("vdab-brussel", TODAY + timedelta(days=3), 2)
    sync_due()
    send_host_links(brussels(TODAY, 12))
    french, dutch = host_messages("anna@actiris.example")[0], host_messages("bram@vdab.example")[0]
    for message in (french, dutch):
        assert message.body_text and message.body_html
    assert "droits" not in french.body_text.lower() and "modérateur" in french.body_text
    assert "rechten" not in dutch.body_text.lower() and "moderator" in dutch.body_text


def test_a_host_link_whose_room_changes_provider_is_told_again(hosts):
    session = hosted("actiris", TODAY + timedelta(days=3), 1)
    sync_due()
    noon = brussels(TODAY, 12)
    send_host_links(noon)
    room = room_of(session)
    room.host_url = room.host_url + "-new"  # another room, at another provider, say
    db.session.flush()
    assert send_host_links(noon + timedelta(hours=1)) == 0  # not close enough to break the daily digest
    assert send_host_links(brussels(TODAY + timedelta(days=1), 8)) == 1
    assert room.host_url in host_messages()[-1].body_text
