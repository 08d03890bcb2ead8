"""Settings, every one read from the environment (see the README's table)."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_PATH", BASE_DIR / "instance"))


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once into instance/."""
    value = os.environ.get("SECRET_KEY")
    if value:
        return value
    path = INSTANCE_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def database_url(raw: str | None) -> str:
    """DATABASE_URL as SQLAlchemy takes it. The forms hosting services give (`postgres://`, `postgresql://`)
    use the installed driver (psycopg 3); anything else unreadable stops at once with a clear message."""
    if not raw:
        return f"sqlite:///{INSTANCE_DIR / 'workshops.sqlite'}"
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            raw = "postgresql+psycopg://" + raw[len(prefix):]
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        backend = make_url(raw).get_backend_name()
    except ArgumentError:
        backend = None
    if backend not in ("postgresql", "sqlite"):
        raise SystemExit(
            "DATABASE_URL is not a database address this application can use. Give a PostgreSQL address, "
            "such as postgresql://user:password@host:5432/workshops, or leave it unset for SQLite in instance/.")
    return raw


def _default_linkedin_version() -> str:
    from datetime import date

    today = date.today()
    # LinkedIn supports the versions of the last twelve months; take last month's.
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return f"{year}{month:02d}"


# The holidays of French-speaking (Fédération Wallonie-Bruxelles) and Dutch-speaking (Vlaamse
# Gemeenschap) schools in Brussels, as the communities publish them.
DEFAULT_SCHOOL_HOLIDAYS = {
    "fwb": [  # 2026-2027
        ("2026-10-19", "2026-10-30"), ("2026-12-21", "2027-01-01"), ("2027-02-15", "2027-02-26"),
        ("2027-04-26", "2027-05-07"), ("2027-07-03", "2027-08-29"),
    ],
    "vg": [  # 2026-2027
        ("2026-11-02", "2026-11-08"), ("2026-12-21", "2027-01-03"), ("2027-02-08", "2027-02-14"),
        ("2027-03-29", "2027-04-11"), ("2027-07-01", "2027-08-31"),
    ],
}


def _school_holidays(raw: str | None) -> dict:
    import json

    found = json.loads(raw) if raw else DEFAULT_SCHOOL_HOLIDAYS
    return {community: [tuple(span) for span in spans] for community, spans in found.items()}


class Config:
    """Read once at import; tests pass overrides to create_app(config=...)."""

    SQLALCHEMY_DATABASE_URI = database_url(_env("DATABASE_URL"))
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    BASE_URL = (_env("BASE_URL", "http://127.0.0.1:5000") or "").rstrip("/")
    # The largest request body (bytes): a larger one is refused (413) before it is read.
    MAX_CONTENT_LENGTH = int(_env("MAX_CONTENT_LENGTH", str(1024 * 1024)))

    SMTP_HOST = _env("SMTP_HOST")
    SMTP_PORT = int(_env("SMTP_PORT", "25") or 25)
    SMTP_USER = _env("SMTP_USER")
    SMTP_PASSWORD = _env("SMTP_PASSWORD")
    SMTP_TLS = _env("SMTP_TLS", "none")
    MAIL_FROM = _env("MAIL_FROM", "Cité des métiers <no-reply@citedesmetiers.brussels>")
    # The mail server offers SMTPUTF8: addresses with letters outside ASCII before the @ are accepted.
    SMTP_SMTPUTF8 = (_env("SMTP_SMTPUTF8", "0") or "0").lower() in ("1", "true", "yes", "on")
    # How long a scheduler holds a message it is sending (renewed while it sends).
    OUTBOX_LEASE_SECONDS = float(_env("OUTBOX_LEASE_SECONDS", "300"))

    ROOM_PROVIDER_DEFAULT = _env("ROOM_PROVIDER_DEFAULT", "jitsi")
    JITSI_BASE_URL = _env("JITSI_BASE_URL", "https://meet.jit.si")
    WHEREBY_API_URL = _env("WHEREBY_API_URL", "https://api.whereby.dev/v1")
    WHEREBY_API_KEY = _env("WHEREBY_API_KEY")
    GOOGLE_TOKEN_URL = _env("GOOGLE_TOKEN_URL", "https://oauth2.googleapis.com/token")
    GOOGLE_CALENDAR_API_URL = _env("GOOGLE_CALENDAR_API_URL", "https://www.googleapis.com/calendar/v3")
    GOOGLE_CLIENT_ID = _env("GOOGLE_CLIENT_ID")
    GOOGLE_CLIENT_SECRET = _env("GOOGLE_CLIENT_SECRET")
    GOOGLE_REFRESH_TOKEN = _env("GOOGLE_REFRESH_TOKEN")
    GOOGLE_CALENDAR_ID = _env("GOOGLE_CALENDAR_ID", "primary")
    FACEBOOK_GRAPH_URL = _env("FACEBOOK_GRAPH_URL", "https://graph.facebook.com/v25.0")
    FACEBOOK_PAGE_ID = _env("FACEBOOK_PAGE_ID")
    FACEBOOK_PAGE_TOKEN = _env("FACEBOOK_PAGE_TOKEN")
    LINKEDIN_API_URL = _env("LINKEDIN_API_URL", "https://api.linkedin.com/rest")
    LINKEDIN_VERSION = _env("LINKEDIN_VERSION", _default_linkedin_version())
    LINKEDIN_ORGANIZATION_ID = _env("LINKEDIN_ORGANIZATION_ID")
    LINKEDIN_TOKEN = _env("LINKEDIN_TOKEN")
    # Posts of the week's programme and of the day's workshops (Brussels time): "monday 08:00", "07:30".
    POSTS_WEEK_AT = _env("POSTS_WEEK_AT", "monday 08:00")
    POSTS_DAY_AT = _env("POSTS_DAY_AT", "07:30")
    POSTS_HTTP_TIMEOUT = float(_env("POSTS_HTTP_TIMEOUT", "10"))
    # How long a scheduler holds a post it is publishing (at least three time-outs).
    POSTS_LEASE_SECONDS = float(_env("POSTS_LEASE_SECONDS", "120"))

    # Cookies: secure when the public address is https; the staff's login lasts a working day.
    SESSION_COOKIE_SECURE = REMEMBER_COOKIE_SECURE = (BASE_URL or "").startswith("https://")
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    PERMANENT_SESSION_LIFETIME = 10 * 3600

    # Flask-Babel: English source strings, French and Dutch catalogues.
    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = "Europe/Brussels"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "app" / "translations")
    LANGUAGES = ("fr", "nl", "en")

    # Registrations and messages
    WAITLIST_PROMOTION_CUTOFF_HOURS = float(_env("WAITLIST_PROMOTION_CUTOFF_HOURS", "2"))
    # An address registered again gets its links by e-mail, at most once in this many minutes per session.
    REGISTRATION_LINKS_RESEND_MINUTES = float(_env("REGISTRATION_LINKS_RESEND_MINUTES", "30"))
    REMINDER_HOURS = float(_env("REMINDER_HOURS", "24"))
    SURVEY_DELAY_HOURS = float(_env("SURVEY_DELAY_HOURS", "1"))
    SESSION_LOCK_TIMEOUT_MS = int(_env("SESSION_LOCK_TIMEOUT_MS", "5000"))
    SMTP_TIMEOUT = float(_env("SMTP_TIMEOUT", "15"))
    ROOMS_HTTP_TIMEOUT = float(_env("ROOMS_HTTP_TIMEOUT", "10"))

    # Schools: a counsellor's travel time around a class at a school; a teacher's last moment to cancel online
    SCHOOL_TRAVEL_MINUTES = int(_env("SCHOOL_TRAVEL_MINUTES", "45"))
    SCHOOL_CANCEL_HOURS = float(_env("SCHOOL_CANCEL_HOURS", "48"))
    # School holidays of each community, per school year: (first day, last day) of each holiday; a
    # JSON object of the same shape in SCHOOL_HOLIDAYS replaces it ({"fwb": [["2026-10-19", "2026-10-30"]], ...}).
    SCHOOL_HOLIDAYS = _school_holidays(_env("SCHOOL_HOLIDAYS"))
    SCHOOL_REQUEST_LIMIT_PER_ADDRESS = _env("SCHOOL_REQUEST_LIMIT_PER_ADDRESS", "20/hour")
    # When a class starts on a morning or an afternoon (Brussels time)
    SCHOOL_MORNING_START = _env("SCHOOL_MORNING_START", "09:00")
    SCHOOL_AFTERNOON_START = _env("SCHOOL_AFTERNOON_START", "13:30")

    # The scheduler process: how often each job runs (seconds)
    SCHEDULER_DELIVERY_SECONDS = int(_env("SCHEDULER_DELIVERY_SECONDS", "30"))
    SCHEDULER_ROOMS_SECONDS = int(_env("SCHEDULER_ROOMS_SECONDS", "30"))
    SCHEDULER_REMINDER_SECONDS = int(_env("SCHEDULER_REMINDER_SECONDS", "300"))
    SCHEDULER_SURVEY_SECONDS = int(_env("SCHEDULER_SURVEY_SECONDS", "900"))
    SCHEDULER_WAITLIST_SECONDS = int(_env("SCHEDULER_WAITLIST_SECONDS", "300"))
    SCHEDULER_POSTS_SECONDS = int(_env("SCHEDULER_POSTS_SECONDS", "60"))
    SCHEDULER_HOST_LINKS_SECONDS = int(_env("SCHEDULER_HOST_LINKS_SECONDS", "300"))
    # Partner hosts get their sessions' host links in one digest a day, from this hour (Brussels time).
    HOST_LINK_DIGEST_HOUR = int(_env("HOST_LINK_DIGEST_HOUR", "7"))

    # Password hashing (argon2id): its cost
    ARGON2_TIME_COST = int(_env("ARGON2_TIME_COST", "3"))
    ARGON2_MEMORY_KIB = int(_env("ARGON2_MEMORY_KIB", "65536"))

    # Logins: failed attempts allowed per account and per address within the window
    LOGIN_MAX_PER_ACCOUNT = int(_env("LOGIN_MAX_PER_ACCOUNT", "5"))
    LOGIN_MAX_PER_IP = int(_env("LOGIN_MAX_PER_IP", "20"))
    LOGIN_WINDOW_MINUTES = int(_env("LOGIN_WINDOW_MINUTES", "15"))

    # Behind a reverse proxy: how many proxies in front of gunicorn add X-Forwarded-For/-Proto.
    # 0 (the default) ignores those headers: the client is the connection's address.
    TRUSTED_PROXY_COUNT = int(_env("TRUSTED_PROXY_COUNT", "0") or 0)

    # Registrations (page form and API; the staff desk is not limited), counted by Flask-Limiter.
    # Its counters live in RATELIMIT_STORAGE_URI: memory:// counts per process (one process only);
    # production uses Redis (redis://host:6379/0), shared by every web process.
    RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_KEY_PREFIX = _env("RATELIMIT_KEY_PREFIX", "workshops")
    RATELIMIT_STRATEGY = "moving-window"
    RATELIMIT_HEADERS_ENABLED = False  # the 429 answers carry Retry-After themselves
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True  # Redis down: each process counts alone until it is back
    REGISTRATION_LIMIT_PER_ADDRESS = _env("REGISTRATION_LIMIT_PER_ADDRESS", "10/minute;50/hour")
    REGISTRATION_LIMIT_PER_SESSION = _env("REGISTRATION_LIMIT_PER_SESSION", "100/hour")
    REGISTRATION_LIMIT_PER_EMAIL = _env("REGISTRATION_LIMIT_PER_EMAIL", "5/hour;10/day")

    # Feeds: how long cancelled sessions stay in feeds, how often clients refresh.
    # Personal data (app/privacy): erased so long after the session, as the consent text says; the outbox's
    # addresses and texts, the failed-login records and the audit log after theirs. The purge runs each night
    # at PRIVACY_PURGE_AT (Brussels time) in the scheduler, and on demand with `privacy purge`.
    RETENTION_DAYS = int(_env("RETENTION_DAYS", "365"))
    OUTBOX_RETENTION_DAYS = int(_env("OUTBOX_RETENTION_DAYS", "90"))
    AUDIT_RETENTION_DAYS = int(_env("AUDIT_RETENTION_DAYS", "730"))
    LOGIN_ATTEMPT_RETENTION_DAYS = int(_env("LOGIN_ATTEMPT_RETENTION_DAYS", "30"))
    SCHOOL_RETENTION_DAYS = int(_env("SCHOOL_RETENTION_DAYS", "365"))  # a teacher's details, after the class
    PRIVACY_PURGE_AT = _env("PRIVACY_PURGE_AT", "03:30")
    MY_DATA_LIMIT_PER_ADDRESS = _env("MY_DATA_LIMIT_PER_ADDRESS", "10/hour")
    FEED_CANCELLED_DAYS = 30
    FEED_REFRESH_HOURS = 6
    FEED_PAST_DAYS = 60

    SECRET_KEY = _secret_key()
