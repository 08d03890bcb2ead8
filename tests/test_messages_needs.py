"""Messages that tell people what they need, as they arrive by SMTP: the join link for whoever is confirmed
late, what a change changed, a closure's reason, no calendar for the waiting list, the check-in QR code
shown (never a link to the hosts' page), nothing about an entrance for online sessions."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from ical.calendar_stream import IcsCalendarStream

from app.calendar import services as calendar
from app.closures import services as closures
from app.extensions import db
from app.messages import jobs
from app.messages.delivery import deliver_due
from app.registrations import services
from app.registrations.models import Registration
from app.timeutil import BRUSSELS, UTC
from app.videorooms.services import room_of, sync_due
from tests import factories as f


def session_in(delta: timedelta, fmt="online", capacity=5, slug="cv"):
    start = datetime.now(UTC).replace(microsecond=0) + delta
    venue = f.venue(rooms=("Salle 1", "Salle 2")) if fmt != "online" else None
    return calendar.create_session(f.activity(slug), start, start + timedelta(hours=2), fmt, venue=venue,
                                   room=venue.rooms[0] if venue else None, capacity=capacity)


def register(session, n, lang="fr"):
    return services.register(session.id, {"name": f"Person {n}", "email": f"p{n}@example.be", "language": lang,
                                          "consent": True})[0]


def bodies(smtp, address: str, index: int = -1) -> tuple[str, str, object]:
    """(text, html, message) of a message received by the SMTP server for `address`."""
    message = smtp.recorder.to(address)[index]
    return (message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content(), message)


def test_someone_confirmed_late_for_an_online_session_gets_the_join_link_in_the_confirmation(smtp):
    session = session_in(timedelta(hours=5))
    sync_due()  # the room exists: its address must still never reach the person
    reg = register(session, 1, lang="en")
    deliver_due()
    text, html, _ = bodies(smtp, "p1@example.be")
    assert f"/join/{reg.token}" in text and f"/join/{reg.token}" in html
    assert room_of(session).join_url not in text + html  # through the join page only
    assert "comes with your reminder" not in text + html
    assert jobs.send_due_reminders() == 0  # confirmed inside the window: the confirmation had it all


def test_someone_promoted_late_gets_the_join_link(smtp):
    session = session_in(timedelta(hours=6), capacity=1)
    first = register(session, 1)
    waiting = register(session, 2, lang="nl")
    services.cancel_registration(first.token)
    deliver_due()
    text, html, _ = bodies(smtp, "p2@example.be")
    token = db.session.get(Registration, waiting.id).token
    assert f"/join/{token}" in text and f"/join/{token}" in html
    assert jobs.send_due_reminders() == 0


def test_whoever_is_confirmed_early_gets_the_link_with_the_reminder_and_nobody_is_left_without(smtp):
    session = session_in(timedelta(days=3), slug="early")
    early = register(session, 1, lang="en")
    deliver_due()
    text, _, _ = bodies(smtp, "p1@example.be")
    assert "/join/" not in text and "comes with your reminder" in text
    # Every confirmed person has the link once the reminder job has passed, whenever they registered.
    assert jobs.send_due_reminders(session.start_at - timedelta(hours=23)) == 1
    deliver_due()
    text, _, _ = bodies(smtp, "p1@example.be")
    assert f"/join/{early.token}" in text


def test_a_hybrid_confirmation_says_how_to_join_online(smtp):
    session = session_in(timedelta(days=3), fmt="hybrid", slug="hyb")
    register(session, 1, lang="fr")
    late = session_in(timedelta(hours=4), fmt="hybrid", slug="hyb-late")
    reg = register(late, 2, lang="en")
    deliver_due()
    text, html, _ = bodies(smtp, "p1@example.be")
    assert "participer en ligne" in text and "avec le rappel, 24\u00a0heures avant le début" in text
    text, html, _ = bodies(smtp, "p2@example.be")
    assert f"/join/{reg.token}" in text and f"/join/{reg.token}" in html
    assert "show this QR code at the entrance" in html  # hybrid: on site too


def test_a_change_message_says_what_the_time_and_the_place_were_and_are(smtp):
    session = session_in(timedelta(days=4), fmt="face_to_face", slug="moved")
    register(session, 1, lang="en")
    deliver_due()
    old_day = session.start_at.astimezone(BRUSSELS)
    later = session.start_at + timedelta(days=1, hours=2)
    calendar.reschedule_session(session, later, later + timedelta(hours=2))
    venue = session.venue
    calendar.update_session(session, room=venue.rooms[1])  # a second edit: still one message, both changes
    deliver_due()
    text, html, _ = bodies(smtp, "p1@example.be")
    new_day = later.astimezone(BRUSSELS)
    assert f"Date and time, before: {old_day:%A} {old_day.day} {old_day:%B %Y}, {old_day:%H:%M}" in text
    assert f"Date and time, now: {new_day:%A} {new_day.day} {new_day:%B %Y}, {new_day:%H:%M}" in text
    assert "Place, before: Cité des métiers, Avenue de l'Astronomie 14, 1210 Saint-Josse-ten-Noode (Salle 1)" in text
    assert "Place, now: Cité des métiers, Avenue de l'Astronomie 14, 1210 Saint-Josse-ten-Noode (Salle 2)" in text
    assert "Place, before:" in html and "Salle 1" in html
    assert len(smtp.recorder.to("p1@example.be")) == 2  # the confirmation, then one change message


def test_a_switch_online_says_it_was_on_site_and_is_online_now(smtp):
    session = session_in(timedelta(days=4), fmt="face_to_face", slug="switch")
    reg = register(session, 1, lang="nl")
    calendar.update_session(session, format="online")
    deliver_due()
    text, _, _ = bodies(smtp, "p1@example.be")
    assert "Plaats, voorheen: Cité des métiers" in text and "Plaats, nu: Online" in text
    assert f"/join/{reg.token}" in text


def test_a_closure_gives_its_reason_and_no_reminder_promise_above_the_link(smtp):
    start = (datetime.now(UTC) + timedelta(days=5)).replace(hour=12, minute=0, second=0, microsecond=0)
    venue = f.venue()
    switched = calendar.create_session(f.activity("closed-a"), start, start + timedelta(hours=2), "face_to_face",
                                       venue=venue, room=venue.rooms[0], capacity=5)
    reg = register(switched, 1, lang="fr")
    day = start.astimezone(BRUSSELS).date()
    closures.declare_closure(venue, day, day, "Travaux dans le bâtiment", "online")
    deliver_due()
    text, html, _ = bodies(smtp, "p1@example.be")
    assert "Raison de la fermeture\u00a0: Travaux dans le bâtiment" in text
    assert "vient avec votre rappel" not in text + html and "avec votre rappel" not in text
    assert f"/join/{reg.token}" in text


def test_a_closure_that_cancels_gives_its_reason(smtp):
    start = (datetime.now(UTC) + timedelta(days=6)).replace(hour=12, minute=0, second=0, microsecond=0)
    venue = f.venue()
    session = calendar.create_session(f.activity("closed-b"), start, start + timedelta(hours=2), "face_to_face",
                                      venue=venue, room=venue.rooms[0], capacity=5)
    register(session, 1, lang="en")
    day = start.astimezone(BRUSSELS).date()
    closures.declare_closure(venue, day, day, "Building works", "cancel")
    deliver_due()
    text, _, _ = bodies(smtp, "p1@example.be")
    assert "because our venue is closed" in text and "Reason for the closure: Building works" in text


def test_the_waiting_list_is_never_offered_a_calendar_entry(smtp, client):
    session = session_in(timedelta(days=3), fmt="face_to_face", capacity=1, slug="full")
    register(session, 1)
    waiting = register(session, 2, lang="en")
    services.resend_links(waiting)
    deliver_due()
    for message in smtp.recorder.to("p2@example.be"):  # the waiting list, then the links again
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert ".ics" not in text + html and "Add to your calendar" not in text + html
        assert not [part for part in message.walk() if part.get_content_type() == "text/calendar"]
        assert "Leave the waiting list" in text
    answer = client.get(f"/feeds/registrations/{waiting.token}.ics")
    assert answer.status_code == 200 and "STATUS:CONFIRMED" not in answer.text
    (event,) = IcsCalendarStream.calendar_from_ics(answer.text).events
    assert str(event.status).endswith("TENTATIVE")
    seated = db.session.scalar(db.select(Registration).where(Registration.email == "p1@example.be"))
    assert "STATUS:CONFIRMED" in client.get(f"/feeds/registrations/{seated.token}.ics").text


def test_the_check_in_code_is_shown_at_the_entrance_never_opened_as_a_link(smtp):
    session = session_in(timedelta(days=3), fmt="face_to_face", slug="onsite")
    reg = register(session, 1, lang="en")
    online = session_in(timedelta(days=3), fmt="online", slug="online")
    register(online, 2, lang="en")
    deliver_due()
    text, html, message = bodies(smtp, "p1@example.be")
    assert "/checkin/" not in text and "/checkin/" not in html  # the hosts' page, behind their login
    assert "show your check-in QR code at the entrance" in text
    assert "show this QR code at the entrance" in html and 'src="cid:' in html
    assert reg.token in text  # the person's own page still has it
    text, html, message = bodies(smtp, "p2@example.be")
    assert "entrance" not in text + html and "QR" not in text + html
    assert not [part for part in message.walk() if part.get_content_type() == "image/png"]


@pytest.mark.parametrize("lang, words", [
    ("fr", ["Vous pouvez venir sur place ou participer en ligne", "Date et heure, avant\u00a0:",
            "Date et heure, désormais\u00a0:"]),
    ("nl", ["U kunt ter plaatse komen of online deelnemen", "Datum en uur, voorheen:", "Datum en uur, nu:"]),
])
def test_the_new_words_read_in_the_persons_language(smtp, lang, words):
    session = session_in(timedelta(days=3), fmt="hybrid", slug=f"lang-{lang}")
    register(session, 1, lang=lang)
    later = session.start_at + timedelta(hours=3)
    calendar.reschedule_session(session, later, later + timedelta(hours=2))
    deliver_due()
    text = "".join(m.get_body(("plain",)).get_content() for m in smtp.recorder.to("p1@example.be"))
    for phrase in words:
        assert phrase in text
    if lang == "fr":  # a non-breaking space before the high punctuation of every French sentence
        assert not re.search(r"[^\u00a0\u202f][:;?!](?=\s)", text)
