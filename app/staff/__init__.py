"""The centre's back-office: planning the calendar, desk registrations and the outbox."""
from app.web.urls import language_blueprint

bp = language_blueprint("staff", __name__, "/staff")

from app.staff import (  # noqa: E402,F401  (routes)
    views_activities, views_desk, views_outbox, views_series, views_sessions, views_week,
)
