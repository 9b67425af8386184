"""The real reference data: exact counts, spot checks, idempotence."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from foxreviews.category.models import Categorie, NafCode, SousCategorie
from foxreviews.location.models import CodePostal, CommuneAlias, Departement, Region, Ville
from foxreviews.location.services import geography_load

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("own_geography")]


def _table_fingerprint() -> list:
    """Row count, max id and the transaction id that last wrote each row, per table."""
    tables = [
        "location_region", "location_departement", "location_ville", "location_codepostal",
        "location_communealias", "category_categorie", "category_souscategorie",
        "category_nafcode",
    ]  # fmt: skip
    with connection.cursor() as cursor:
        result = []
        for table in tables:
            cursor.execute(
                "SELECT count(*), max(id), md5(string_agg(xmin::text, ',' ORDER BY id)) "  # noqa: S608 (own table names)
                f"FROM {table}"
            )
            result.append((table, *cursor.fetchone()))
    return result


def test_reference_data_has_the_real_map_of_france(capsys):
    call_command("load_reference_data")
    assert "villes +34969/~0" in capsys.readouterr().out
    assert Region.objects.count() == 18
    assert Departement.objects.count() == 101
    assert Ville.objects.count() == 34_969
    assert CodePostal.objects.count() == 35_613
    assert CommuneAlias.objects.get(code="75101").ville.code_insee == "75056"
    assert CommuneAlias.objects.get(code="20004").ville.code_insee == "2A004"
    assert NafCode.objects.count() == 732
    assert NafCode.objects.filter(sous_categorie__isnull=True).count() == 0
    assert SousCategorie.objects.count() == 732
    assert Categorie.objects.count() == 20

    paris = Ville.objects.get(code_insee="75056")
    assert (paris.nom, paris.slug, paris.departement.code) == ("Paris", "paris-75056", "75")
    assert len(paris.codes_postaux) == 21 and "75116" in paris.codes_postaux
    ajaccio = Ville.objects.get(code_insee="2A004")
    assert (ajaccio.nom, ajaccio.departement.code, ajaccio.departement.region.nom) == (
        "Ajaccio", "2A", "Corse",
    )  # fmt: skip
    saint_etienne = Ville.objects.get(code_insee="42218")
    assert saint_etienne.nom_recherche == "saint etienne"
    saint_pierre = Ville.objects.get(code_insee="97502")
    assert (saint_pierre.departement, saint_pierre.code_departement, saint_pierre.zone) == (
        None, "975", "com",
    )  # fmt: skip
    assert (
        CodePostal.objects.get(code="13001", ville__code_insee="13055").libelle_acheminement
        == "MARSEILLE"
    )

    naf = NafCode.objects.select_related("sous_categorie__categorie").get(code="56.10A")
    assert (naf.libelle, naf.section, naf.division) == ("Restauration traditionnelle", "I", "56")
    assert naf.sous_categorie.nom == "Restauration traditionnelle"
    assert naf.sous_categorie.categorie.slug == "restaurants-cafes"
    assert NafCode.objects.get(code="96.02A").sous_categorie.categorie.slug == "beaute-bien-etre"
    assert NafCode.objects.get(code="47.73Z").sous_categorie.categorie.slug == "sante"
    assert NafCode.objects.get(code="47.19A").sous_categorie.categorie.slug == "commerce-boutiques"


def test_loading_twice_writes_nothing_the_second_time():
    call_command("load_reference_data")
    before = _table_fingerprint()
    results = geography_load()
    assert all(counts == {"created": 0, "updated": 0} for counts in results.values())
    call_command("load_reference_data")
    assert _table_fingerprint() == before


def test_an_admin_remapping_of_a_naf_code_survives_a_reload():
    call_command("load_reference_data")
    naf = NafCode.objects.get(code="10.71C")
    restaurants = SousCategorie.objects.get(naf_codes__code="56.10A")
    naf.sous_categorie = restaurants
    naf.save()
    renamed = SousCategorie.objects.get(naf_codes__code="56.30Z")
    renamed.nom = "Bars et cafés"
    renamed.save()

    call_command("load_reference_data")

    assert NafCode.objects.get(code="10.71C").sous_categorie == restaurants
    assert SousCategorie.objects.get(pk=renamed.pk).nom == "Bars et cafés"
    assert SousCategorie.objects.count() == 732


def test_a_broken_data_file_fails_with_one_line_and_keeps_what_was_stored(tmp_path, settings):
    call_command("load_reference_data")
    broken = tmp_path / "data"
    broken.mkdir()
    (broken / "regions.csv").write_text("code,nom,zone,chef_lieu\n84,Auvergne\n")  # short row
    with pytest.raises(CommandError, match="reference data not loaded"):
        from unittest import mock

        with mock.patch("foxreviews.location.services.DATA_DIR", broken):
            call_command("load_reference_data")
    assert Region.objects.count() == 18
    assert Ville.objects.count() == 34_969
