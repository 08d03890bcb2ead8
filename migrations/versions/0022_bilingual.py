"""texts staff type in French, Dutch and English: venues, rooms and every reason

Each text becomes three columns `<field>_fr/_nl/_en`; what was typed so far is the French text (the
others are empty and fall back to it).

Revision ID: 0022_bilingual
Revises: 0021_messages
Create Date: 2026-12-04 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022_bilingual'
down_revision = '0021_messages'
branch_labels = None
depends_on = None

LANGS = ('fr', 'nl', 'en')
# table -> [(old column, its type)]
TEXTS = {
    'venue': [('name', sa.String(length=160)), ('address', sa.String(length=300)),
              ('accessibility_notes', sa.Text())],
    'room': [('name', sa.String(length=120)), ('accessibility_notes', sa.Text())],
    'series_exception': [('reason', sa.String(length=300))],
    'session': [('cancel_reason', sa.String(length=300))],
    'closure': [('reason', sa.String(length=300))],
    'capacity_cap': [('reason', sa.String(length=300))],
}
# table -> (old unique constraint, its columns, new name, new columns)
UNIQUES = {
    'venue': ('uq_venue_name', ['name'], 'uq_venue_name_fr', ['name_fr']),
    'room': ('uq_room_venue_id_name', ['venue_id', 'name'], 'uq_room_venue_id_name_fr', ['venue_id', 'name_fr']),
}


def upgrade():
    for table, fields in TEXTS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, type_ in fields:
                for lang in LANGS:
                    batch_op.add_column(sa.Column(f'{name}_{lang}', type_, nullable=False, server_default=''))
        for name, _type in fields:
            op.execute(f"UPDATE {table} SET {name}_fr = COALESCE({name}, '')")
        with op.batch_alter_table(table, schema=None) as batch_op:
            if table in UNIQUES:
                old, _columns, new, columns = UNIQUES[table]
                batch_op.drop_constraint(old, type_='unique')
            for name, _type in fields:
                batch_op.drop_column(name)
            if table in UNIQUES:
                batch_op.create_unique_constraint(new, columns)


def downgrade():
    for table, fields in TEXTS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, type_ in fields:
                batch_op.add_column(sa.Column(name, type_, nullable=False, server_default=''))
        for name, _type in fields:
            # The French text, or the first one typed when French was left empty.
            op.execute(f"UPDATE {table} SET {name} = COALESCE(NULLIF({name}_fr, ''), NULLIF({name}_nl, ''), "
                       f"{name}_en, '')")
        with op.batch_alter_table(table, schema=None) as batch_op:
            if table in UNIQUES:
                old, columns, new, _columns = UNIQUES[table]
                batch_op.drop_constraint(new, type_='unique')
            for name, _type in fields:
                for lang in LANGS:
                    batch_op.drop_column(f'{name}_{lang}')
            if table in UNIQUES:
                batch_op.create_unique_constraint(old, columns)
