from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0009_remove_importcheckpoint_state"),
    ]

    operations = [
        migrations.AddField(
            model_name="importlog",
            name="heartbeat_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="signe de vie"),
        ),
        migrations.AddIndex(
            model_name="importlog",
            index=models.Index(
                condition=models.Q(("status__in", ["pending", "running"])),
                fields=["heartbeat_at"],
                name="importlog_live_heartbeat_idx",
            ),
        ),
    ]
