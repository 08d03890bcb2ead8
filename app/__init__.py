"""The workshop scheduler of the Cité des métiers de Bruxelles / Beroepenpunt van Brussel."""
from __future__ import annotations

from typing import Any, Mapping

from flask import Flask


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application. No I/O here: settings come from config.Config and `config`."""
    app = Flask(__name__)
    from config import Config

    app.config.from_object(Config)
    if config:
        app.config.update(config)

    from app.database import configure_engine
    from app.extensions import babel, csrf, db, headers, limiter, login_manager, migrate
    from app.i18n import select_locale
    from app.security_headers import bind as bind_headers

    proxies = int(app.config.get("TRUSTED_PROXY_COUNT") or 0)
    if proxies > 0:  # the client's address and scheme as the trusted proxies saw them; else headers ignored
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    db.init_app(app)
    configure_engine(app)
    migrate.init_app(app, db, directory=str(app.root_path.rsplit("/", 1)[0] + "/migrations"))
    babel.init_app(app, locale_selector=select_locale, timezone_selector=lambda: "Europe/Brussels")
    from app import typography

    typography.install(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    bind_headers(app, headers)
    from app.accounts.login import configure_login

    configure_login(app, login_manager)
    from app import web

    web.init_app(app)  # before the other blueprints: their addresses use its converters

    from app import models  # noqa: F401  (every model registered on the metadata)
    from app.calendar.signals import session_changed
    from app.registrations.services import on_session_changed
    from app.videorooms.services import note_change

    session_changed.connect(on_session_changed, weak=False)  # connecting again is harmless
    session_changed.connect(note_change, weak=False)
    from app.schools.jobs import on_session_changed as tell_the_teacher

    session_changed.connect(tell_the_teacher, weak=False)
    from app.accounts.views import bp as accounts_bp
    from app.api import bp as api_bp
    from app.attendance.views import bp as attendance_bp
    from app.closures.views import bp as closures_bp
    from app.feeds.views import bp as feeds_bp
    from app.partners.views import bp as partners_bp
    from app.posts.views import bp as posts_bp
    from app.privacy.views import bp as privacy_bp
    from app.privacy.views import staff_bp as privacy_staff_bp
    from app.programme.views import bp as programme_bp
    from app.public.views import bp as public_bp
    from app.registrations.views import bp as registrations_bp
    from app.schools.views import bp as schools_bp
    from app.staff import bp as staff_bp
    from app.stats.views import bp as stats_bp
    from app.videorooms.views import bp as videorooms_bp
    from app.widget.views import bp as widget_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(feeds_bp, url_prefix="/feeds")
    app.register_blueprint(registrations_bp)
    app.register_blueprint(partners_bp)
    app.register_blueprint(attendance_bp)
    app.register_blueprint(staff_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(videorooms_bp)
    app.register_blueprint(closures_bp)
    app.register_blueprint(posts_bp)
    app.register_blueprint(widget_bp)
    app.register_blueprint(programme_bp)
    app.register_blueprint(stats_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(privacy_staff_bp)
    app.register_blueprint(schools_bp)
    csrf.exempt(api_bp)

    from app.demo.commands import demo_command
    from app.scheduler import scheduler_command

    app.cli.add_command(demo_command)
    from app.accounts.commands import users_command

    app.cli.add_command(users_command)
    app.cli.add_command(scheduler_command)
    from app.posts.commands import posts_command

    app.cli.add_command(posts_command)

    from app.stats.commands import stats_command

    app.cli.add_command(stats_command)

    from app.privacy.commands import privacy_command

    app.cli.add_command(privacy_command)
    return app
