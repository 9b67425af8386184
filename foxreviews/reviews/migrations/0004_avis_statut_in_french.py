"""The stored statut values in French, as the API names them; an avis published before is dated
by its moderation (else its creation). Its own migration: PostgreSQL builds no index on a table
whose rows a transaction has just updated (pending trigger events)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("reviews", "0003_moderation_signalements_reponses"),
    ]

    operations = [
        migrations.RunSQL(
            sql=[
                "UPDATE reviews_avis SET statut = CASE statut WHEN 'pending' THEN 'en_attente' "
                "WHEN 'approved' THEN 'publie' WHEN 'rejected' THEN 'refuse' ELSE statut END",
                "UPDATE reviews_avis SET publie_le = coalesce(modere_le, created_at) "
                "WHERE statut = 'publie' AND publie_le IS NULL",
            ],
            reverse_sql=[
                "UPDATE reviews_avis SET statut = CASE statut WHEN 'en_attente' THEN 'pending' "
                "WHEN 'publie' THEN 'approved' WHEN 'refuse' THEN 'rejected' ELSE statut END",
            ],
        ),
    ]
