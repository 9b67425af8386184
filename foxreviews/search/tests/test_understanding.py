"""understand(): a visitor's query read against the real reference data (the vocabulary, the
communes, codes postaux and départements of France) as a trade, a place and name words."""

import pytest

from foxreviews.category.models import MotMetier, NafCode, SousCategorie
from foxreviews.category.selectors import trade_vocabulary
from foxreviews.core.text import normalize_search
from foxreviews.location.models import Ville
from foxreviews.search.models import SearchWord
from foxreviews.search.understanding import PlaceRef, understand

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


def _slug(naf: str) -> str:
    return NafCode.objects.get(code=naf).sous_categorie.slug


def _ville_id(code_insee: str) -> int:
    return Ville.objects.get(code_insee=code_insee).id


@pytest.mark.parametrize(
    "q", ["plombier", "Plombiers", "PLOMBERIE", "Plomberies", "plombier a", "plombier près de"]
)
def test_a_vocabulary_word_is_a_trade_in_the_singular_and_plural_with_or_without_accents(q):
    understood = understand(q)
    assert understood.trade.slug == _slug("43.22A")
    assert understood.trade.name == "Plombiers, chauffagistes"
    assert understood.trade.sous_categories == (_slug("43.22A"), _slug("43.22B"))
    codes_of = NafCode.objects.filter(sous_categorie__slug__in=understood.trade.sous_categories)
    assert understood.trade.naf_codes == tuple(
        codes_of.order_by("code").values_list("code", flat=True)
    )
    assert (understood.place, understood.words) == (None, ())


@pytest.mark.parametrize(
    ("q", "naf", "name"),
    [
        ("salon de coiffure", "96.02A", "Coiffeurs"),
        ("Auto-Écoles", "85.53Z", "Auto-écoles"),
        ("électricien", "43.21A", "Électriciens"),
        ("electriciens", "43.21A", "Électriciens"),
        ("médecin généraliste", "86.21Z", "Médecins généralistes"),
        ("expert comptable", "69.20Z", "Experts-comptables"),
        ("bar", "56.30Z", "Bars, cafés"),  # a trade before the commune of Bar (Corrèze)
    ],
)
def test_phrases_of_the_vocabulary(q, naf, name):
    understood = understand(q)
    assert (understood.trade.slug, understood.trade.name) == (_slug(naf), name)
    assert (understood.trade_words, understood.place, understood.words) == (
        normalize_search(q), None, (),
    )  # fmt: skip


def test_the_reference_vocabulary_is_loaded_with_three_hundred_words_at_least():
    assert MotMetier.objects.values("terme").distinct().count() >= 300
    assert SousCategorie.objects.exclude(nom_public="").count() >= 150


def test_a_synonym_staff_add_is_understood_once_the_vocabulary_is_read_again():
    assert understand("lauzier").trade is None
    couvreurs = NafCode.objects.get(code="43.91B").sous_categorie
    MotMetier.objects.create(terme="Lauzier", sous_categorie=couvreurs)
    assert understand("lauzier").trade is None  # this process keeps its copy a minute
    trade_vocabulary.cache_clear()  # what a minute does
    assert understand("lauziers").trade.slug == couvreurs.slug


def _place(q: str):
    understood = understand(q)
    return understood.place


@pytest.mark.parametrize(
    ("q", "code", "name"),
    [
        ("plombier quiberon", "56186", "Quiberon"),
        ("plombier à Quiberon", "56186", "Quiberon"),
        ("st etienne", "42218", "Saint-Étienne"),
        ("Saint-Étienne", "42218", "Saint-Étienne"),
        ("SAINT ETIENNE", "42218", "Saint-Étienne"),
        ("sables d'olonne", "85194", "Les Sables-d'Olonne"),  # the article is optional
        ("hotel le havre", "76351", "Le Havre"),
        ("hotel havre", "76351", "Le Havre"),
    ],
)
def test_a_commune_by_its_name(q, code, name):
    place = _place(q)
    assert (place.kind, place.code, place.name, place.ville_ids, place.codes_postaux) == (
        "ville", code, name, (_ville_id(code),), (),
    )  # fmt: skip
    assert place.alternatives == ()


@pytest.mark.parametrize(
    ("q", "code", "name", "codes_postaux", "commune"),
    [
        ("coiffeur paris 11", "75111", "Paris 11e", ("75011",), "75056"),
        ("coiffeur paris 11e", "75111", "Paris 11e", ("75011",), "75056"),
        ("paris 1er", "75101", "Paris 1er", ("75001",), "75056"),
        ("paris 16e arrondissement", "75116", "Paris 16e", ("75016", "75116"), "75056"),
        ("lyon 3e", "69383", "Lyon 3e", ("69003",), "69123"),
        ("marseille 8", "13208", "Marseille 8e", ("13008",), "13055"),
    ],
)
def test_an_arrondissement(q, code, name, codes_postaux, commune):
    place = _place(q)
    assert (place.kind, place.code, place.name, place.ville_ids, place.codes_postaux) == (
        "arrondissement", code, name, (_ville_id(commune),), codes_postaux,
    )  # fmt: skip
    assert understand(q).words == ()


def test_a_number_that_is_no_arrondissement_is_a_name_word():
    understood = understand("lyon 12e")  # Lyon has nine
    assert (understood.place.kind, understood.place.code) == ("ville", "69123")
    assert understood.words == ("12e",)


def test_a_code_postal_is_every_commune_it_serves():
    place = _place("plombier 29170")
    assert (place.kind, place.code, place.name, place.departement) == (
        "code_postal", "29170", "Fouesnant, Saint-Évarzec, Pleuven", "29",  # most populous first
    )  # fmt: skip
    assert place.ville_ids == tuple(_ville_id(code) for code in ("29058", "29247", "29161"))
    assert place.codes_postaux == ()


def test_the_code_postal_of_an_arrondissement_narrows_its_commune():
    place = _place("boulangerie 69003")
    assert (place.kind, place.code, place.name, place.ville_ids, place.codes_postaux) == (
        "code_postal", "69003", "Lyon", (_ville_id("69123"),), ("69003",),
    )  # fmt: skip


def test_five_digits_no_code_postal_serves_are_a_name_word():
    understood = understand("boulangerie 99999")
    assert (understood.place, understood.words) == (None, ("99999",))


@pytest.mark.parametrize(
    ("q", "code", "name"),
    [
        ("restaurant finistere", "29", "Finistère"),
        ("restaurant Finistère", "29", "Finistère"),
        ("restaurant 29", "29", "Finistère"),
        ("pizzeria dans le finistère", "29", "Finistère"),
        ("garage rhône", "69", "Rhône"),
        ("garage 69", "69", "Rhône"),
        ("hotel 2a", "2A", "Corse-du-Sud"),
        ("hotel cotes d'armor", "22", "Côtes-d'Armor"),
    ],
)
def test_a_departement_by_its_number_or_its_name(q, code, name):
    place = _place(q)
    assert (place.kind, place.code, place.name, place.ville_ids) == ("departement", code, name, ())
    assert (
        place.departement_id == Ville.objects.filter(code_departement=code).first().departement_id
    )
    assert understand(q).words == ()


def test_glue_words_are_not_searched():
    understood = understand("pizzeria près de Vannes")
    assert (understood.trade.slug, understood.place.code, understood.words) == (
        _slug("56.10A"), "56260", (),
    )  # fmt: skip
    assert understood.glue == ("pres", "de")


@pytest.mark.parametrize("q", ["près de", "à", "dans le sur", "a sur près de"])
def test_a_query_of_glue_only_is_said_so(q):
    understood = understand(q)
    assert understood.only_glue
    assert (understood.trade, understood.place, understood.words) == (None, None, ())


def test_a_commune_name_several_communes_share_picks_the_most_populous_and_says_so():
    place = _place("boulangerie saint denis")
    assert (place.code, place.name, place.departement) == ("97411", "Saint-Denis", "974")
    assert place.ambiguous
    assert place.alternatives == (
        PlaceRef("ville", "93066", "Saint-Denis"),
        PlaceRef("ville", "11339", "Saint-Denis"),
        PlaceRef("ville", "30247", "Saint-Denis"),
    )


def test_vienne_is_the_commune_and_the_departement_an_alternative():
    place = _place("boulangerie vienne")
    assert (place.kind, place.code, place.name) == ("ville", "38544", "Vienne")
    assert place.alternatives == (PlaceRef("departement", "86", "Vienne"),)
    # Paris, chef-lieu of its département, is not ambiguous
    assert _place("hotel paris").alternatives == ()


def test_nancy_is_the_place_unless_quoted():
    understood = understand("coiffure nancy")
    assert (understood.trade.slug, understood.place.code, understood.words) == (
        _slug("96.02A"), "54395", (),
    )  # fmt: skip
    understood = understand('coiffure "Nancy"')
    assert (understood.trade.slug, understood.place, understood.words) == (
        _slug("96.02A"), None, ("nancy",),
    )  # fmt: skip
    understood = understand('coiffure "nancy')  # a quote left open is a space
    assert (understood.place.code, understood.words) == ("54395", ())


def test_a_small_commune_named_bare_is_a_name_word_and_a_place_after_glue():
    understood = understand("garage mars")  # Mars (Loire), 555 inhabitants
    assert (understood.place, understood.words) == (None, ("mars",))
    place = _place("garage à mars")
    assert (place.code, place.alternatives) == (
        "42141", (PlaceRef("ville", "07151", "Mars"), PlaceRef("ville", "23123", "Les Mars")),
    )  # fmt: skip


def test_the_last_place_is_the_place_and_an_earlier_one_a_name():
    understood = understand("hotel de paris lyon")
    assert (understood.place.code, understood.words) == ("69123", ("de", "paris"))


def test_a_name_query_is_name_words_only():
    understood = understand("Clin d'Œil")
    assert (understood.trade, understood.place, understood.words) == (
        None, None, ("clin", "d", "oeil"),
    )  # fmt: skip


def test_a_trade_and_name_words():
    understood = understand("boulangerie lemaitre")
    assert (understood.trade.slug, understood.trade_words, understood.words) == (
        _slug("10.71C"), "boulangerie", ("lemaitre",),
    )  # fmt: skip


def test_an_unknown_word_is_a_name_word():
    understood = understand("plombier zorglub quiberon")
    assert (understood.trade.slug, understood.place.code, understood.words) == (
        _slug("43.22A"), "56186", ("zorglub",),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("q", "naf", "typed"),
    [
        ("boulangrie", "10.71C", "boulangrie"),
        ("plombrie a lyon", "43.22A", "plombrie"),
        ("coifure paris 11", "96.02A", "coifure"),
        ("zingueuse", "43.91B", "zingueuse"),  # zingueur
    ],
)
def test_a_word_spelt_like_a_trade_is_that_trade(q, naf, typed):
    understood = understand(q)
    assert (understood.trade.slug, understood.trade_words, understood.words) == (
        _slug(naf), typed, (),
    )  # fmt: skip


@pytest.mark.parametrize("q", ['"boulangrie"', "boulangier", "boulangier martin"])
def test_a_word_spelt_like_a_trade_stays_a_name_when_names_use_it_or_it_is_quoted(q):
    SearchWord.objects.bulk_create([SearchWord(word="boulangier", ndoc=3)])  # names use it
    understood = understand(q)
    assert understood.trade is None
    assert understood.words == tuple(q.replace('"', "").split())


def test_only_the_first_word_spelt_like_a_trade_is_one():
    understood = understand("boulangrie plombrie")
    assert (understood.trade.slug, understood.words) == (_slug("10.71C"), ("plombrie",))


def test_a_second_trade_is_read_as_name_words():
    assert understand("boulangerie pâtisserie").trade.slug == _slug("10.71C")  # one phrase
    understood = understand("boulangerie fleuriste")
    assert (understood.trade.slug, understood.words) == (_slug("10.71C"), ("fleuriste",))
