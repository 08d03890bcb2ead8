"""The teacher's request, without an account: the page of the school activities, every field checked
with its message in the teacher's language, the acknowledgement with its signed link, the request's page
(opening it changes nothing; one button does)."""
from __future__ import annotations

import html
from datetime import timedelta

import pytest

from app.extensions import db
from app.schools.models import SchoolRequest
from app.timeutil import local_today
from tests import factories as f


def next_weekday(days: int):
    day = local_today() + timedelta(days=days)
    while day.isoweekday() > 5:
        day += timedelta(days=1)
    return day


@pytest.fixture
def pto():
    act = f.activity("pto", schools_only=True, minutes=100, capacity=30)
    act.pupils_min, act.pupils_max = 10, 28
    act.title_fr, act.title_nl = "Parcours PTO", "PTO-traject"
    db.session.flush()
    return act


def form(pto, **changes) -> dict:
    first, second = next_weekday(21), next_weekday(28)
    data = {"school_name": "Athénée Royal de Saint-Josse", "postcode": "1210", "network": "fwb_wbe",
            "teacher_name": "Claire Dubois", "email": "claire.dubois@ecole.example.be", "phone": "02 218 00 00",
            "activity": str(pto.id), "class_level": "s2", "pupils": "22", "teaching_language": "fr",
            "place": "school", "school_address": "Rue de la Limite 2, 1210 Saint-Josse",
            "date_1": first.isoformat(), "half_1": "morning", "date_2": second.strftime("%d/%m/%Y"),
            "half_2": "afternoon", "accessibility": "", "comment": "Classe de 2e"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_page_explains_each_school_activity(client, pto):
    f.activity("public-cv")
    page = client.get("/fr/schools/")
    assert page.status_code == 200
    assert "Parcours PTO" in page.text and "100 minutes" in page.text and "De 10 à 28 élèves" in page.text
    assert "Atelier public-cv" not in page.text
    nl = client.get("/nl/schools/")
    assert "PTO-traject" in nl.text and "Van 10 tot 28 leerlingen" in nl.text


def test_a_request_is_stored_and_acknowledged_with_its_link(client, pto):
    sent = client.post("/nl/schools/", data=form(pto))
    assert sent.status_code == 303 and sent.headers["Location"].endswith("/nl/schools/received")
    request = db.session.scalars(db.select(SchoolRequest)).one()
    assert (request.state, request.language, request.pupils, request.place) == ("new", "nl", 22, "school")
    assert request.phone == "+3222180000" and request.school.name == "Athénée Royal de Saint-Josse"
    assert [(d.rank, d.half_day) for d in request.dates] == [(1, "morning"), (2, "afternoon")]
    ack = f.outbox("school_ack")
    assert len(ack) == 1 and ack[0].to_email == "claire.dubois@ecole.example.be"
    assert f"/nl/schools/requests/{request.token}" in ack[0].body_text
    assert "We hebben uw aanvraag ontvangen" in ack[0].subject
    # Opening the link shows the request and changes nothing.
    page = client.get(f"/nl/schools/requests/{request.token}")
    assert page.status_code == 200 and "PTO-traject" in page.text and "Ontvangen" in page.text
    assert db.session.get(SchoolRequest, request.id).state == "new"
    assert client.get("/nl/schools/requests/not-a-token-at-all-xxxxxx").status_code == 404


def test_the_same_school_typed_twice_is_one_school(client, pto):
    client.post("/fr/schools/", data=form(pto))
    client.post("/fr/schools/", data=form(pto, school_name="athénée royal de  saint-josse"))
    rows = db.session.scalars(db.select(SchoolRequest)).all()
    assert len(rows) == 2 and rows[0].school_id == rows[1].school_id


BAD = [
    ("school_name", "", "Indiquez le nom de l'école.", "Geef de naam van de school."),
    ("postcode", "12",
     "Un code postal belge a quatre chiffres, comme 1210.",
     "Een Belgische postcode heeft vier cijfers, zoals 1210."),
    ("network", "elsewhere", "Choisissez le réseau d'enseignement de l'école.", "Kies het onderwijsnet van de school."),
    ("teacher_name", "", "Indiquez votre nom.", "Vul uw naam in."),
    ("email", "not-an-address",
     "Indiquez une adresse e-mail valable, comme nom@ecole.be.",
     "Geef een geldig e-mailadres, zoals naam@school.be."),
    ("phone", "123",
     "Indiquez un numéro de téléphone où vous joindre, comme 02 123 45 67 ou 0470 12 34 56.",
     "Geef een telefoonnummer waarop we u kunnen bereiken, zoals 02 123 45 67 of 0470 12 34 56."),
    ("activity", "999999",
     "Choisissez une des activités pour les écoles.",
     "Kies een van de activiteiten voor scholen."),
    ("class_level", "s9", "Choisissez l'année de la classe.", "Kies het jaar van de klas."),
    ("pupils", "40", "Indiquez le nombre d'élèves\u00a0: de 10 à 28.", "Geef het aantal leerlingen: van 10 tot 28."),
    ("teaching_language", "en", "Choisissez le français ou le néerlandais.", "Kies Frans of Nederlands."),
    ("place", "moon", "Choisissez où a lieu la séance.", "Kies waar de klassessie plaatsvindt."),
    ("school_address", "", "Indiquez l'adresse de l'école.", "Geef het adres van de school."),
    ("date_1", "31/02/2027",
     "Indiquez la date en jour, mois et année, par exemple",
     "Geef de datum als dag, maand en jaar, bijvoorbeeld"),
    ("half_1", "", "Choisissez le matin ou l'après-midi.", "Kies de voormiddag of de namiddag."),
    ("comment", "x" * 2001, "Ce texte est trop long (2000 caractères au maximum).",
     "Deze tekst is te lang (maximaal 2000 tekens)."),
    ("accessibility", "bad\x00text",
     "Ce texte contient des caractères qui ne peuvent pas être utilisés.",
     "Deze tekst bevat tekens die niet gebruikt kunnen worden."),
]


@pytest.mark.parametrize("field,value,fr,nl", BAD, ids=[b[0] for b in BAD])
def test_every_field_bad_input_has_its_message_in_the_teachers_language(client, pto, field, value, fr, nl):
    for lang, message in (("fr", fr), ("nl", nl)):
        answer = client.post(f"/{lang}/schools/", data=form(pto, **{field: value}))
        assert answer.status_code == 422
        assert message in html.unescape(answer.text), (lang, field)
    assert db.session.scalars(db.select(SchoolRequest)).all() == []
    assert f.outbox("school_ack") == []


def test_dates_must_be_school_days_ahead_and_at_least_two(client, pto):
    saturday = local_today() + timedelta(days=(5 - local_today().weekday()) % 7 + 14)
    cases = [({"date_1": saturday.isoformat()}, "Choisissez un jour d'école, du lundi au vendredi."),
             ({"date_1": local_today().isoformat()},
              "Choisissez une date entre une semaine et un an à partir d'aujourd'hui."),
             ({"date_2": "", "half_2": ""}, "Indiquez au moins deux dates souhaitées."),
             ({"date_2": next_weekday(21).isoformat(), "half_2": "morning"},
              "Cette date et cette demi-journée sont données deux fois.")]
    for changes, message in cases:
        answer = client.post("/fr/schools/", data=form(pto, **changes))
        assert answer.status_code == 422 and message in html.unescape(answer.text), changes


def test_a_place_the_activity_does_not_offer_is_refused(client, pto):
    pto.school_places = "centre,online"
    db.session.flush()
    answer = client.post("/en/schools/", data=form(pto))
    assert answer.status_code == 422
    assert "This activity is not given there: choose another place." in html.unescape(answer.text)
    assert client.post("/en/schools/", data=form(pto, place="online", school_address="")).status_code == 303


def test_no_pupils_personal_data_is_asked(client, pto):
    page = client.get("/en/schools/").text
    for word in ("birth", "pupil's name", "pupils' names</label>"):
        assert word not in page
    columns = {c.name for c in SchoolRequest.__table__.columns}
    assert not {c for c in columns if "pupil" in c} - {"pupils"}
