"""`flask --app wsgi users create ...`: accounts from the command line (the first admin, above all)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from app.accounts.models import ROLES
from app.i18n import LANGS

users_command = AppGroup("users", help="Staff and partner accounts.")


@users_command.command("create")
@click.option("--email", required=True, help="E-mail address, used to log in.")
@click.option("--role", required=True, type=click.Choice(ROLES), help="What the account may do.")
@click.option("--name", default=None, help="The person's name (default: the part of the address before @).")
@click.option("--partner", default=None, metavar="SLUG", help="The partner organisation of a partner user.")
@click.option("--language", default="fr", type=click.Choice(LANGS), help="Language of the messages.")
@click.option("--password", default=None, help="Asked twice, hidden, when not given.")
def create_user_command(email: str, role: str, name: str | None, partner: str | None, language: str,
                        password: str | None) -> None:
    """Create an account."""
    from flask_babel import force_locale

    from app.accounts.services import create_user
    from app.database import unit_of_work
    from app.errors import ValidationError

    if password is None:
        password = click.prompt("Password (12 characters at least)", hide_input=True, confirmation_prompt=True)
    try:
        with force_locale("en"), unit_of_work():  # the command speaks English, as its options do
            user = create_user(email, name or email.split("@", 1)[0], role, password=password, partner=partner,
                               language=language)
    except ValidationError as exc:
        for field, message in exc.errors.items():
            click.echo(f"Error: {field}: {message}", err=True)
        raise SystemExit(1) from exc
    click.echo(f"Account created: {user.email} ({user.role}{', ' + user.partner.slug if user.partner else ''}).")


@users_command.command("set-password")
@click.option("--email", required=True, help="The account's e-mail address.")
@click.option("--password", default=None, help="Asked twice, hidden, when not given.")
def set_password_command(email: str, password: str | None) -> None:
    """Give an account a new password (a demo account's, say); its open sessions end."""
    from flask_babel import force_locale

    from app.accounts.services import set_password
    from app.database import unit_of_work
    from app.errors import ValidationError

    if password is None:
        password = click.prompt("New password (12 characters at least)", hide_input=True, confirmation_prompt=True)
    try:
        with force_locale("en"), unit_of_work():
            user = set_password(email, password)
    except ValidationError as exc:
        for field, message in exc.errors.items():
            click.echo(f"Error: {field}: {message}", err=True)
        raise SystemExit(1) from exc
    click.echo(f"Password changed for {user.email}.")
