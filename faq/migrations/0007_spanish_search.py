"""PostgreSQL's text search for the Spanish pages: `spanish_unaccent`, the Spanish Snowball
stemmer after the accents are taken off, so "isotretinoina" finds "isotretinoína" and
"pequenas" finds "pequeñas" (faq/search/, which does the same in Python on SQLite).

The unaccent extension ships with PostgreSQL and has been "trusted" since PostgreSQL 13: the
database's owner may create it, as for btree_gist (README, Deployment). Nothing on SQLite.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE TEXT SEARCH CONFIGURATION spanish_unaccent (COPY = pg_catalog.spanish);
ALTER TEXT SEARCH CONFIGURATION spanish_unaccent
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, spanish_stem;
"""
# The extension stays: something else may use it by then.
DROP = "DROP TEXT SEARCH CONFIGURATION IF EXISTS spanish_unaccent;"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("faq", "0006_translated_content")]
    operations = [migrations.RunPython(create, drop)]
