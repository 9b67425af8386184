from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0008_import_state_to_columns"),
    ]

    operations = [
        migrations.RemoveField(model_name="importcheckpoint", name="state"),
    ]
