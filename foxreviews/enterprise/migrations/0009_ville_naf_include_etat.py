"""(ville, naf_code, created_at, id) gets etat_administratif as an INCLUDE column too: a trade
in a place ranks every match, open ones first, from the index alone (an index-only scan)
instead of reading each row for its état ("restaurant finistere" at 4M: 1,254 matches,
13.3 → 4.7 ms with the search's two steps). Built CONCURRENTLY, the new one before the old one
goes."""

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("enterprise", "0008_ville_naf_include_code_postal"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="entreprise",
            index=models.Index(
                fields=["ville", "naf_code", "created_at", "id"],
                include=["code_postal", "etat_administratif"],
                name="entreprise_ville_naf_open_idx",
            ),
        ),
        RemoveIndexConcurrently(model_name="entreprise", name="entreprise_ville_naf_cp_idx"),
    ]
