"""The vector tables and their HNSW index, where PostgreSQL offers pgvector (0.7 or newer:
halfvec); elsewhere nothing, and the semantic features answer 503 saying why."""

import django.db.models.deletion
import pgvector.django
from django.db import migrations, models

from foxreviews.semantic.schema import vector_tables_create


def create(apps, schema_editor):
    vector_tables_create(schema_editor.connection)


def drop(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS semantic_entreprise_embedding")
        cursor.execute("DROP TABLE IF EXISTS semantic_motmetier_embedding")
        cursor.execute("DROP FUNCTION IF EXISTS semantic_vector_state()")


class Migration(migrations.Migration):
    initial = True
    dependencies = [
        ("enterprise", "0008_ville_naf_include_code_postal"),
        ("category", "0002_vocabulary"),
    ]
    operations = [
        migrations.RunPython(create, drop, elidable=False),
        migrations.CreateModel(
            name="EntrepriseEmbedding",
            fields=[
                ("entreprise", models.OneToOneField(
                    on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, db_constraint=False,
                    related_name="embedding", serialize=False, to="enterprise.entreprise")),
                ("text_hash", models.CharField(max_length=32)),
                ("embedding", pgvector.django.HalfVectorField(dimensions=128)),
            ],
            options={"db_table": "semantic_entreprise_embedding", "managed": False},
        ),
        migrations.CreateModel(
            name="MotMetierEmbedding",
            fields=[
                ("mot_metier", models.OneToOneField(
                    on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, db_constraint=False,
                    related_name="embedding", serialize=False, to="category.motmetier")),
                ("text_hash", models.CharField(max_length=32)),
                ("embedding", pgvector.django.HalfVectorField(dimensions=128)),
            ],
            options={"db_table": "semantic_motmetier_embedding", "managed": False},
        ),
    ]
