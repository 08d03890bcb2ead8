"""The blueprint of the site's own routes (`/`, `/healthz`), apart from the modules that add them."""
from flask import Blueprint

bp = Blueprint("web", __name__)
