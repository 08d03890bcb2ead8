"""Flask-Login's side: loading the account of a session cookie, and where to send the anonymous."""
from __future__ import annotations

import hmac

from flask import Flask, g
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager

from app.extensions import MAX_ID, db


def configure_login(app: Flask, manager: LoginManager) -> None:
    manager.login_view = "accounts.login"
    manager.login_message = _l("Please log in to see this page.")
    # "basic": a host moving from Wi-Fi to mobile data on the attendance sheet stays logged in;
    # the session is then no longer "fresh", and sensitive actions can ask for the password again.
    manager.session_protection = "basic"

    @manager.user_loader
    def load_user(value: str):
        """The account of a cookie that is still valid: same password, same session key (the server ends
        a session by changing the key: logging out, a new password), account switched on."""
        from app.accounts.models import User

        user_id, stamp, key = ((value or "").split(":") + ["", "", ""])[:3]
        if not (user_id.isascii() and user_id.isdigit() and len(user_id) <= 10) or not key:
            return None
        user = db.session.get(User, int(user_id)) if int(user_id) <= MAX_ID else None
        if user is None or not user.active or str(int(user.password_changed_at.timestamp())) != stamp:
            return None
        if not hmac.compare_digest(user.session_key.encode(), key.encode("utf-8", "replace")):
            return None
        return user

    @app.teardown_request
    def forget_user(_exc=None) -> None:
        """The account belongs to one request, even when an app context outlives it."""
        g.pop("_login_user", None)

    @app.context_processor
    def backoffice_helpers():
        from app.accounts.access import can

        return {"can": can, "has_endpoint": lambda name: name in app.view_functions}
