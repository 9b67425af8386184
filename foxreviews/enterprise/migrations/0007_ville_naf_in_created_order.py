"""(ville, naf_code) becomes (ville, naf_code, created_at, id): a ville + NAF page is read in
index order instead of sorting every match. Built CONCURRENTLY (a live directory keeps
answering), the new one before the old one goes."""

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("enterprise", "0006_search_within_ville"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="entreprise",
            index=models.Index(
                fields=["ville", "naf_code", "created_at", "id"],
                name="entreprise_ville_naf_date_idx",
            ),
        ),
        RemoveIndexConcurrently(model_name="entreprise", name="entreprise_ville_naf_idx"),
    ]
