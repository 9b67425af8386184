"""The SIRENE bulk import on small files in INSEE's real layout: the edge cases one by one."""

import csv
import zipfile

import pytest
from django.db import connection

from foxreviews.core.exceptions import ApplicationError
from foxreviews.enterprise.models import Entreprise, ProLocalisation
from foxreviews.imports.models import ImportCheckpoint, ImportLog
from foxreviews.imports.sirene.bulk import BulkImportOptions, sirene_bulk_import

from .stock_rows import row, siret, write_stock

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]

BAKERY = siret("12345678")
ROADS = siret("23456789")
CORSICA = siret("34567890")
ABROAD = siret("45678901")
CLOSED = siret("56789012")
UNKNOWN_NAF = siret("67890123")
PARIS = siret("78901234")
LA_POSTE = "35600000000048"


def _import(path, tmp_path, **options):
    options.setdefault("rejects_path", tmp_path / "rejected.csv")
    return sirene_bulk_import(path=path, options=BulkImportOptions(progress=False, **options))


def _rows_fingerprint():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), md5(string_agg(siret || xmin::text, ',' ORDER BY siret)) "
            "FROM enterprise_entreprise"
        )
        entreprises = cursor.fetchone()
        cursor.execute(
            "SELECT count(*), md5(string_agg(id::text || xmin::text, ',' ORDER BY id)) "
            "FROM enterprise_prolocalisation"
        )
        return entreprises, cursor.fetchone()


@pytest.fixture
def stock_file(tmp_path):
    return write_stock(
        tmp_path / "StockEtablissement_utf8.csv",
        [
            row(BAKERY),
            row(
                ROADS,
                enseigne1Etablissement='LE "PETIT" BISTROT, PARIS',
                activitePrincipaleEtablissement="56.10A",
            ),
            row(CORSICA, codeCommuneEtablissement="2A004", codePostalEtablissement="20000"),
            row(
                ABROAD,
                codeCommuneEtablissement="",
                codePostalEtablissement="",
                codePaysEtrangerEtablissement="99134",
                libellePaysEtrangerEtablissement="ESPAGNE",
            ),
            row(CLOSED, etatAdministratifEtablissement="F"),
            row(UNKNOWN_NAF, activitePrincipaleEtablissement="99.99Z"),
            row(
                PARIS,
                codeCommuneEtablissement="75108",
                statutDiffusionEtablissement="P",
                enseigne1Etablissement="[ND]",
                numeroVoieEtablissement="[ND]",
                libelleVoieEtablissement="[ND]",
                typeVoieEtablissement="[ND]",
            ),
            row(BAKERY[:-1] + str((int(BAKERY[-1]) + 1) % 10)),  # wrong check digit
            row(
                LA_POSTE,
                enseigne1Etablissement="LA POSTE",
                activitePrincipaleEtablissement="53.10Z",
            ),
        ],
        bom=True,
    )


def test_a_stock_file_lands_exactly(stock_file, tmp_path):
    result = _import(stock_file, tmp_path)
    c = result.counters
    assert (c.read, c.created, c.updated, c.rejected) == (9, 8, 0, 1)
    assert (c.sans_commune, c.naf_non_mappe) == (1, 1)
    assert result.counters.reasons == {"siret_invalide": 1}

    by_siret = {e.siret: e for e in Entreprise.objects.select_related("ville")}
    assert by_siret[ROADS].nom == 'LE "PETIT" BISTROT, PARIS'  # quotes and commas survive
    assert by_siret[BAKERY].ville.nom == "Lyon"  # 69381, Lyon 1er arrondissement
    assert by_siret[BAKERY].adresse == "12 RUE DE LA PAIX"
    assert by_siret[BAKERY].date_creation.isoformat() == "2015-06-01"
    assert by_siret[CORSICA].ville.code_insee == "2A004"
    assert by_siret[PARIS].ville.nom == "Paris"
    assert by_siret[ABROAD].ville is None
    # [ND] is never shown: no address, and a name that does not pretend to know more
    assert (by_siret[PARIS].adresse, by_siret[PARIS].enseigne) == ("", "")
    assert by_siret[PARIS].nom == f"Établissement {PARIS}"
    assert by_siret[LA_POSTE].nom == "LA POSTE"
    assert by_siret[CLOSED].etat_administratif == "F"

    prolocs = {p.entreprise.siret: p for p in ProLocalisation.objects.select_related("entreprise")}
    # no ville abroad, no sous-catégorie for an unknown NAF code: no pro-localisation
    assert set(prolocs) == {BAKERY, ROADS, CORSICA, CLOSED, PARIS, LA_POSTE}
    assert prolocs[BAKERY].sous_categorie.naf_codes.get().code == "10.71C"
    assert prolocs[CLOSED].is_active is False

    with open(tmp_path / "rejected.csv", encoding="utf-8") as handle:
        rejected = list(csv.DictReader(handle))
    assert rejected == [
        {"line": "9", "siret": BAKERY[:-1] + str((int(BAKERY[-1]) + 1) % 10),
         "reason": "siret_invalide", "detail": "clé de contrôle invalide"},
    ]  # fmt: skip

    log = ImportLog.objects.get(pk=result.import_log_id)
    assert (log.status, log.rows_read, log.rows_created, log.rows_rejected) == (
        "partial", 9, 8, 1,
    )  # fmt: skip


def test_importing_the_same_file_again_writes_nothing(stock_file, tmp_path):
    _import(stock_file, tmp_path)
    before = _rows_fingerprint()
    again = _import(stock_file, tmp_path)
    assert (again.counters.created, again.counters.updated) == (0, 0)
    assert again.counters.unchanged == 8
    assert _rows_fingerprint() == before


def test_a_changed_row_is_updated_and_only_it(stock_file, tmp_path):
    _import(stock_file, tmp_path)
    same_roads = row(
        ROADS,
        enseigne1Etablissement='LE "PETIT" BISTROT, PARIS',
        activitePrincipaleEtablissement="56.10A",
    )
    changed = write_stock(
        tmp_path / "changed.csv", [row(BAKERY, etatAdministratifEtablissement="F"), same_roads]
    )
    result = _import(changed, tmp_path)
    assert (result.counters.updated, result.counters.unchanged) == (1, 1)
    assert Entreprise.objects.get(siret=BAKERY).etat_administratif == "F"
    assert ProLocalisation.objects.get(entreprise__siret=BAKERY).is_active is False


def test_dry_run_reports_and_writes_nothing(stock_file, tmp_path):
    result = _import(stock_file, tmp_path, dry_run=True)
    assert (result.counters.created, result.counters.rejected) == (8, 1)
    assert Entreprise.objects.count() == 0
    assert ImportLog.objects.count() == ImportCheckpoint.objects.count() == 0


def test_only_active_and_max_rows(stock_file, tmp_path):
    result = _import(stock_file, tmp_path, only_active=True, max_rows=5)
    assert result.counters.read == 5
    assert result.counters.skipped_closed == 1
    assert set(Entreprise.objects.values_list("siret", flat=True)) == {
        BAKERY,
        ROADS,
        CORSICA,
        ABROAD,
    }


def test_skip_rows_starts_after_the_given_records(stock_file, tmp_path):
    result = _import(stock_file, tmp_path, skip_rows=7)
    assert result.counters.read == 2
    assert set(Entreprise.objects.values_list("siret", flat=True)) == {LA_POSTE}
    with open(tmp_path / "rejected.csv", encoding="utf-8") as handle:
        assert [r["line"] for r in csv.DictReader(handle)] == ["9"]


def test_a_truncated_last_line_is_rejected_and_the_rest_imported(tmp_path):
    path = write_stock(
        tmp_path / "cut.csv", [row(BAKERY), row(ROADS), row(CORSICA)], truncate_last=True
    )
    result = _import(path, tmp_path)
    assert result.counters.created == 2
    assert result.counters.reasons == {"ligne_malformee": 1}
    with open(tmp_path / "rejected.csv", encoding="utf-8") as handle:
        rejected = list(csv.DictReader(handle))
    assert [(r["line"], r["siret"], r["reason"]) for r in rejected] == [
        ("4", CORSICA, "ligne_malformee")
    ]


def test_a_file_in_the_wrong_encoding_is_refused_and_nothing_written(tmp_path):
    path = write_stock(tmp_path / "latin1.csv", [row(BAKERY, enseigne1Etablissement="CAFÉ")])
    path.write_bytes(path.read_bytes().decode("utf-8").encode("latin-1"))
    with pytest.raises(ApplicationError, match="la ligne 2 n'est pas en UTF-8"):
        _import(path, tmp_path)
    assert Entreprise.objects.count() == 0
    # the indexes dropped for a first load are back
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_indexes WHERE indexname = 'entreprise_search_ville_idx'"
        )
        assert cursor.fetchone()[0] == 1


def test_a_file_that_is_not_a_stock_file_is_refused_with_one_clear_line(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("id,name\n1,x\n")
    with pytest.raises(ApplicationError, match="Format de fichier inconnu"):
        _import(path, tmp_path)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("siret,nom,catégorie\n".encode("latin-1"))
    with pytest.raises(ApplicationError, match="pas en UTF-8"):
        _import(latin, tmp_path)


def test_zip_and_naf25_and_unites_legales(tmp_path):
    stock = write_stock(
        tmp_path / "StockEtablissement_utf8.csv",
        [row(BAKERY, enseigne1Etablissement="", activitePrincipaleNAF25Etablissement="10.71Y")],
    )
    archive = tmp_path / "StockEtablissement_utf8.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(stock, "StockEtablissement_utf8.csv")
    layout = stock.parent / "ul.csv"
    header = "siren,denominationUniteLegale,nomUniteLegale,prenom1UniteLegale\n"
    layout.write_text(header + f"{BAKERY[:9]},BOULANGERIES REUNIES SA,,\n")
    result = _import(archive, tmp_path, unites_legales=layout)
    assert result.counters.created == 1
    entreprise = Entreprise.objects.get()
    assert (entreprise.nom, entreprise.denomination, entreprise.naf25_code) == (
        "BOULANGERIES REUNIES SA", "BOULANGERIES REUNIES SA", "10.71Y",
    )  # fmt: skip


def test_a_file_from_before_naf25_still_imports(tmp_path):
    path = write_stock(tmp_path / "old.csv", [row(BAKERY)], naf25=False)
    assert _import(path, tmp_path).counters.created == 1
    assert Entreprise.objects.get().naf25_code == ""


def test_the_simple_csv(tmp_path):
    path = tmp_path / "simple.csv"
    path.write_text(
        "siret,nom,naf_code,adresse,code_postal,code_commune\n"
        f"{BAKERY},Boulangerie Martin,10.71C,3 place Bellecour,69002,69382\n"
        f"{ROADS[:-1]}0,Erreur,56.10A,,,\n",
        encoding="utf-8",
    )
    result = _import(path, tmp_path)
    assert (result.counters.created, result.counters.rejected) == (1, 1)
    entreprise = Entreprise.objects.select_related("ville").get()
    assert (entreprise.nom, entreprise.ville.nom, entreprise.code_postal) == (
        "Boulangerie Martin", "Lyon", "69002",
    )  # fmt: skip
