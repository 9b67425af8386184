"""/api/search/ as visitors type it: a trade in a place ("plombier quiberon"), names as before,
the `understood` block, explicit filters on top, a query of glue only refused."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from foxreviews.category.models import NafCode
from foxreviews.enterprise.models import ProLocalisation
from foxreviews.enterprise.tests.factories import EntrepriseFactory
from foxreviews.location.models import Ville
from foxreviews.search.services import search_words_refresh
from foxreviews.sponsorship.models import Sponsorisation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


def _ville(code_insee: str) -> Ville:
    return Ville.objects.get(code_insee=code_insee)


def _slug(naf: str) -> str:
    return NafCode.objects.get(code=naf).sous_categorie.slug


@pytest.fixture
def directory():
    quiberon, vannes, nancy = _ville("56186"), _ville("56260"), _ville("54395")
    paris, lyon, quimper = _ville("75056"), _ville("69123"), _ville("29232")
    made = {
        # a plumber only through its NAF code
        "dupont": EntrepriseFactory(nom="SARL DUPONT ET FILS", ville=quiberon, naf_code="43.22A"),
        "chauffage": EntrepriseFactory(nom="Le Gall Énergies", ville=quiberon, naf_code="43.22B"),
        "closed": EntrepriseFactory(
            nom="Kerbiriou", ville=quiberon, naf_code="43.22A", etat_administratif="F"
        ),
        # a plumber by its name, filed under another code
        "named": EntrepriseFactory(nom="Plomberie Martin", ville=quiberon, naf_code="47.52A"),
        "vannes": EntrepriseFactory(nom="Morbihan Sanitaire", ville=vannes, naf_code="43.22A"),
        "quiberon_bakery": EntrepriseFactory(nom="Fournil", ville=quiberon, naf_code="10.71C"),
        "lemaitre": EntrepriseFactory(
            nom="Boulangerie Lemaître", ville=lyon, naf_code="10.71C", code_postal="69003"
        ),
        "sarl_lemaitre": EntrepriseFactory(
            nom="SARL Lemaître", ville=lyon, naf_code="10.71C", code_postal="69007"
        ),
        "lemaitre_garage": EntrepriseFactory(
            nom="Garage Lemaître", ville=lyon, naf_code="45.20A", code_postal="69003"
        ),
        "coiffure_nancy": EntrepriseFactory(
            nom="Coiffure Nancy", ville=paris, naf_code="96.02A", code_postal="75011"
        ),
        "paris_15": EntrepriseFactory(
            nom="Salon Vaugirard", ville=paris, naf_code="96.02A", code_postal="75015"
        ),
        "nancy": EntrepriseFactory(nom="Salon Stanislas", ville=nancy, naf_code="96.02A"),
        "quimper": EntrepriseFactory(nom="Ty Kreiz", ville=quimper, naf_code="56.10A"),
        "lyon_restaurant": EntrepriseFactory(nom="Bouchon Daniel", ville=lyon, naf_code="56.10A"),
    }
    search_words_refresh()
    return made


def _search(client, q: str, **filters) -> tuple[list[str], dict]:
    response = client.get("/api/search/", {"q": q, "page_size": 50, **filters})
    assert response.status_code == 200, response.content
    body = response.json()
    return [e["nom"] for e in body["results"]], body["understood"]


def test_a_trade_in_a_commune_finds_it_by_naf_code_and_by_name(client, directory):
    names, understood = _search(client, "plombier quiberon")
    # open ones first, then the newest (the trade's two sous-catégories)
    assert names == ["Le Gall Énergies", "SARL DUPONT ET FILS", "Kerbiriou"]
    assert understood == {
        "trade": {
            "slug": _slug("43.22A"),
            "name": "Plombiers, chauffagistes",
            "sous_categories": [_slug("43.22A"), _slug("43.22B")],
        },
        "place": {
            "kind": "ville", "code": "56186", "name": "Quiberon", "departement": "56",
            "ambiguous": False, "alternatives": [],
        },
        "words": [],
    }  # fmt: skip
    assert _search(client, "plomberies à Quiberon")[0] == names  # the trade by its NAF codes


def test_a_misspelt_trade_in_a_place_is_that_trade(client, directory):
    expected = ["Le Gall Énergies", "SARL DUPONT ET FILS", "Kerbiriou"]
    names, understood = _search(client, "plombrie quiberon")
    assert (names, understood["trade"]["slug"]) == (expected, _slug("43.22A"))
    assert _search(client, "plombrie", ville="56186")[0] == expected  # the place as a filter
    # without a place, searched in names, spelt as the directory spells it
    assert _search(client, "plombrie")[0] == ["Plomberie Martin"]


def test_without_a_place_the_trade_is_searched_in_names_as_before(client, directory):
    names, understood = _search(client, "plomberie")
    assert names == ["Plomberie Martin"]  # filed under another code: its name says it
    assert (understood["trade"]["slug"], understood["place"]) == (_slug("43.22A"), None)
    # in a place with name words: the trade's NAF codes, or its word in the name
    assert _search(client, "plomberie martin quiberon")[0] == ["Plomberie Martin"]


def test_an_arrondissement_is_its_commune_and_its_code_postal(client, directory):
    names, understood = _search(client, "coiffeur paris 11")
    assert names == ["Coiffure Nancy"]
    assert understood["place"] == {
        "kind": "arrondissement", "code": "75111", "name": "Paris 11e", "departement": "75",
        "ambiguous": False, "alternatives": [],
    }  # fmt: skip
    assert _search(client, "coiffeurs paris")[0] == ["Salon Vaugirard", "Coiffure Nancy"]


def test_a_code_postal(client, directory):
    names, understood = _search(client, "boulangerie 69003")
    assert names == ["Boulangerie Lemaître"]
    assert understood["place"]["kind"] == "code_postal"
    assert (understood["place"]["code"], understood["place"]["name"]) == ("69003", "Lyon")
    assert _search(client, "plombier 56170")[0] == [  # Quiberon's code postal
        "Le Gall Énergies", "SARL DUPONT ET FILS", "Kerbiriou",
    ]  # fmt: skip


def test_a_departement_by_name_or_number(client, directory):
    for q in ("restaurant finistere", "restaurant 29", "restaurants dans le Finistère"):
        names, understood = _search(client, q)
        assert names == ["Ty Kreiz"], q
        assert understood["place"] == {
            "kind": "departement", "code": "29", "name": "Finistère", "departement": "29",
            "ambiguous": False, "alternatives": [],
        }  # fmt: skip
    assert _search(client, "plombier morbihan")[0] == [
        "Morbihan Sanitaire", "Le Gall Énergies", "SARL DUPONT ET FILS", "Kerbiriou",
    ]  # fmt: skip


def test_a_name_query_keeps_todays_behaviour(client, directory):
    names, understood = _search(client, "boulangerie lemaitre")
    assert names == ["Boulangerie Lemaître"]
    assert understood["trade"]["slug"] == _slug("10.71C")
    assert (understood["place"], understood["words"]) == (None, ["lemaitre"])
    # in a place: the exact name first, then a bakery by its NAF code; not the garage
    names, _ = _search(client, "boulangerie lemaitre lyon")
    assert names == ["Boulangerie Lemaître", "SARL Lemaître"]
    names, _ = _search(client, "boulangerie lemaitre", ville="69123")
    assert names == ["Boulangerie Lemaître", "SARL Lemaître"]
    names, understood = _search(client, "lemaitre")
    assert sorted(names) == ["Boulangerie Lemaître", "Garage Lemaître", "SARL Lemaître"]
    assert understood == {"trade": None, "place": None, "words": ["lemaitre"]}


def test_nancy_is_a_place_and_quoted_a_name(client, directory):
    names, understood = _search(client, "coiffure nancy")
    assert names == ["Salon Stanislas"]
    assert understood["place"]["code"] == "54395"
    names, understood = _search(client, 'coiffure "nancy"')
    assert names == ["Coiffure Nancy"]
    assert (understood["place"], understood["words"]) == (None, ["nancy"])


def test_vienne_is_the_commune_and_says_the_departement_too(client, directory):
    names, understood = _search(client, "boulangerie vienne")
    assert names == []
    assert understood["place"] == {
        "kind": "ville", "code": "38544", "name": "Vienne", "departement": "38",
        "ambiguous": True,
        "alternatives": [{"kind": "departement", "code": "86", "name": "Vienne"}],
    }  # fmt: skip


def test_an_unknown_word_must_be_in_the_name(client, directory):
    names, understood = _search(client, "plombier zorglub quiberon")
    assert names == []
    assert understood["words"] == ["zorglub"]
    assert understood["place"]["code"] == "56186"


@pytest.mark.parametrize("q", ["près de", "dans le", "à sur"])
def test_a_query_of_glue_words_only_is_a_400(client, directory, q):
    response = client.get("/api/search/", {"q": q})
    assert response.status_code == 400
    assert response.json()["extra"]["fields"]["q"] == [
        "Que des mots de liaison : un métier, un lieu ou un nom est attendu."
    ]


def test_explicit_filters_combine_with_what_q_says(client, directory):
    assert _search(client, "plomberie quiberon", etat_administratif="A")[0] == [
        "Le Gall Énergies", "SARL DUPONT ET FILS",
    ]  # fmt: skip
    assert _search(client, "plombier", ville="56186", naf_code="43.22")[0] == [
        "Le Gall Énergies", "SARL DUPONT ET FILS", "Kerbiriou",
    ]  # fmt: skip
    names, _ = _search(client, "plombier quiberon", sous_categorie=_slug("43.22B"))
    assert names == ["Le Gall Énergies"]
    assert _search(client, "plombier quiberon", departement="29")[0] == []
    assert _search(client, "quiberon", naf_code="10.71C")[0] == ["Fournil"]


def test_a_place_alone_lists_its_entreprises_open_first(client, directory):
    names, understood = _search(client, "à Quiberon")
    assert names == [
        "Fournil", "Plomberie Martin", "Le Gall Énergies", "SARL DUPONT ET FILS", "Kerbiriou",
    ]  # fmt: skip
    assert (understood["trade"], understood["words"]) == (None, [])


def test_pages_of_a_trade_in_a_place_neither_skip_nor_repeat(walk_pages, directory):
    quiberon = directory["dupont"].ville
    EntrepriseFactory.create_batch(
        7, nom="Plomberie Quiberonnaise", ville=quiberon, naf_code="43.22A"
    )
    pages = walk_pages("/api/search/", {"q": "plombier quiberon", "page_size": 3})
    names = [e["nom"] for page in pages for e in page["results"]]
    assert len(names) == 10
    assert [e["siret"] for page in pages for e in page["results"]] == list(
        dict.fromkeys(e["siret"] for page in pages for e in page["results"])
    )
    assert all(page["understood"]["place"]["code"] == "56186" for page in pages)


def test_a_trade_in_a_place_runs_two_queries_once_its_words_were_read(
    client, directory, django_assert_num_queries
):
    # the page is two queries: the rank keys of every match, then the page's rows by id;
    # the vocabulary, the départements, whether vectors exist (semantic), the communes
    with django_assert_num_queries(6):
        names, _ = _search(client, "plombier quiberon")  # the words may name, the page
    assert len(names) == 3
    with django_assert_num_queries(2):  # this process knows what the words name: the page
        assert _search(client, "plombier quiberon")[0] == names
    with django_assert_num_queries(5):  # new words: the communes, the code postal, the name
        names, _ = _search(client, "boulangerie lemaitre 69003")  # words' spellings, the page
    assert names == ["Boulangerie Lemaître"]
    with django_assert_num_queries(3):
        assert _search(client, "boulangerie lemaitre 69003")[0] == names


def _proloc(entreprise, naf: str, note: str | None) -> ProLocalisation:
    return ProLocalisation.objects.create(
        entreprise=entreprise, sous_categorie=NafCode.objects.get(code=naf).sous_categorie,
        ville=entreprise.ville, note_moyenne=Decimal(note) if note else None,
    )  # fmt: skip


def test_then_as_the_listing_sponsored_now_then_the_best_rated(client, directory, walk_pages):
    dupont, chauffage = directory["dupont"], directory["chauffage"]
    now = timezone.now()
    _proloc(chauffage, "43.22B", "4.50")
    Sponsorisation.objects.create(
        prolocalisation=_proloc(dupont, "43.22A", "3.00"), date_debut=now - timedelta(days=1),
        date_fin=now + timedelta(days=9), montant=Decimal("49.00"),
    )  # fmt: skip
    expired = _proloc(directory["closed"], "43.22A", "5.00")
    Sponsorisation.objects.create(
        prolocalisation=expired, date_debut=now - timedelta(days=9),
        date_fin=now - timedelta(days=1), montant=Decimal("49.00"),
    )  # fmt: skip
    EntrepriseFactory(nom="Ar Mor", ville=dupont.ville, naf_code="43.22A")  # newest, unrated
    expected = ["SARL DUPONT ET FILS", "Le Gall Énergies", "Ar Mor", "Kerbiriou"]  # open first
    assert _search(client, "plombier quiberon")[0] == expected
    pages = walk_pages("/api/search/", {"q": "plombier quiberon", "page_size": 1})
    assert [p["results"][0]["nom"] for p in pages] == expected
    # a rating in another trade does not count for this one
    _proloc(directory["named"], "47.52A", "5.00")
    assert _search(client, "plombier quiberon")[0][0] == "SARL DUPONT ET FILS"


def test_a_trade_in_a_place_ranks_every_match_not_the_first_candidates(
    client, directory, monkeypatch
):
    monkeypatch.setattr("foxreviews.search.selectors.SEARCH_CANDIDATES", 2)
    best = EntrepriseFactory(nom="Ty Dour", ville=directory["dupont"].ville, naf_code="43.22A")
    _proloc(best, "43.22A", "4.90")  # the newest of four: last in the index's order
    names = _search(client, "plombier quiberon")[0]
    assert names == ["Ty Dour", "Le Gall Énergies", "SARL DUPONT ET FILS", "Kerbiriou"]
    # a place alone (every trade: too many) still ranks its first candidates only
    assert len(_search(client, "quiberon")[0]) == 2


def test_a_closed_one_is_not_promoted_by_its_sponsorisation_or_its_rating(client, directory):
    quiberon, now = directory["dupont"].ville, timezone.now()
    Sponsorisation.objects.create(
        prolocalisation=_proloc(directory["closed"], "43.22A", "5.00"),
        date_debut=now - timedelta(days=1), date_fin=now + timedelta(days=9),
        montant=Decimal("49.00"),
    )  # fmt: skip
    newer_closed = EntrepriseFactory(
        nom="Penven", ville=quiberon, naf_code="43.22A", etat_administratif="F"
    )
    _proloc(newer_closed, "43.22A", None)
    names = _search(client, "plombier quiberon")[0]
    # open ones first; then the closed ones by id only: the sponsored, rated one last
    assert names == ["Le Gall Énergies", "SARL DUPONT ET FILS", "Penven", "Kerbiriou"]
