"""/api/ask/: a question read (trade, place, "ouvert", "les meilleurs avis", what the directory
does not hold), answered in French from the rows it cites; limited per address."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.test import override_settings

from foxreviews.category.models import NafCode
from foxreviews.enterprise.tests.factories import EntrepriseFactory, ProLocalisationFactory
from foxreviews.location.models import Ville
from foxreviews.search.ask import read_question

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


def _made(nom: str, naf: str, note: str | None, avis: int, **fields):
    bayeux = Ville.objects.get(code_insee="14047")
    entreprise = EntrepriseFactory(nom=nom, ville=bayeux, naf_code=naf, **fields)
    ProLocalisationFactory(
        entreprise=entreprise, ville=bayeux,
        sous_categorie=NafCode.objects.get(code=naf).sous_categorie,
        note_moyenne=Decimal(note) if note else None, nombre_avis=avis,
    )  # fmt: skip
    return entreprise


@pytest.fixture
def bayeux():
    return {
        "lecoq": _made("Lecoq Plomberie", "43.22A", "4.20", 3),
        "marie": _made("Marie et Fils", "43.22A", "4.60", 12),
        "nouveau": _made("Bessin Dépannage", "43.22A", None, 0),
        "closed": _made("Vieux Tuyaux", "43.22A", "5.00", 40, etat_administratif="F"),
        "bakery": _made("Boulangerie Tapisserie", "10.71C", "4.90", 80),
    }


def test_the_question_is_read():
    question = read_question("Quel plombier ouvert le samedi à Bayeux a les meilleurs avis ?")
    assert (question.search, question.open_only, question.by_rating, question.unknown) == (
        "plombier bayeux", True, True, ("horaires",),
    )  # fmt: skip


def test_the_best_rated_open_plumbers_of_bayeux_and_no_guessed_hours(client, bayeux):
    response = client.get(
        "/api/ask/", {"q": "Quel plombier ouvert le samedi à Bayeux a les meilleurs avis ?"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["answer"] == (
        "D'après l'annuaire, pour « plombiers, chauffagistes » à Bayeux (les mieux notées "
        "d'abord) : Marie et Fils (4,6/5 sur 12 avis), Lecoq Plomberie (4,2/5 sur 3 avis) et "
        "Bessin Dépannage (pas encore d'avis). Les horaires d'ouverture ne figurent pas dans "
        "l'annuaire : je ne peux pas dire qui est ouvert à ce moment-là ; « ouvert » ne désigne "
        "ici que les entreprises en activité."
    )
    assert body["citations"][0] == {
        "siret": bayeux["marie"].siret,
        "nom": "Marie et Fils",
        "facts": {
            "ville": "Bayeux",
            "activite": "Plombiers, chauffagistes",
            "etat_administratif": "A",
            "note_moyenne": "4.60",
            "nombre_avis": 12,
        },
    }
    assert [c["nom"] for c in body["citations"]] == [
        "Marie et Fils", "Lecoq Plomberie", "Bessin Dépannage",
    ]  # fmt: skip
    assert (body["unknown"], body["mode"]) == (["horaires"], "lexical")
    assert body["understood"]["place"]["name"] == "Bayeux"


def test_what_the_directory_does_not_know_is_said(client, bayeux):
    body = client.get("/api/ask/", {"q": "prix d'un boulanger à bayeux"}).json()
    assert body["answer"] == (
        "D'après l'annuaire, pour « boulangeries » à Bayeux (les plus proches d'abord) : "
        "Boulangerie Tapisserie (4,9/5 sur 80 avis). Les prix et tarifs ne figurent pas dans "
        "l'annuaire."
    )
    assert body["unknown"] == ["prix"]


def test_nothing_found_is_said(client, bayeux):
    body = client.get("/api/ask/", {"q": "un serrurier à Bayeux ?"}).json()
    assert body["answer"] == (
        "L'annuaire ne connaît aucune entreprise pour « serruriers, métalliers » à Bayeux."
    )
    assert body["citations"] == []


def test_questions_are_limited_per_address(client, bayeux):
    rates = {"ask": "2/minute"}
    with override_settings(
        REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    ):
        codes = [client.get("/api/ask/", {"q": "plombier bayeux"}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_a_question_too_short_is_a_400(client):
    response = client.get("/api/ask/", {"q": "a"})
    assert response.status_code == 400
    assert list(response.json()["extra"]["fields"]) == ["q"]
