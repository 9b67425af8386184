"""Search: French full text with typos tolerated, ranked (exact name, then open ones), the
list's filters, cursor pages, a fixed number of queries, 400s with a message."""

import pytest

from foxreviews.category.models import NafCode
from foxreviews.enterprise.models import Entreprise
from foxreviews.enterprise.tests.factories import EntrepriseFactory
from foxreviews.imports.sirene.bulk import BulkImportOptions, sirene_bulk_import
from foxreviews.imports.sirene.generator import generate
from foxreviews.imports.tests.stock_rows import siret
from foxreviews.location.models import Ville
from foxreviews.search.models import SearchWord
from foxreviews.search.services import search_words_refresh
from foxreviews.search.tasks import refresh_search_words

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


@pytest.fixture
def directory():
    lyon, villeurbanne = (
        Ville.objects.get(code_insee="69123"),
        Ville.objects.get(code_insee="69266"),
    )
    made = {
        "dupont": EntrepriseFactory(nom="Boulangerie Dupont", ville=lyon, naf_code="10.71C"),
        "closed": EntrepriseFactory(
            nom="Boulangerie Martin", ville=lyon, naf_code="10.71C", etat_administratif="F"
        ),
        "exact": EntrepriseFactory(nom="Boulangerie", ville=villeurbanne, naf_code="10.71C"),
        "oeil": EntrepriseFactory(
            nom="Clin d'Œil", enseigne="Opticien", ville=lyon, naf_code="47.78A"
        ),
        "patisserie": EntrepriseFactory(nom="Pâtisserie Bernard", ville=lyon, naf_code="10.71D"),
        "garage": EntrepriseFactory(nom="Garage du Centre", ville=villeurbanne, naf_code="45.20A"),
    }
    search_words_refresh()
    return made


def _sirets(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [e["siret"] for e in response.json()["results"]]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("boulangrie dupont", "dupont"),  # a letter missing
        ("clien d'oeil", "oeil"),  # a letter too many, Œ typed oe
        ("CLIN D OEIL", "oeil"),
        ("opticien", "oeil"),  # the enseigne
        ("patisserie", "patisserie"),  # accents
        ("pâtisseries", "patisserie"),  # French plural (stemming)
        ("garag centre", "garage"),
    ],
)
def test_typos_accents_and_plurals_find_the_entreprise(client, directory, q, expected):
    assert directory[expected].siret in _sirets(client.get("/api/search/", {"q": q}))


def test_the_exact_name_comes_first_then_open_ones(client, directory):
    sirets = _sirets(client.get("/api/search/", {"q": "boulangerie"}))
    assert sirets[0] == directory["exact"].siret
    assert sirets.index(directory["dupont"].siret) < sirets.index(directory["closed"].siret)
    assert set(sirets) == {directory[k].siret for k in ("exact", "dupont", "closed")}


def test_filters_combine_with_the_search(client, directory):
    params = {"q": "boulangerie", "ville": "69123", "etat_administratif": "A"}
    assert _sirets(client.get("/api/search/", params)) == [directory["dupont"].siret]
    params = {"q": "boulangerie", "departement": "69", "naf_code": "10.7"}
    assert len(_sirets(client.get("/api/search/", params))) == 3
    assert _sirets(client.get("/api/search/", {"q": "boulangerie", "departement": "75"})) == []


def test_sous_categorie_and_categorie_filters_follow_the_naf_mapping(client, directory):
    naf = NafCode.objects.select_related("sous_categorie__categorie").get(code="10.71C")
    for name, slug in (
        ("sous_categorie", naf.sous_categorie.slug),
        ("categorie", naf.sous_categorie.categorie.slug),
    ):
        sirets = _sirets(client.get("/api/entreprises/", {name: slug, "page_size": 100}))
        expected = Entreprise.objects.filter(naf_code__in=_naf_codes(name, slug))
        assert sorted(sirets) == sorted(expected.values_list("siret", flat=True))
        assert directory["dupont"].siret in sirets
        assert directory["garage"].siret not in sirets


def _naf_codes(name: str, slug: str):
    lookup = (
        "sous_categorie__slug" if name == "sous_categorie" else "sous_categorie__categorie__slug"
    )
    return NafCode.objects.filter(**{lookup: slug}).values("code")


def test_search_pages_neither_skip_nor_repeat(walk_pages, directory):
    EntrepriseFactory.create_batch(9, nom="Boulangerie du Marché", ville=directory["dupont"].ville)
    search_words_refresh()
    pages = walk_pages("/api/search/", {"q": "boulangerie", "page_size": 2})
    sirets = [e["siret"] for page in pages for e in page["results"]]
    assert len(sirets) == len(set(sirets)) == 12
    assert sirets[0] == directory["exact"].siret


def test_search_runs_four_queries_whatever_the_page_size(
    client, directory, django_assert_num_queries
):
    EntrepriseFactory.create_batch(20, nom="Boulangerie du Marché", ville=None)
    search_words_refresh()
    # and, once a minute, the vocabulary, the départements and whether vectors exist
    with django_assert_num_queries(8):
        client.get("/api/search/", {"q": "boulangrie"})
    for size in (1, 10, 20):
        # whether names use a word spelt like a trade ("boulangrie": none does), the words'
        # spellings, then the page's keys and its rows (the communes the words may name: read
        # by the first)
        with django_assert_num_queries(4):
            response = client.get("/api/search/", {"q": "boulangrie", "page_size": size})
        assert len(_sirets(response)) == size


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "q"),
        ({"q": "ab"}, "q"),
        ({"q": "   "}, "q"),
        ({"q": "£@^-- '"}, "q"),
        ({"q": " a-b "}, "q"),
        ({"q": "boulangerie", "naf_code": "boulangerie"}, "naf_code"),
        ({"q": "boulangerie", "departement": "Rhône"}, "departement"),
        ({"q": "boulangerie", "etat_administratif": "X"}, "etat_administratif"),
        ({"q": "boulangerie", "page_size": "500"}, "page_size"),
        ({"q": "boulangerie", "ordering": "nom"}, "ordering"),
    ],
)
def test_bad_parameters_get_a_400_naming_the_field(client, params, field):
    response = client.get("/api/search/", params)
    assert response.status_code == 400
    assert field in response.json()["extra"]["fields"], response.json()


@pytest.mark.parametrize("q", ["les des", "d'un"])
def test_a_query_of_stop_words_finds_nothing(client, directory, q):
    assert _sirets(client.get("/api/search/", {"q": q})) == []


def test_a_bulk_import_refreshes_the_word_list(client, tmp_path):
    path = tmp_path / "stock.csv"
    generate(rows=300, out=path, seed=3)
    options = BulkImportOptions(progress=False, batch_size=300, rejects_path=tmp_path / "r")
    sirene_bulk_import(path=path, options=options)
    entreprise = Entreprise.objects.filter(nom__regex=r"^[A-Z' ]*[A-Z]{7,}").order_by("id").first()
    word = max(entreprise.nom.replace("'", " ").split(), key=len)  # "BOULANGERIE", "PLOMBERIE"
    typo = word[:3] + word[4:]  # one letter missing, as typed in a hurry
    response = client.get("/api/search/", {"q": typo, "page_size": 50})
    assert entreprise.siret in _sirets(response), (word, typo)


def test_after_an_incremental_import_typos_find_new_names_at_once(client, tmp_path):
    def simple_csv(name: str, rows: list[tuple[str, str]]):
        path = tmp_path / name
        lines = [f"{number},{nom},47.52A,,69002,69382" for number, nom in rows]
        path.write_text("siret,nom,naf_code,adresse,code_postal,code_commune\n"
                        + "\n".join(lines) + "\n", encoding="utf-8")  # fmt: skip
        options = BulkImportOptions(progress=False, rejects_path=tmp_path / f"{name}.rejects")
        return sirene_bulk_import(path=path, options=options)

    simple_csv("first.csv", [(siret("11111111"), "Quincaillerie Martin")])  # a first load
    assert _words() == {"quincaillerie": 1, "martin": 1}
    simple_csv("more.csv", [(siret("22222222"), "Droguerie Zephyrin Martin")])  # incremental
    assert _words() == {"quincaillerie": 1, "martin": 1, "droguerie": 1, "zephyrin": 1}
    new = Entreprise.objects.get(siret=siret("22222222"))
    assert _sirets(client.get("/api/search/", {"q": "zephirin"})) == [new.siret]  # a typo
    refresh_search_words.delay().get()  # the nightly recount: exact counts
    assert _words() == {"quincaillerie": 1, "martin": 2, "droguerie": 1, "zephyrin": 1}


def test_the_nightly_recount_removes_the_words_no_name_uses(client, directory):
    directory["garage"].delete()
    assert "garage" in _words()
    search_words_refresh()
    assert "garage" not in _words()
    assert _words()["boulangerie"] == 3
    assert _sirets(client.get("/api/search/", {"q": "garag centre"})) == []


def _words() -> dict[str, int]:
    return dict(SearchWord.objects.values_list("word", "ndoc"))
