from django.db import migrations

from foxreviews.imports.sirene.sql import DROP_SQL, SIRET_VALID_SQL


class Migration(migrations.Migration):
    dependencies = [("imports", "0003_import_checkpoint")]
    operations = [migrations.RunSQL(SIRET_VALID_SQL, DROP_SQL)]
