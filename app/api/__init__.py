"""The public JSON API, version 1, under /api/v1."""
from app.api import cors, registrations, stats, views  # noqa: F401  (their routes and hooks)
from app.api.blueprint import bp  # noqa: F401
