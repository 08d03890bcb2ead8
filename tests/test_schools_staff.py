"""Staff handle the schools' requests: free slots that fit the preferences (a free room, a free qualified
counsellor with travel time, no holiday), confirm, propose, decline; a class's session is never public; a
teacher's cancel frees the room and the counsellor."""
from __future__ import annotations

import html
from datetime import timedelta

import holidays
import pytest
from ical.calendar_stream import IcsCalendarStream

from app.calendar import services as calendar
from app.calendar.models import Booking
from app.errors import Conflict, ValidationError
from app.extensions import db
from app.schools import services as schools
from app.schools.models import SchoolRequest
from app.timeutil import local_today
from tests import factories as f
from tests.school_factories import school_day, school_world, teacher_request


@pytest.fixture
def world():
    return school_world()


def test_free_slots_offer_free_rooms_and_free_qualified_counsellors(world):
    request = teacher_request(world["pto"])
    slots = schools.free_slots(request)
    assert [s.half_day for s in slots] == ["morning", "afternoon"]
    assert all(not s.refused for s in slots)
    assert [r.name_fr for r in slots[0].rooms] == ["Salle 1", "Salle 2"] and slots[0].counsellors == [world["anna"]]
    # The room taken by a public session, the counsellor leading another at that time: neither offered.
    first = slots[0]
    calendar.create_session(f.activity("cv"), first.start, first.end, "face_to_face", venue=world["venue"],
                            room=world["venue"].rooms[0])
    calendar.create_session(f.activity("other"), first.start + timedelta(minutes=30), first.end, "online",
                            hosts=[world["anna"]])
    again = schools.free_slots(request)[0]
    assert [r.name_fr for r in again.rooms] == ["Salle 2"] and again.counsellors == []
    assert again.refused == "Aucun conseiller qualifié libre"


def test_travel_time_around_a_class_at_the_school_keeps_the_counsellor_busy(world):
    request = teacher_request(world["pto"], place="school")
    slot = schools.free_slots(request)[0]
    assert slot.rooms == [] and slot.counsellors == [world["anna"]]
    later = slot.end + timedelta(minutes=30)  # within the 45 minutes of travel back
    calendar.create_session(f.activity("cv"), later, later + timedelta(hours=1), "online", hosts=[world["anna"]])
    assert schools.free_slots(request)[0].counsellors == []


def test_a_holiday_is_never_offered(world, app, monkeypatch):
    day = local_today() + timedelta(days=8)
    public = next(d for d in sorted(holidays.Belgium(years=[day.year, day.year + 1]))
                  if d >= day and d.isoweekday() <= 5)
    school_week = school_day(40, avoid=(public,))
    monkeypatch.setitem(app.config, "SCHOOL_HOLIDAYS", {"fwb": [(school_week.isoformat(), school_week.isoformat())],
                                                         "vg": []})
    request = teacher_request(world["pto"], first=public, second=school_week)
    slots = schools.free_slots(request)
    assert [s.refused for s in slots] == ["Jour férié", "Vacances scolaires"]
    assert all(not s.counsellors and not s.rooms for s in slots)
    with pytest.raises(ValidationError) as caught:
        schools.confirm(request.id, slots[1].start, world["venue"].rooms[0], world["anna"])
    assert "vacances scolaires" in caught.value.errors["slot"]
    # A Dutch-speaking school does not have the French-speaking community's holidays.
    request.school.network = "vg_go"
    assert schools.free_slots(request)[1].refused == ""


def test_confirming_makes_a_session_for_that_class_only(world, smtp):
    request = teacher_request(world["pto"], language="nl")
    slot = schools.free_slots(request)[0]
    schools.confirm(request.id, slot.start, world["venue"].rooms[1], world["anna"])
    session = request.session
    assert request.state == "confirmed" and session.visibility == "school"
    assert (session.capacity, session.confirmed_count, session.seats_left) == (22, 22, 0)
    assert session.hosts == [world["anna"]] and session.room == world["venue"].rooms[1]
    assert session.language == "fr"  # the language of instruction
    held = sorted((b.kind, b.resource_id) for b in db.session.scalars(
        db.select(Booking).where(Booking.session_id == session.id)))
    assert held == [("host", world["anna"].id), ("room", world["venue"].rooms[1].id)]
    [message] = f.outbox("school_confirmed")
    assert message.language == "nl" and "Uw klas is geboekt" in message.subject
    assert "Anna Peeters" in message.body_text and "Salle 2" in message.body_text
    calendar_file = IcsCalendarStream.calendar_from_ics(message.ics)
    [event] = calendar_file.events
    assert event.dtstart == session.start_at and f"/nl/schools/requests/{request.token}" in str(event.url)
    # The same slot for another class: the room and the counsellor are taken.
    other = teacher_request(world["pto"], first=slot.day, second=school_day(35, avoid=(slot.day,)))
    with pytest.raises(Conflict) as caught:
        schools.confirm(other.id, slot.start, world["venue"].rooms[1], world["anna"])
    assert "Salle 2" in str(caught.value.errors) or "Anna Peeters" in str(caught.value.errors)
    assert other.state == "new" and other.session_id is None


def test_a_public_session_clashing_with_a_class_is_refused(world):
    request = teacher_request(world["pto"], place="school")
    slot = schools.free_slots(request)[0]
    schools.confirm(request.id, slot.start, None, world["anna"])
    assert request.session.at_school and request.session.offsite_address.startswith("Rue de la Limite")
    with pytest.raises(ValidationError) as caught:
        calendar.create_session(f.activity("cv"), slot.end + timedelta(minutes=20), slot.end + timedelta(hours=2),
                                "online", hosts=[world["anna"]])
    assert "Anna Peeters" in caught.value.errors["hosts"] and "45 minutes" in caught.value.errors["hosts"]


def test_propose_then_the_teacher_accepts_with_one_button(world, client):
    request = teacher_request(world["pto"])
    slot = schools.free_slots(request)[1]
    schools.propose(request.id, slot.start, world["venue"].rooms[0], world["anna"])
    assert request.state == "proposed" and request.session_id is None
    [message] = f.outbox("school_proposal")
    assert f"/fr/schools/requests/{request.token}" in message.body_text
    page = client.get(f"/fr/schools/requests/{request.token}")  # opening changes nothing
    assert "Accepter cette date" in page.text and db.session.get(SchoolRequest, request.id).state == "proposed"
    accepted = client.post(f"/fr/schools/requests/{request.token}/accept")
    assert accepted.status_code == 303
    db.session.expire_all()
    request = db.session.get(SchoolRequest, request.id)
    assert request.state == "confirmed" and request.session.start_at == slot.start
    assert request.session.hosts == [world["anna"]]


def test_decline_with_a_reason_the_teacher_reads(world):
    request = teacher_request(world["pto"])
    with pytest.raises(ValidationError):
        schools.decline(request.id, "  ")
    schools.decline(request.id, "Plus de date libre avant juin")
    assert request.state == "declined"
    [message] = f.outbox("school_cancelled")
    assert "Plus de date libre avant juin" in message.body_text


def test_the_teachers_cancel_frees_the_room_and_the_counsellor(world, client):
    request = teacher_request(world["pto"])
    slot = schools.free_slots(request)[0]
    schools.confirm(request.id, slot.start, world["venue"].rooms[0], world["anna"])
    page = client.get(f"/fr/schools/requests/{request.token}")
    assert "Annuler la séance de la classe" in page.text
    assert client.post(f"/fr/schools/requests/{request.token}/cancel").status_code == 303
    db.session.expire_all()
    request = db.session.get(SchoolRequest, request.id)
    assert request.state == "cancelled" and request.session.status == "cancelled"
    assert db.session.scalars(db.select(Booking).where(Booking.session_id == request.session_id)).all() == []
    assert len(f.outbox("school_cancelled")) == 1
    other = teacher_request(world["pto"], first=slot.day, second=school_day(35, avoid=(slot.day,)))
    schools.confirm(other.id, slot.start, world["venue"].rooms[0], world["anna"])  # both free again
    assert other.state == "confirmed"


def test_too_late_to_cancel_online_the_page_says_to_phone(world, client, app, monkeypatch):
    request = teacher_request(world["pto"])
    slot = schools.free_slots(request)[0]
    schools.confirm(request.id, slot.start, world["venue"].rooms[0], world["anna"])
    monkeypatch.setitem(app.config, "SCHOOL_CANCEL_HOURS", 24 * 60)
    page = client.get(f"/nl/schools/requests/{request.token}")
    assert "Het is te laat om online te annuleren. Bel het Beroepenpunt: +32 2 563 56 56." in html.unescape(page.text)
    refused = client.post(f"/nl/schools/requests/{request.token}/cancel")
    assert refused.status_code == 409 and db.session.get(SchoolRequest, request.id).state == "confirmed"


def test_a_class_session_never_appears_in_any_public_output(world, client):
    request = teacher_request(world["pto"])
    slot = schools.free_slots(request)[0]
    schools.confirm(request.id, slot.start, world["venue"].rooms[0], world["anna"])
    session = request.session
    # Even of an activity open to the public, a class's session stays the class's.
    session.activity.schools_only = False
    public = f.session_at(f.activity("public-cv"), slot.start + timedelta(days=1))
    db.session.flush()
    day = slot.start.date().isoformat()
    week = client.get(f"/fr/?week={day}").text
    assert "Atelier public-cv" in week and "Parcours PTO" not in week
    assert client.get(f"/fr/sessions/{session.id}").status_code == 404
    listed = client.get(f"/api/v1/sessions?from={day}&to={(slot.start.date() + timedelta(days=2)).isoformat()}")
    assert [s["id"] for s in listed.get_json()["sessions"]] == [public.id]
    assert client.get(f"/api/v1/sessions/{session.id}").status_code == 404
    feed = client.get("/feeds/workshops.ics").text
    assert f"session-{public.id}@" in feed and f"session-{session.id}@" not in feed
    registering = client.post(f"/api/v1/sessions/{session.id}/registrations",
                              json={"name": "X", "email": "x@example.be", "language": "fr", "consent": True})
    assert registering.status_code == 404


# The staff pages ---------------------------------------------------------------------------------


def test_staff_list_requests_by_state_and_confirm_a_slot_on_the_page(world, client, login_as):
    login_as("coordinator")
    request = teacher_request(world["pto"])
    declined = teacher_request(world["pto"])
    schools.decline(declined.id, "Complet")
    listing = client.get("/fr/staff/schools/")
    assert listing.status_code == 200 and "Athénée Royal de Saint-Josse" in listing.text
    only_new = client.get("/fr/staff/schools/?state=declined")
    assert only_new.text.count(f"/fr/staff/schools/{declined.id}\"") == 1
    assert f"/fr/staff/schools/{request.id}\"" not in only_new.text
    page = client.get(f"/en/staff/schools/{request.id}")
    assert page.status_code == 200 and "Confirm this slot" in page.text and "Anna Peeters" in page.text
    slot = schools.free_slots(request)[0]
    done = client.post(f"/en/staff/schools/{request.id}/slot",
                       data={"slot": slot.key, "room": str(world["venue"].rooms[0].id),
                             "counsellor": str(world["anna"].id), "confirm": "y"})
    assert done.status_code == 303
    db.session.expire_all()
    assert db.session.get(SchoolRequest, request.id).state == "confirmed"
    week = client.get(f"/en/staff/?week={slot.day.isoformat()}")
    assert "Hosts: Anna Peeters" in week.text
    clash = teacher_request(world["pto"], first=slot.day, second=school_day(35, avoid=(slot.day,)))
    refused = client.post(f"/en/staff/schools/{clash.id}/slot",
                          data={"slot": slot.key, "room": str(world["venue"].rooms[0].id),
                                "counsellor": str(world["anna"].id), "confirm": "y"})
    assert refused.status_code == 409 and "already" in html.unescape(refused.text)


def test_a_counsellor_sees_the_requests_but_does_not_confirm(world, client):
    from tests.factories import login
    login(client.application, client, world["anna"])
    request = teacher_request(world["pto"])
    assert client.get(f"/fr/staff/schools/{request.id}").status_code == 200
    slot = schools.free_slots(request)[0]
    assert client.post(f"/fr/staff/schools/{request.id}/slot",
                       data={"slot": slot.key, "counsellor": str(world["anna"].id)}).status_code == 403


# The teacher's messages ---------------------------------------------------------------------------


def test_the_reminder_names_the_counsellor_and_where_to_come_once(world):
    from app.schools.jobs import send_school_reminders

    request = teacher_request(world["pto"], place="online", language="nl")
    slot = schools.free_slots(request)[0]
    schools.confirm(request.id, slot.start, None, world["anna"])
    assert send_school_reminders(now=slot.start - timedelta(hours=48)) == 0  # not yet
    assert send_school_reminders(now=slot.start - timedelta(hours=20)) == 1
    assert send_school_reminders(now=slot.start - timedelta(hours=19)) == 0  # once
    [reminder] = f.outbox("school_reminder")
    assert reminder.language == "nl" and "Herinnering" in reminder.subject
    assert "Anna Peeters" in reminder.body_text and f"/join/class/{request.token}" in reminder.body_text
    assert send_school_reminders(now=slot.end + timedelta(minutes=1)) == 0
    assert db.session.get(SchoolRequest, request.id).state == "done"


def test_a_change_by_staff_is_told_to_the_teacher(world):
    request = teacher_request(world["pto"])
    slot = schools.free_slots(request)[0]
    schools.confirm(request.id, slot.start, world["venue"].rooms[0], world["anna"])
    calendar.reschedule_session(request.session, slot.start + timedelta(hours=1), slot.end + timedelta(hours=1))
    [change] = f.outbox("school_change")
    assert "Changement pour votre classe" in change.subject and "METHOD:REQUEST" in change.ics
    assert request.slot_start == slot.start + timedelta(hours=1)


def test_the_teacher_joins_an_online_class_through_the_join_page(world, client):
    request = teacher_request(world["pto"], place="online")
    slot = schools.free_slots(request)[0]
    schools.confirm(request.id, slot.start, None, world["anna"])
    page = client.get(f"/join/class/{request.token}")
    assert page.status_code == 200 and "Parcours PTO" in page.text  # not open yet: the page says when
    assert client.get("/join/class/unknown-token-xxxxxxxxxxxx").status_code == 404


# Attendance of a class ----------------------------------------------------------------------------


def test_the_attendance_of_a_class_is_a_number(world, client):
    from app.schools.models import ClassAttendance
    from tests.factories import login

    request = teacher_request(world["pto"])
    slot = schools.free_slots(request)[0]
    schools.confirm(request.id, slot.start, world["venue"].rooms[0], world["anna"])
    login(client.application, client, world["anna"])
    page = client.get(f"/fr/staff/sessions/{request.session_id}/class-attendance")
    assert page.status_code == 200 and "Athénée Royal de Saint-Josse" in page.text
    bad = client.post(f"/fr/staff/sessions/{request.session_id}/class-attendance",
                      data={"pupils_present": "-3", "adults_present": "x"})
    assert bad.status_code == 422 and "Indiquez un nombre entier de 0 à 1000." in html.unescape(bad.text)
    saved = client.post(f"/fr/staff/sessions/{request.session_id}/class-attendance",
                        data={"pupils_present": "21", "adults_present": "2"})
    assert saved.status_code == 303
    client.post(f"/fr/staff/sessions/{request.session_id}/class-attendance",
                data={"pupils_present": "20", "adults_present": "2"})
    [row] = db.session.scalars(db.select(ClassAttendance)).all()
    assert (row.session_id, row.pupils_present, row.adults_present, row.marked_by_id) == (
        request.session_id, 20, 2, world["anna"].id)
    public = f.session_at(f.activity("cv"), slot.start + timedelta(days=2))
    assert client.get(f"/fr/staff/sessions/{public.id}/class-attendance").status_code == 404


# School contacts ----------------------------------------------------------------------------------


def test_a_school_contact_sees_every_request_and_class_of_their_school(world, client, login_as):
    from app.accounts.models import User

    mine = teacher_request(world["pto"])
    colleague = teacher_request(world["pto"], email="marc@ecole.example.be", teacher_name="Marc Colin")
    other = teacher_request(world["pto"], school_name="Lycée Émile Max", postcode="1030")
    slot = schools.free_slots(mine)[0]
    schools.confirm(mine.id, slot.start, world["venue"].rooms[0], world["anna"])
    login_as("coordinator")
    assert client.post(f"/fr/staff/schools/{mine.id}/contact").status_code == 303
    contact = db.session.scalar(db.select(User).where(User.email == "claire.dubois@ecole.example.be"))
    assert contact.role == "school" and contact.school_id == mine.school_id
    assert len(f.outbox("account_welcome")) == 1
    login_as(contact)
    page = client.get("/fr/schools/account")
    assert page.status_code == 200 and "Marc Colin" in page.text and "Claire Dubois" in page.text
    assert page.text.count("<tr class=\"govuk-table__row\">") == 3  # the header and the school's two requests
    assert colleague.school_id == mine.school_id and other.school_id != mine.school_id
    assert client.get("/fr/staff/").status_code == 403  # no back-office for a school contact
    assert client.get(f"/fr/staff/schools/{mine.id}").status_code == 403
