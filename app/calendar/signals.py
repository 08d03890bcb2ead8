"""Signals of the calendar, sent inside the transaction of the change (before its commit).

`session_changed(session, changes=set)`: changes among "time", "format", "place", "capacity",
"language", "cancelled", "restored"; `before=dict`: the session's start_at, end_at, format, venue_id
and room_id before the change (empty when it was created). Receivers (registrations, messages) add their
writes to the same transaction, so a rollback leaves no message and a commit loses none.
"""
from blinker import Namespace

_signals = Namespace()
session_changed = _signals.signal("session-changed")
