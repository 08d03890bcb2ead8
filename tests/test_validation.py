"""One set of rules for what people type: names, e-mail addresses, lines and longer texts, capacities."""
from datetime import datetime, timedelta

import pytest
from email_validator import EmailNotValidError
from flask_babel import force_locale

from app import validation as v
from app.accounts.services import create_user
from app.attendance.services import clean_walkin
from app.calendar import services as calendar
from app.calendar.activities import clean_activity
from app.errors import ValidationError
from app.registrations import services as registrations
from app.timeutil import UTC
from tests import factories as f

BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
SEPARATORS = ["\u2028", "\u2029"]
OTHER_REFUSED_IN_A_LINE = ["\x00", "\x1b", "\x7f", "\u0085", "\ud800", "\u200b", "\u200e", "\ufeff", "\n", "\r", "\t"]
NAME_REFUSED = "The name contains characters that cannot be used."


@pytest.fixture(autouse=True)
def english():
    with force_locale("en"):
        yield


@pytest.mark.parametrize("char", BIDI + SEPARATORS + OTHER_REFUSED_IN_A_LINE)
def test_a_line_refuses_controls_format_characters_and_separators(char):
    assert v.has_refused_characters(f"Ana{char}Lopez")
    assert v.text_problem(f"Ana{char}Lopez", 120) is v.Problem.BAD_CHARACTERS


@pytest.mark.parametrize("text", ["Zoé Van den Bossche", "Ana-María O’Neill", "محمد", "Łukasz Żółć", "李小龙"])
def test_names_people_have_are_good(text):
    assert v.name_error(text, "missing") is None


@pytest.mark.parametrize("char", BIDI + SEPARATORS + ["\x00", "\x0b", "\x1b", "\x7f", "\ud800", "\r"])
def test_a_longer_text_refuses_bidi_controls_separators_and_other_controls(char):
    assert v.has_refused_characters(f"first line\n{char}second", multiline=True)


def test_a_longer_text_keeps_line_feeds_tabs_and_joiners_and_makes_carriage_returns_line_feeds():
    assert (v.clean_text("  one\r\ntwo\rthree\n\tfour 👩\u200d💻  ", multiline=True)
            == "one\ntwo\nthree\n\tfour 👩\u200d💻")
    assert v.text_problem(v.clean_text("one\r\ntwo\rthree\n\tfour", multiline=True), 100, multiline=True) is None
    assert v.clean_text(" one\r\ntwo ") == "one\r\ntwo"  # a line is not mended: its CR is refused
    assert v.text_problem(v.clean_text(" one\r\ntwo "), 100) is v.Problem.BAD_CHARACTERS


def test_the_length_is_checked_before_any_character_and_missing_before_both():
    assert v.text_problem("\x00" * 121, 120) is v.Problem.TOO_LONG
    assert v.text_problem("\x00" * 120, 120) is v.Problem.BAD_CHARACTERS
    assert v.text_problem("", 120, required=True) is v.Problem.MISSING
    assert v.text_problem("", 120) is None
    assert str(v.name_error("x" * 121 + "\u202e", "missing")) == "The name is too long (120 characters at most)."


def test_one_rule_for_e_mail_addresses():
    assert v.normalise_email("  Ana.Lopez@EXAMPLE.be ") == "Ana.Lopez@example.be"
    assert v.email_key(v.normalise_email("Ana.Lopez@EXAMPLE.be")) == "ana.lopez@example.be"
    for bad in ("nope", "a" * 250 + "@example.be", "ana\x00@example.be", "ana\u202e@example.be", ""):
        with pytest.raises(EmailNotValidError):
            v.normalise_email(bad)


@pytest.mark.parametrize("value, good", [(1, True), (10_000, True), (0, False), (10_001, False), (True, False),
                                         ("12", False), (None, False), (2.0, False)])
def test_capacities(value, good):
    assert v.is_capacity(value) is good


@pytest.mark.parametrize("char", ["\u202e", "\u2028", "\u2066", "\x00"])
def test_every_form_of_a_name_refuses_bidi_controls_and_separators(char):
    name = f"Ana{char}Lopez"
    with pytest.raises(ValidationError) as registration:
        registrations.clean_registration({"name": name, "email": "ana@example.be", "consent": True})
    assert registration.value.errors == {"name": NAME_REFUSED}
    with pytest.raises(ValidationError) as walkin:
        clean_walkin(name, "", None)
    assert walkin.value.errors == {"name": NAME_REFUSED}
    with pytest.raises(ValidationError) as account:
        create_user("ana@example.be", name, "counsellor", password="a long enough password")
    assert account.value.errors == {"name": NAME_REFUSED}


def test_a_survey_comment_keeps_its_lines_and_refuses_a_bidi_override():
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    session = calendar.create_session(f.activity(), start, start + timedelta(hours=2), "online", capacity=3)
    registration, _created = registrations.register(
        session.id, {"name": "Ana", "email": "ana@example.be", "language": "fr", "consent": True})
    past = datetime.now(UTC) - timedelta(hours=3)
    calendar.reschedule_session(session, past, past + timedelta(hours=2))
    with pytest.raises(ValidationError) as refused:
        registrations.answer_survey(registration.token, 4, "good\u202e doog")
    assert refused.value.errors == {"comment": "The comment contains characters that cannot be used."}
    answer = registrations.answer_survey(registration.token, 4, "Good.\r\nVery good.\rThanks\t!")
    assert answer.comment == "Good.\nVery good.\nThanks\t!"


def test_an_activity_title_is_one_line_and_its_description_several():
    theme = f.theme()
    base = {"title_fr": "CV", "title_nl": "CV", "theme": str(theme.id), "audiences": [], "language": "fr",
            "default_duration_minutes": 60, "default_capacity": 10}
    with pytest.raises(ValidationError) as refused:
        clean_activity({**base, "title_fr": "CV\u2028bis", "description_nl": "een\u202etwee"})
    assert refused.value.errors == {"title_fr": "This text contains characters that cannot be used.",
                                    "description_nl": "This text contains characters that cannot be used."}
    assert clean_activity({**base, "description_fr": "un\r\ndeux"})["description_fr"] == "un\ndeux"
