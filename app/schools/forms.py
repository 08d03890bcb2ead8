"""The forms of the school pages: they carry what is typed; the services check every field."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField, SelectField, StringField, SubmitField, TelField, TextAreaField
from wtforms.widgets import DateInput, NumberInput

from app.schools.models import CLASS_LEVELS, HALF_DAYS, MAX_DATES, NETWORKS, PLACES

NETWORK_LABELS = {
    "fwb_wbe": _l("French-speaking: WBE (organised by the Wallonia-Brussels Federation)"),
    "fwb_official": _l("French-speaking: official subsidised (municipality, region)"),
    "fwb_free": _l("French-speaking: free subsidised (catholic or non-denominational)"),
    "vg_go": _l("Dutch-speaking: GO! (community education)"),
    "vg_official": _l("Dutch-speaking: official subsidised (OVSG)"),
    "vg_free": _l("Dutch-speaking: free subsidised (Katholiek Onderwijs Vlaanderen and others)"),
}
CLASS_LEVEL_LABELS = {
    "s1": _l("1st year of secondary school"), "s2": _l("2nd year of secondary school"),
    "s3": _l("3rd year of secondary school"), "s4": _l("4th year of secondary school"),
    "s5": _l("5th year of secondary school"), "s6": _l("6th year of secondary school"),
    "special": _l("Special education"),
}
PLACE_LABELS = {"centre": _l("At the Cité des métiers"), "school": _l("At the school"), "online": _l("Online")}
HALF_DAY_LABELS = {"morning": _l("Morning"), "afternoon": _l("Afternoon")}
STATE_LABELS = {"new": _l("Received"), "proposed": _l("Date proposed"), "confirmed": _l("Confirmed"),
                "declined": _l("Declined"), "cancelled": _l("Cancelled"), "done": _l("Done")}
TEACHING_LANGUAGE_LABELS = {"fr": _l("French"), "nl": _l("Dutch")}


class Raw:
    """Fields keep what was sent as it was: the service reads and checks it."""

    def pre_validate(self, form):
        pass


class RawSelect(Raw, SelectField):
    pass


class RawRadio(Raw, RadioField):
    pass


class RequestForm(FlaskForm):
    school_name = StringField(_l("Name of the school"))
    postcode = StringField(_l("Postcode of the school"), render_kw={"inputmode": "numeric", "maxlength": 4,
                                                                    "autocomplete": "postal-code"})
    network = RawSelect(_l("Education network"),
                        choices=[("", "—")] + [(n, NETWORK_LABELS[n]) for n in NETWORKS])
    teacher_name = StringField(_l("Your name"), render_kw={"autocomplete": "name"})
    email = EmailField(_l("Your e-mail address"), render_kw={"autocomplete": "email"})
    phone = TelField(_l("Your phone number"), render_kw={"autocomplete": "tel"})
    activity = RawRadio(_l("Activity"))
    class_level = RawSelect(_l("Class"), choices=[("", "—")] + [(c, CLASS_LEVEL_LABELS[c]) for c in CLASS_LEVELS])
    pupils = StringField(_l("Number of pupils"), widget=NumberInput(min=1, max=999), render_kw={"inputmode": "numeric"})
    teaching_language = RawRadio(_l("Language of instruction"),
                                 choices=[(c, TEACHING_LANGUAGE_LABELS[c]) for c in ("fr", "nl")])
    place = RawRadio(_l("Where"), choices=[(p, PLACE_LABELS[p]) for p in PLACES])
    school_address = StringField(_l("Address of the school (for a class at the school)"),
                                 render_kw={"autocomplete": "street-address"})
    accessibility = TextAreaField(_l("Accessibility needs (optional)"), render_kw={"rows": 3})
    comment = TextAreaField(_l("Comment (optional)"), render_kw={"rows": 3})
    submit = SubmitField(_l("Send the request"))


for _rank in range(1, MAX_DATES + 1):
    setattr(RequestForm, f"date_{_rank}", StringField(
        _l("Preferred date %(num)d", num=_rank) if _rank < 3 else _l("Preferred date 3 (optional)"),
        widget=DateInput()))
    setattr(RequestForm, f"half_{_rank}", RawRadio(_l("Half-day of date %(num)d", num=_rank),
                                                   choices=[(h, HALF_DAY_LABELS[h]) for h in HALF_DAYS]))

FIELDS = ("school_name", "postcode", "network", "teacher_name", "email", "phone", "activity", "class_level",
          "pupils", "teaching_language", "place", "school_address", "date_1", "half_1", "date_2", "half_2",
          "date_3", "half_3", "accessibility", "comment")


class ButtonForm(FlaskForm):
    """One button (accept, cancel): its CSRF token proves it was pressed on our page."""


class SlotForm(FlaskForm):
    slot = StringField(_l("Slot"))
    room = StringField(_l("Room"))
    counsellor = StringField(_l("Counsellor"))
    confirm = SubmitField(_l("Confirm this slot"))
    propose = SubmitField(_l("Propose it to the teacher"))


class DeclineForm(FlaskForm):
    reason = TextAreaField(_l("Reason (the teacher reads it)"), render_kw={"rows": 2})
    submit = SubmitField(_l("Decline the request"))


class ClassAttendanceForm(FlaskForm):
    pupils_present = StringField(_l("Pupils present"), widget=NumberInput(min=0, max=1000),
                                 render_kw={"inputmode": "numeric"})
    adults_present = StringField(_l("Accompanying adults present"), widget=NumberInput(min=0, max=1000),
                                 render_kw={"inputmode": "numeric"})
    submit = SubmitField(_l("Save the attendance"))
