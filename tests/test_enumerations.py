"""Every enumeration is defined once; the words shown for its codes name each code, and only those."""
from app.calendar.models import DELIVERY_LANGUAGES, FORMATS, ON_SITE_FORMATS, ONLINE_FORMATS
from app.closures.forms import ACTION_LABELS
from app.closures.models import ACTIONS
from app.feeds.ics import words_for
from app.i18n import LANGS
from app.messages.models import STATUSES as MESSAGE_STATUSES
from app.registrations.models import CHANNELS
from app.web.labels import (
    CHANNEL_LABELS,
    DELIVERY_LANGUAGE_LABELS,
    FORMAT_LABELS,
    LANGUAGE_NAMES,
    MESSAGE_STATUS_LABELS,
)


def test_labels_name_every_code_of_their_enumeration():
    assert tuple(FORMAT_LABELS) == FORMATS
    assert tuple(DELIVERY_LANGUAGE_LABELS) == DELIVERY_LANGUAGES
    assert tuple(LANGUAGE_NAMES) == LANGS
    assert tuple(MESSAGE_STATUS_LABELS) == MESSAGE_STATUSES
    assert set(CHANNEL_LABELS) == set(CHANNELS) - {"api"}  # the API is no channel a person chooses at the desk
    assert tuple(ACTION_LABELS) == ACTIONS
    words = words_for("nl")
    assert tuple(words.formats) == FORMATS and tuple(words.languages) == DELIVERY_LANGUAGES


def test_the_formats_on_site_and_online_split_the_formats():
    assert ON_SITE_FORMATS == ("face_to_face", "hybrid") and ONLINE_FORMATS == ("online", "hybrid")
    assert set(ON_SITE_FORMATS) | set(ONLINE_FORMATS) == set(FORMATS)
