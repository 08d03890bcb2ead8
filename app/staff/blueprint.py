"""The blueprint of the back-office, apart from the modules that add its routes."""
from app.web.urls import language_blueprint

bp = language_blueprint("staff", __name__, "/staff")
