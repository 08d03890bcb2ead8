"""The public pages, under /<lang>/: the calendar and one page per session."""
from app.web.urls import language_blueprint

bp = language_blueprint("public", __name__)

from app.public import views  # noqa: E402,F401
