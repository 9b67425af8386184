"""vocabulary_load: the trade words visitors type and the sous-catégories' visitor names, loaded
set-based after the taxonomy; staff own a visitor name once written, and their synonyms."""

import pytest

from foxreviews.category.models import MotMetier, NafCode, SousCategorie
from foxreviews.category.services import taxonomy_load, vocabulary_load

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("own_geography")]

NOTHING = {
    "noms_publics": {"created": 0, "updated": 0},
    "mots_metier": {"created": 0, "updated": 0},
}


def _sous_categorie(naf: str) -> SousCategorie:
    return NafCode.objects.get(code=naf).sous_categorie


def _words(naf: str) -> list[str]:
    return list(
        MotMetier.objects.filter(sous_categorie=_sous_categorie(naf))
        .order_by("id")
        .values_list("terme", flat=True)
    )


def test_the_vocabulary_is_loaded_after_the_taxonomy():
    taxonomy_load()
    assert vocabulary_load() == {
        "noms_publics": {"created": 0, "updated": 161},
        # 909 trade words (4 of them two trades) and 429 needs (some of them two trades or more)
        "mots_metier": {"created": 1390, "updated": 0},
    }
    assert MotMetier.objects.values("terme").distinct().count() == 909 + 429
    plombiers = _sous_categorie("43.22A")
    assert (plombiers.nom, plombiers.nom_public) == (
        "Travaux d'installation d'eau et de gaz en tous locaux", "Plombiers, chauffagistes",
    )  # fmt: skip
    assert plombiers.visitor_name == "Plombiers, chauffagistes"
    assert _words("43.22A")[:3] == ["plombier", "plomberie", "plombier chauffagiste"]
    # a word for two trades: one row each, the first one of the file names the trade
    plombier = MotMetier.objects.filter(terme="plombier").order_by("id")
    assert [m.sous_categorie.slug for m in plombier] == [
        plombiers.slug, _sous_categorie("43.22B").slug,
    ]  # fmt: skip
    sans_nom = _sous_categorie("01.11Z")
    assert (sans_nom.nom_public, sans_nom.visitor_name) == ("", sans_nom.nom)


def test_a_second_load_writes_nothing():
    taxonomy_load()
    vocabulary_load()
    before = list(MotMetier.objects.order_by("id").values_list("id", "terme", "sous_categorie"))
    assert vocabulary_load() == NOTHING
    assert list(MotMetier.objects.order_by("id").values_list("id", "terme", "sous_categorie")) == (
        before
    )


def test_what_staff_wrote_survives_a_reload_and_a_deleted_word_comes_back():
    taxonomy_load()
    vocabulary_load()
    plombiers = _sous_categorie("43.22A")
    SousCategorie.objects.filter(pk=plombiers.pk).update(nom_public="Plombiers")
    MotMetier.objects.create(terme="plombard", sous_categorie=plombiers)
    MotMetier.objects.filter(terme="plomberie", sous_categorie=plombiers).delete()
    assert vocabulary_load() == {
        "noms_publics": {"created": 0, "updated": 0},
        "mots_metier": {"created": 1, "updated": 0},
    }
    assert SousCategorie.objects.get(pk=plombiers.pk).nom_public == "Plombiers"
    assert set(_words("43.22A")) >= {"plombard", "plomberie"}


def test_a_word_follows_the_naf_codes_mapping_staff_edited():
    taxonomy_load()
    traiteurs = _sous_categorie("56.21Z")
    NafCode.objects.filter(code="56.10A").update(sous_categorie=traiteurs)
    vocabulary_load()
    assert MotMetier.objects.get(terme="crêperie").sous_categorie == traiteurs


def test_a_vocabulary_of_its_own_and_an_unknown_naf_code(tmp_path):
    taxonomy_load()
    (tmp_path / "vocabulaire.csv").write_text(
        "terme,codes_naf\ncordonnier,95.23Z\nclés minute,95.23Z 95.29Z\n", encoding="utf-8"
    )
    (tmp_path / "besoins.csv").write_text("terme,codes_naf\ntalon cassé,95.23Z\n", encoding="utf-8")
    (tmp_path / "noms_publics.csv").write_text(
        "code_naf,nom_public\n95.23Z,Cordonniers\n", encoding="utf-8"
    )
    assert vocabulary_load(data_dir=tmp_path) == {
        "noms_publics": {"created": 0, "updated": 1},
        "mots_metier": {"created": 4, "updated": 0},
    }
    # the needs after the trade words: a trade word names its trade
    assert _words("95.23Z") == ["cordonnier", "clés minute", "talon cassé"]
    assert _words("95.29Z") == ["clés minute"]
    assert _sous_categorie("95.23Z").nom_public == "Cordonniers"
    (tmp_path / "vocabulaire.csv").write_text(
        "terme,codes_naf\ncordonnier,95.23Z 95.99Q\n", encoding="utf-8"
    )
    with pytest.raises(ValueError) as raised:
        vocabulary_load(data_dir=tmp_path)
    assert str(raised.value) == "codes NAF inconnus dans le vocabulaire : 95.99Q"
