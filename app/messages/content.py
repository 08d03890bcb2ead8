"""What each kind of message says: subject and paragraphs, in the language of the current locale."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext


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


def paragraphs(kind: str, position: int | None = None, reason: str = "", *, closure: bool = False,
               listed: bool = True, hybrid_later: bool = False, reminder_hours: float = 24) -> list[str]:
    """The message's own words; the session's details and the links follow in every message.

    `closure`: the change or cancellation comes from the venue's closure, whose `reason` is given;
    `listed`: a change whose former and new values follow;
    `hybrid_later`: a hybrid session's seat, whose join link comes with the reminder."""
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
    elif kind == "change" and closure:
        found = [_("Our venue is closed on the day of your session, so it takes place online instead."),
                 _("Reason for the closure: %(reason)s", reason=reason),
                 _("Your registration stays valid. Here is what changed:") if listed
                 else _("Your registration stays valid. Here are the details of the session now.")]
    elif kind == "change":
        found = [_("Your session has changed. Here is what changed:") if listed
                 else _("Your session has changed. Here are its details now.")]
    elif kind == "cancellation":
        found = [_("We are sorry: this session is cancelled because our venue is closed that day.") if closure
                 else _("We are sorry: this session is cancelled.")]
        if reason:
            found.append(_("Reason for the closure: %(reason)s", reason=reason) if closure
                         else _("Reason: %(reason)s", reason=reason))
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
    if hybrid_later:
        hours = round(reminder_hours)
        found.append(ngettext("You can come on site or take part online. Your personal link to join online "
                              "comes with the reminder, %(num)d hour before the start.",
                              "You can come on site or take part online. Your personal link to join online "
                              "comes with the reminder, %(num)d hours before the start.", hours))
    return found
