"""On PostgreSQL the database itself refuses two active appointments of one practitioner whose
times overlap (btree_gist lets the practitioner's id sit in the same GiST index as the range).
SQLite has no such constraint: there diary.booking writes inside an IMMEDIATE transaction that
checks again. The constraint is kept out of the model's Meta so that SQLite never sees it."""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE bookings_appointment ADD CONSTRAINT appointments_never_overlap
    EXCLUDE USING gist (practitioner_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
    WHERE (status IN ('scheduled', 'treated'));
"""
DROP = "ALTER TABLE bookings_appointment DROP CONSTRAINT IF EXISTS appointments_never_overlap;"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("bookings", "0007_practitioner_appointment")]
    operations = [migrations.RunPython(create, drop)]
