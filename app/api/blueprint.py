"""The blueprint of the API, apart from the modules that add its routes."""
from flask import Blueprint

bp = Blueprint("api", __name__)
