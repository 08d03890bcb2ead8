"""Entry point for `flask --app wsgi ...` and for gunicorn (`wsgi:app`)."""
from app import create_app
from app.runtime import collect_between_requests

app = create_app()
collect_between_requests(app)
