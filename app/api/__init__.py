from flask import Blueprint

bp = Blueprint("api", __name__)

from app.api import registrations, views  # noqa: E402,F401
