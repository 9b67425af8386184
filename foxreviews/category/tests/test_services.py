"""taxonomy_load: the official NAF table and the directory's catégories, loaded set-based;
admins own catégories, sous-catégories and a NAF code's mapping once loaded, INSEE owns the
libellés."""

import pytest

from foxreviews.category.models import Categorie, NafCode, SousCategorie
from foxreviews.category.services import taxonomy_load
from foxreviews.category.tests.factories import SousCategorieFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("own_geography")]

NOTHING = {
    "categories": {"created": 0, "updated": 0},
    "sous_categories": {"created": 0, "updated": 0},
    "naf_codes": {"created": 0, "updated": 0},
}


def _counts(categories=(0, 0), sous_categories=(0, 0), naf_codes=(0, 0)) -> dict:
    return {
        name: {"created": created, "updated": updated}
        for name, (created, updated) in {
            "categories": categories,
            "sous_categories": sous_categories,
            "naf_codes": naf_codes,
        }.items()
    }


def _snapshot() -> list:
    return [
        list(Categorie.objects.order_by("slug").values_list("slug", "nom", "ordre", "description")),
        list(SousCategorie.objects.order_by("slug").values_list("slug", "nom", "categorie__slug")),
        list(
            NafCode.objects.order_by("code").values_list(
                "code", "libelle", "section", "division", "sous_categorie__slug"
            )
        ),
    ]


def test_the_official_table_is_loaded_into_empty_tables():
    assert taxonomy_load() == _counts(categories=(20, 0), sous_categories=(732, 0),
                                      naf_codes=(732, 0))  # fmt: skip
    assert (Categorie.objects.count(), SousCategorie.objects.count(), NafCode.objects.count()) == (
        20, 732, 732,
    )  # fmt: skip
    boulangerie = NafCode.objects.select_related("sous_categorie__categorie").get(code="10.71C")
    assert (boulangerie.libelle, boulangerie.section, boulangerie.division) == (
        "Boulangerie et boulangerie-pâtisserie", "C", "10",
    )  # fmt: skip
    assert boulangerie.sous_categorie.slug == "boulangerie-et-boulangerie-patisserie"
    assert boulangerie.sous_categorie.nom == "Boulangerie et boulangerie-pâtisserie"
    # the longest prefix of naf_mapping.csv wins: 10 is industrie, 10.71C a food shop
    assert boulangerie.sous_categorie.categorie.slug == "commerces-alimentaires"
    assert NafCode.objects.get(code="10.11Z").sous_categorie.categorie.slug == "industrie-energie"
    pharmacie = NafCode.objects.get(code="47.73Z")
    assert (pharmacie.section, pharmacie.sous_categorie.categorie.slug) == ("G", "sante")
    restaurants = Categorie.objects.get(slug="restaurants-cafes")
    assert (restaurants.nom, restaurants.ordre) == ("Restaurants & cafés", 1)
    assert restaurants.sous_categories.count() == 7


def test_a_second_load_writes_nothing():
    taxonomy_load()
    before = _snapshot()
    assert taxonomy_load() == NOTHING
    assert _snapshot() == before


def test_what_admins_edited_survives_a_reload():
    taxonomy_load()
    Categorie.objects.filter(slug="restaurants-cafes").update(nom="Restaurants", ordre=9)
    SousCategorie.objects.filter(slug="restauration-traditionnelle").update(nom="Bistrots")
    traiteurs = SousCategorie.objects.get(slug="services-des-traiteurs")
    NafCode.objects.filter(code="56.10A").update(sous_categorie=traiteurs)
    assert taxonomy_load() == NOTHING
    assert Categorie.objects.values_list("nom", "ordre").get(slug="restaurants-cafes") == (
        "Restaurants", 9,
    )  # fmt: skip
    assert SousCategorie.objects.get(slug="restauration-traditionnelle").nom == "Bistrots"
    assert NafCode.objects.get(code="56.10A").sous_categorie == traiteurs


def test_naf_libelles_follow_the_official_data():
    taxonomy_load()
    NafCode.objects.filter(code="56.10A").update(libelle="Resto", section="Z", division="99")
    assert taxonomy_load() == _counts(naf_codes=(0, 1))
    assert NafCode.objects.values_list("libelle", "section", "division").get(code="56.10A") == (
        "Restauration traditionnelle", "I", "56",
    )  # fmt: skip


def test_a_naf_code_left_without_sous_categorie_gets_one_again():
    taxonomy_load()
    NafCode.objects.filter(code="56.10A").update(sous_categorie=None)
    SousCategorie.objects.filter(slug="restauration-traditionnelle").delete()
    assert taxonomy_load() == _counts(sous_categories=(1, 0), naf_codes=(0, 1))
    assert NafCode.objects.get(code="56.10A").sous_categorie.slug == "restauration-traditionnelle"


def test_an_existing_sous_categorie_with_the_same_slug_is_kept_and_used():
    mine = SousCategorieFactory(slug="restauration-traditionnelle", nom="Mes bistrots")
    counts = taxonomy_load()
    assert counts["sous_categories"] == {"created": 731, "updated": 0}
    assert NafCode.objects.get(code="56.10A").sous_categorie == mine
    assert SousCategorie.objects.get(pk=mine.pk).nom == "Mes bistrots"


def test_a_small_table_of_its_own(tmp_path):
    """Only sous-classes become NAF codes; a libellé shared by two codes gets distinct slugs."""
    (tmp_path / "categories.csv").write_text(
        "slug,nom,ordre,description\n"
        'restaurants-cafes,Restaurants & cafés,1,"Restaurants, bars et cafés"\n'
        "hebergement-tourisme,Hébergement & tourisme,2,Hôtels et campings\n",
        encoding="utf-8",
    )
    (tmp_path / "naf_mapping.csv").write_text(
        "prefix,categorie\n55,hebergement-tourisme\n56,restaurants-cafes\n", encoding="utf-8"
    )
    (tmp_path / "naf.csv").write_text(
        "code,libelle\n"
        "55,Hébergement\n"
        "55.1,Hôtels et hébergement similaire\n"
        "55.10,Hôtels et hébergement similaire\n"
        "55.10Z,Hôtels et hébergement similaire\n"
        "56.10A,Restauration traditionnelle\n"
        "56.10B,Restauration traditionnelle\n",
        encoding="utf-8",
    )
    assert taxonomy_load(data_dir=tmp_path) == _counts(
        categories=(2, 0), sous_categories=(3, 0), naf_codes=(3, 0)
    )
    assert _snapshot() == [
        [
            ("hebergement-tourisme", "Hébergement & tourisme", 2, "Hôtels et campings"),
            ("restaurants-cafes", "Restaurants & cafés", 1, "Restaurants, bars et cafés"),
        ],
        [
            ("hotels-et-hebergement-similaire", "Hôtels et hébergement similaire",
             "hebergement-tourisme"),
            ("restauration-traditionnelle", "Restauration traditionnelle", "restaurants-cafes"),
            ("restauration-traditionnelle-5610b", "Restauration traditionnelle",
             "restaurants-cafes"),
        ],
        [
            ("55.10Z", "Hôtels et hébergement similaire", "I", "55",
             "hotels-et-hebergement-similaire"),
            ("56.10A", "Restauration traditionnelle", "I", "56", "restauration-traditionnelle"),
            ("56.10B", "Restauration traditionnelle", "I", "56",
             "restauration-traditionnelle-5610b"),
        ],
    ]  # fmt: skip
