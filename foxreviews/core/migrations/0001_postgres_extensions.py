"""PostgreSQL extensions the platform relies on: pg_trgm (fuzzy search), unaccent, vector."""

from django.db import migrations

REQUIRED = ["pg_trgm", "unaccent"]
OPTIONAL = ["vector"]  # pgvector: shipped by the embedded server; optional on external servers


def create_extensions(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for name in REQUIRED:
            cursor.execute(f"CREATE EXTENSION IF NOT EXISTS {name}")
        for name in OPTIONAL:
            cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = %s", [name])
            if cursor.fetchone():
                cursor.execute(f"CREATE EXTENSION IF NOT EXISTS {name}")
            else:
                print(
                    f"\n  note: PostgreSQL extension {name!r} is not available on this server; "
                    "features that need it stay off (install pgvector to enable them)."
                )


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [migrations.RunPython(create_extensions, migrations.RunPython.noop)]
