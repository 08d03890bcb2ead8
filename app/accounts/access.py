"""Who may see and change what: written once, asked everywhere (pages, API, exports).

`can(user, action, session=None)`; partner users act only on the sessions their organisation
organises or co-hosts, staff on every session, anonymous visitors on nothing here.
"""
from __future__ import annotations

from flask import abort
from flask_login import current_user

from app.calendar.models import Activity, Session

# action -> roles allowed; "partner" means: a partner user, for their organisation's sessions.
RULES: dict[str, frozenset[str]] = {
    "backoffice": frozenset({"admin", "coordinator", "counsellor", "partner"}),
    "see_centre": frozenset({"admin", "coordinator", "counsellor"}),  # the whole centre's week and series
    "plan": frozenset({"admin", "coordinator"}),                 # activities, series, sessions, closures
    "see_session": frozenset({"admin", "coordinator", "counsellor", "partner"}),
    "see_registrations": frozenset({"admin", "coordinator", "counsellor", "partner"}),
    "register_for_someone": frozenset({"admin", "coordinator", "counsellor"}),
    "manage_waiting_list": frozenset({"admin", "coordinator", "counsellor"}),
    "take_attendance": frozenset({"admin", "coordinator", "counsellor", "partner"}),
    "propose_session": frozenset({"partner"}),
    "review_proposals": frozenset({"admin", "coordinator"}),
    "see_outbox": frozenset({"admin", "coordinator"}),
    "publish_posts": frozenset({"admin", "coordinator"}),      # the posts to Facebook and LinkedIn
    "manage_users": frozenset({"admin"}),
    "handle_personal_data": frozenset({"admin", "coordinator"}),  # find, export, erase a person's data
    "read_audit": frozenset({"admin"}),
    "set_room_provider": frozenset({"admin", "coordinator", "partner"}),
}
SESSION_ACTIONS = frozenset({"see_session", "see_registrations", "take_attendance"})


def partner_ids_of(activity: Activity) -> set[int]:
    return {p.id for p in activity.partners}


def can(user, action: str, session: Session | None = None, partner_id: int | None = None) -> bool:
    """True when `user` may do `action` (on `session`, or for the organisation `partner_id`)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.role not in RULES[action]:
        return False
    if user.role != "partner":
        return True
    if session is not None:
        return user.partner_id in partner_ids_of(session.activity)
    if partner_id is not None:
        return user.partner_id == partner_id
    return action not in SESSION_ACTIONS  # a session action needs its session


def require(action: str, session: Session | None = None, partner_id: int | None = None) -> None:
    """Stop the request with 403 (or the login page, for anonymous visitors) unless allowed."""
    if not current_user.is_authenticated:
        from flask import current_app

        abort(current_app.login_manager.unauthorized())
    if not can(current_user, action, session, partner_id):
        abort(403)
