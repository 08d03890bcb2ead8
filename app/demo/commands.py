"""`flask --app wsgi demo`: load the demo calendar (idempotent)."""
import click
from flask.cli import with_appcontext


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load the demo calendar: the centre's activities, partners and sessions around today."""
    from app.database import unit_of_work
    from app.demo.data import load_demo

    with unit_of_work():
        summary = load_demo()
    click.echo(summary)
