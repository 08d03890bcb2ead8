"""What each kind of message says: subject and paragraphs, in the language of the current locale."""
from __future__ import annotations

from flask_babel import gettext as _


def subject(kind: str, title: str) -> str:
    subjects = {
        "confirmation": _("Registration confirmed: %(title)s", title=title),
        "waitlisted": _("You are on the waiting list: %(title)s", title=title),
        "promotion": _("A seat is free for you: %(title)s", title=title),
        "reminder": _("Reminder: %(title)s", title=title),
        "change": _("Change to your session: %(title)s", title=title),
        "cancellation": _("Session cancelled: %(title)s", title=title),
        "survey": _("How was it? %(title)s", title=title),
        "full": _("The session is full: %(title)s", title=title),
        "unregistered": _("Registration cancelled: %(title)s", title=title),
        "links": _("Your registration and its links: %(title)s", title=title),
    }
    return subjects[kind]


def paragraphs(kind: str, position: int | None = None, reason: str = "") -> list[str]:
    """The message's own words; the session's details and the links follow in every message."""
    if kind == "confirmation":
        found = [_("Your seat is booked. The calendar file attached adds the session to your agenda.")]
    elif kind == "waitlisted":
        found = [_("The session is full, so you are on the waiting list, in position %(position)s.", position=position),
                 _("If a seat frees up, you get it automatically and we write to you at once.")]
    elif kind == "promotion":
        found = [_("A seat freed up and it is now yours: your registration is confirmed."),
                 _("If you cannot come after all, please cancel so that someone else can take the seat.")]
    elif kind == "reminder":
        found = [_("This is a reminder: your session is coming up soon. We look forward to seeing you.")]
    elif kind == "change":
        found = [_("The date, time or place of your session has changed. Here are the new details.")]
    elif kind == "cancellation":
        found = [_("We are sorry: this session is cancelled.")]
        if reason:
            found.append(_("Reason: %(reason)s", reason=reason))
        found.append(_("You can find other sessions in our calendar."))
    elif kind == "survey":
        found = [_("Thank you for taking part. Tell us in one minute what you thought of it: it helps us improve.")]
    elif kind == "unregistered":
        found = [_("Your registration for this session is cancelled. Thank you for letting us know: "
                   "your seat can go to someone else."),
                 _("You can find other sessions in our calendar.")]
    elif kind == "links":
        found = [_("Someone, probably you, asked to register this address again for this session. "
                   "You were already registered, so nothing has changed: here are your links again.")]
        found.append(_("You are on the waiting list, in position %(position)s.", position=position) if position
                     else _("Your seat is booked."))
        found.append(_("If you did not ask for this, you can ignore this message."))
    elif kind == "full":
        found = [_("The session starts soon and no seat freed up: we could not give you a place this time."),
                 _("You can find other sessions in our calendar.")]
    else:
        raise ValueError(kind)
    return found
