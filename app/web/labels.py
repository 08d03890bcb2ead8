"""The words shown for stored codes, one place for the public pages and the back-office alike."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.integrations.registry import LABELS as PROVIDER_NAMES

FORMAT_LABELS = {
    "face_to_face": _l("Face-to-face"),
    "online": _l("Online"),
    "hybrid": _l("Hybrid: on site or online"),
}

DELIVERY_LANGUAGE_LABELS = {
    "fr": _l("In French"),
    "nl": _l("In Dutch"),
    "en": _l("In English"),
    "fr_nl": _l("In French and Dutch"),
}

# Each language named in itself, so everyone finds their own.
LANGUAGE_NAMES = {"fr": "Français", "nl": "Nederlands", "en": "English"}

# How someone registered at the desk asked for their seat.
CHANNEL_LABELS = {
    "phone": _l("By phone"), "email": _l("By e-mail"), "desk": _l("At the desk"), "web": _l("Online form"),
}
# Every channel a registration can come by: the desk's, and a partner's site through the API.
REGISTRATION_CHANNEL_LABELS = {**CHANNEL_LABELS, "api": _l("Through the API")}

# The outbox's states of a message.
MESSAGE_STATUS_LABELS = {"queued": _l("Queued"), "sending": _l("Sending"), "sent": _l("Sent"), "failed": _l("Failed")}

# Videoconference services by their own names.
PROVIDER_LABELS = PROVIDER_NAMES  # the providers name themselves
