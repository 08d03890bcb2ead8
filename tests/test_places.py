"""The place of a session, read once: each output joins its pieces as it always has."""
from datetime import timedelta

from app.calendar import services as calendar
from app.calendar.places import place_of
from tests import factories as f
from tests.factories import soon


def _session(fmt, venue=None, room=None):
    start = soon()
    return calendar.create_session(f.activity(f"cv-{fmt}"), start, start + timedelta(hours=2), fmt, venue=venue,
                                   room=room)


def test_an_online_session_has_no_place():
    assert place_of(_session("online")) is None


def test_the_pieces_of_a_place_and_the_three_ways_they_are_joined():
    hall = f.venue()
    hall.rooms[0].accessibility_notes_fr = "Ascenseur"
    place = place_of(_session("face_to_face", hall, hall.rooms[0]), "fr")
    address = "Avenue de l'Astronomie 14, 1210 Saint-Josse-ten-Noode"
    assert (place.venue, place.address, place.room, place.hybrid) == ("Cité des métiers", address, "Salle 1", False)
    assert place.notes == ("Entrée de plain-pied", "Ascenseur")
    assert place.short() == "Cité des métiers · Salle 1"
    assert place.with_address() == f"Cité des métiers, {address} (Salle 1)"
    assert place.location() == f"Cité des métiers, Salle 1, {address}"
    hybrid = place_of(_session("hybrid", hall))
    assert hybrid.hybrid and hybrid.room is None and hybrid.short() == "Cité des métiers"
    assert hybrid.with_address() == hybrid.location() == f"Cité des métiers, {address}"
