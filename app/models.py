"""Every model of the application, imported so that the metadata knows them all."""
from app.accounts.models import LoginAttempt, User  # noqa: F401,E402
from app.attendance.models import Attendance  # noqa: F401,E402
from app.calendar.models import (  # noqa: F401
    Activity,
    Audience,
    Booking,  # noqa: F401,E402
    Partner,
    Room,
    Series,
    SeriesException,
    Session,
    Theme,
    Venue,
)
from app.closures.models import CapacityCap, Closure, ClosureEffect  # noqa: F401,E402
from app.feeds.models import PersonFeed, UserFeed  # noqa: F401,E402
from app.messages.models import OutboxMessage  # noqa: F401,E402
from app.partners.models import SessionProposal  # noqa: F401,E402
from app.posts.models import Post, PostNetwork  # noqa: F401,E402
from app.privacy.models import AuditEntry  # noqa: F401,E402
from app.registrations.models import Registration, SurveyAnswer  # noqa: F401,E402
from app.schools.models import ClassAttendance, PreferredDate, SchoolRequest  # noqa: F401,E402
from app.stats.models import PastActivity, PastClosure  # noqa: F401,E402
from app.videorooms.models import JoinEvent, VideoRoom  # noqa: F401,E402
