"""The semantic tests' directory: hand-made rows in real communes, embedded by the offline
model. Where PostgreSQL has no pgvector (the machine's PostgreSQL 15), those tests are skipped
saying so; the 503 tests run everywhere."""

import pytest
from django.db import connection

from foxreviews.category.models import NafCode
from foxreviews.enterprise.tests.factories import EntrepriseFactory, ProLocalisationFactory
from foxreviews.location.models import Ville
from foxreviews.search.services import search_words_refresh
from foxreviews.semantic.services import entreprise_embeddings_refresh, trade_embeddings_refresh

DESCRIPTIONS = {"hair_dieulefit": "Coupe enfant et homme, coloration."}
NO_PGVECTOR = "pgvector is not installed in this PostgreSQL (PostgreSQL 15 here): no vectors"


def has_vector_tables() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('semantic_entreprise_embedding') IS NOT NULL")
        return cursor.fetchone()[0]


@pytest.fixture
def pgvector(db):
    if not has_vector_tables():
        pytest.skip(NO_PGVECTOR)


def ville(code_insee: str) -> Ville:
    return Ville.objects.get(code_insee=code_insee)


@pytest.fixture
def directory(pgvector, reference_data):
    """Plumbers, hairdressers, bakers and garages in Quiberon, Vannes, Dieulefit and
    Montélimar; names that do not say the trade, one closed, descriptions on some."""
    quiberon, vannes = ville("56186"), ville("56260")
    dieulefit, montelimar = ville("26114"), ville("26198")
    rows = {
        "kerjean": EntrepriseFactory(nom="SARL KERJEAN", ville=quiberon, naf_code="43.22A"),
        "le_gall": EntrepriseFactory(nom="Le Gall Énergies", ville=quiberon, naf_code="43.22B"),
        "closed": EntrepriseFactory(
            nom="Kerbiriou", ville=quiberon, naf_code="43.22A", etat_administratif="F"
        ),
        "fournil": EntrepriseFactory(
            nom="Au Fournil de la Presqu'île", ville=quiberon, naf_code="10.71C"
        ),
        "hair_quiberon": EntrepriseFactory(nom="Océane", ville=quiberon, naf_code="96.02A"),
        "vannes_plumber": EntrepriseFactory(
            nom="Morbihan Services", ville=vannes, naf_code="43.22A"
        ),
        "vannes_hair": EntrepriseFactory(nom="Studio Ciseaux", ville=vannes, naf_code="96.02A"),
        "hair_dieulefit": EntrepriseFactory(
            nom="L'Atelier de Julie", ville=dieulefit, naf_code="96.02A"
        ),
        "barber_dieulefit": EntrepriseFactory(nom="Chez Marco", ville=dieulefit, naf_code="96.02A"),
        "garage_dieulefit": EntrepriseFactory(
            nom="Garage du Lez", ville=dieulefit, naf_code="45.20A"
        ),
        "bakery_dieulefit": EntrepriseFactory(
            nom="Maison Roux", ville=dieulefit, naf_code="10.71C"
        ),
        "hair_montelimar": EntrepriseFactory(
            nom="Nougat Coiffure", ville=montelimar, naf_code="96.02A"
        ),
    }
    for key, entreprise in rows.items():
        naf = NafCode.objects.filter(code=entreprise.naf_code).first()
        if naf is not None and naf.sous_categorie_id is not None:
            ProLocalisationFactory(
                entreprise=entreprise,
                ville=entreprise.ville,
                sous_categorie=naf.sous_categorie,
                description=DESCRIPTIONS.get(key, ""),
            )
    search_words_refresh()
    trade_embeddings_refresh()
    entreprise_embeddings_refresh()
    return rows
