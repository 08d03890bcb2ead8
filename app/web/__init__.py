"""What every page of the site shares: addresses in a language, error pages, health, template helpers, labels.

`init_app` runs before the feature blueprints are registered, so their rules know the converters.
"""
from __future__ import annotations

from flask import Flask

from app.web.blueprint import bp


def init_app(app: Flask) -> None:
    from app.web import errors, health, root, templating  # noqa: F401  (health and root: routes of bp)
    from app.web.json import SafeJSONProvider
    from app.web.urls import register_converters

    app.json = SafeJSONProvider(app)
    register_converters(app)
    errors.register(app)
    templating.register(app)
    app.register_blueprint(bp)
