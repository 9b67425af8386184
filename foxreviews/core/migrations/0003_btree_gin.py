"""btree_gin (PostgreSQL contrib, like pg_trgm): lets one GIN index hold a search vector and a
plain column, so "these words in this ville" is one index scan instead of two bitmaps ANDed
(Paris and "boulangerie" at 4M entreprises: 32 ms -> 6.6 ms)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("core", "0002_french_search")]
    operations = [
        migrations.RunSQL(
            "CREATE EXTENSION IF NOT EXISTS btree_gin", "DROP EXTENSION IF EXISTS btree_gin"
        )
    ]
