"""The centre's back-office: planning the calendar, desk registrations and the outbox."""
from app.schools import (  # noqa: F401  (the schools' requests, in the back-office)
    views_staff,
)
from app.staff import (  # noqa: F401  (their routes)
    views_activities,
    views_desk,
    views_hosts,
    views_outbox,
    views_series,
    views_sessions,
    views_week,
)
from app.staff.blueprint import bp  # noqa: F401
