"""`flask --app wsgi stats import FILE.csv` and `stats import-closures FILE.csv`: the history of the figures."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

stats_command = AppGroup("stats", help="The statistics: import the history they compare with.")


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        click.echo(f"Error: {path} is not UTF-8 text (save the spreadsheet as CSV UTF-8).", err=True)
        raise SystemExit(1) from exc


def _run(importer, path: str, what: str) -> None:
    from flask_babel import force_locale

    from app.database import unit_of_work

    text = _read(path)
    with force_locale("en"), unit_of_work():  # the command speaks English, as its options do
        report = importer(text)
    if not report.ok:
        for line, reason in report.errors:
            click.echo(f"{path}, line {line}: {reason}", err=True)
        click.echo(f"Nothing imported: {len(report.errors)} bad row(s).", err=True)
        raise SystemExit(1)
    click.echo(f"{report.imported} {what} imported, {report.already} already there.")


@stats_command.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_command(path: str) -> None:
    """Import past group activities: date,activity,format,participants,partner,theme,audience,language."""
    from app.stats.history import import_activities

    _run(lambda text: import_activities(text, source=Path(path).name), path, "past activities")


@stats_command.command("import-closures")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_closures_command(path: str) -> None:
    """Import past closures of the premises: from,to,reason (days included)."""
    from app.stats.history import import_closures

    _run(import_closures, path, "past closures")
