"""POST /api/imports/: CSV and XLSX uploads checked at once, imported by a worker, reported."""

import csv
import io
import os
import socket
import zipfile

import openpyxl
import pytest
from rest_framework.test import APIClient

from foxreviews.core.tests.webserver import raw_connection
from foxreviews.enterprise.models import Entreprise
from foxreviews.imports.models import ImportLog
from foxreviews.imports.services import upload_folder
from foxreviews.imports.sirene import lock
from foxreviews.imports.sirene.lock import ImportBusy
from foxreviews.imports.tasks import busy_countdown
from foxreviews.imports.tests.stock_rows import siret
from foxreviews.imports.tests.uploading import client_for, post, upload_and_run
from foxreviews.imports.upload_worker import upload_process
from foxreviews.users.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
GOOD = [siret(f"1234{n:04d}") for n in range(3)]


def semicolon_csv(rows: list[list[str]], *, encoding="utf-8-sig") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["SIRET", "Nom", "Code_Commune", "naf_code"])
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def test_a_semicolon_csv_with_bom_is_imported(pro, django_capture_on_commit_callbacks):
    rows = [[GOOD[0], "Crêperie du Vieux Lyon", "69385", "56.10C"],
            [GOOD[1], "Boulangerie Émile", "69381", "10.71C"]]  # fmt: skip
    response, status = upload_and_run(pro, semicolon_csv(rows), django_capture_on_commit_callbacks)
    accepted = response.json()
    assert accepted["status"] == "pending"
    assert response["Location"] == accepted["status_url"]
    assert accepted["status_url"].endswith(f"/api/imports/{accepted['id']}/")
    assert status["status"] == "success"
    assert status["type"] == "csv" and status["file_name"] == "liste.csv"
    assert status["counters"] == {"read": 2, "created": 2, "updated": 0, "unchanged": 0,
                                  "rejected": 0}  # fmt: skip
    assert status["progress"] == {"rows_done": 2, "rows_total": 2, "percent": 100}
    assert status["rejected_rows_url"] is None
    crepe = Entreprise.objects.get(siret=GOOD[0])
    assert (crepe.nom, crepe.naf_code, crepe.ville.code_insee) == (
        "Crêperie du Vieux Lyon", "56.10C", "69123",
    )  # fmt: skip


@pytest.mark.parametrize("separator", [",", ";"])
def test_doubled_quotes_and_quoted_separators_follow_rfc_4180(
    pro, django_capture_on_commit_callbacks, separator
):
    header = separator.join(["siret", "nom", "code_commune"])
    lines = [
        header,
        f'{GOOD[0]}{separator}"Boulangerie ""Chez Paul"""{separator}69381',
        f'{GOOD[1]}{separator}"Café ""Le Zinc"", bar{separator} tabac"{separator}69381',
        f'{GOOD[2]}{separator}"Deux\r\nlignes"{separator}69381',
    ]
    content = ("\r\n".join(lines) + "\r\n").encode()
    _, status = upload_and_run(pro, content, django_capture_on_commit_callbacks)
    assert status["status"] == "success", status
    noms = dict(Entreprise.objects.filter(siret__in=GOOD).values_list("siret", "nom"))
    assert noms == {
        GOOD[0]: 'Boulangerie "Chez Paul"',
        GOOD[1]: f'Café "Le Zinc", bar{separator} tabac',
        GOOD[2]: "Deux lignes",  # one line per record for the bulk import
    }


def test_windows_1252_is_detected_and_converted(pro, django_capture_on_commit_callbacks):
    content = semicolon_csv([[GOOD[0], "Pâtisserie Noël", "69381", "10.71C"]], encoding="cp1252")
    assert b"\xe2" in content  # â in Windows-1252, not UTF-8
    _, status = upload_and_run(pro, content, django_capture_on_commit_callbacks)
    assert status["status"] == "success"
    assert Entreprise.objects.get(siret=GOOD[0]).nom == "Pâtisserie Noël"


def test_an_xlsx_with_numbers_for_codes(pro, django_capture_on_commit_callbacks):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["siret", "nom", "code_postal", "code_commune"])
    sheet.append([int(GOOD[0]), "Garage de l'Ain", 1000, "01053"])  # 01000 typed as a number
    sheet.append([GOOD[1], "Fleuriste", "69001", "69381"])
    sheet.append([GOOD[2], "Comptoir à l'étranger", "", None])  # empty last cells
    data = io.BytesIO()
    workbook.save(data)
    _, status = upload_and_run(
        pro, data.getvalue(), django_capture_on_commit_callbacks, name="liste.txt"
    )
    assert (status["type"], status["status"], status["counters"]["created"]) == (
        "xlsx", "success", 3,
    )  # fmt: skip
    assert status["progress"]["rows_total"] == 3  # counted by the worker as it read them
    garage = Entreprise.objects.get(siret=GOOD[0])
    assert (garage.nom, garage.code_postal, garage.ville.code_insee) == (
        "Garage de l'Ain", "01000", "01053",
    )  # fmt: skip


def test_rejected_rows_are_reported_and_downloadable(pro, django_capture_on_commit_callbacks):
    bad = GOOD[2][:-1] + str((int(GOOD[2][-1]) + 1) % 10)
    rows = [[GOOD[0], "Bon", "69381", ""], [bad, "Mauvais", "69381", ""], [GOOD[1], "", "", ""]]
    _, status = upload_and_run(pro, semicolon_csv(rows), django_capture_on_commit_callbacks)
    assert status["status"] == "partial"
    assert status["counters"]["rejected"] == 2 and status["counters"]["created"] == 1
    assert status["errors"] == [{"reason": "nom_manquant", "count": 1},
                                {"reason": "siret_invalide", "count": 1}]  # fmt: skip
    download = pro.get(status["rejected_rows_url"])
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert lines[0] == ["line", "siret", "reason", "detail"]
    assert [(line[1], line[2]) for line in lines[1:]] == [
        (bad, "siret_invalide"), (GOOD[1], "nom_manquant"),
    ]  # fmt: skip
    log = ImportLog.objects.get(pk=status["id"])
    assert log.rejects_file.name.startswith("imports/rejects/")  # in the media storage
    assert not (upload_folder() / f"{log.pk}.rejected.csv").exists()  # moved to the storage


def test_the_rejected_rows_hand_back_no_live_formula(pro, django_capture_on_commit_callbacks):
    formulas = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A9)", "\tx"]
    rows = [[formula, "Nom", "69381", ""] for formula in formulas]
    _, status = upload_and_run(pro, semicolon_csv(rows), django_capture_on_commit_callbacks)
    assert status["counters"]["rejected"] == len(formulas)
    download = pro.get(status["rejected_rows_url"])
    text = b"".join(download.streaming_content).decode()
    lines = list(csv.reader(io.StringIO(text, newline="")))
    sirets = [line[1] for line in lines[1:]]
    # a SIRET is read without its spaces; the formula is kept, as text
    assert sirets == ["'" + formula.replace(" ", "") for formula in formulas]
    assert all(not line[3].startswith(("=", "+", "-", "@", "\t", "\r")) for line in lines[1:])


def test_uploads_wait_for_an_import_that_holds_the_lock_and_every_row_lands(pro):
    """Ten uploads from one account while another import runs: none fails, each waits (its
    task retries later), then all are imported."""
    other = raw_connection()
    other.execute(
        "SELECT set_config('application_name', %s, false)",
        [f"{lock.APPLICATION_NAME} {socket.gethostname()} {os.getpid()}"],  # alive: this test
    )
    other.execute("SELECT pg_advisory_lock(%s, %s)", [lock.NAMESPACE, lock.RUN])
    sirets = [[siret(f"2{n:02d}{k:05d}") for k in range(3)] for n in range(10)]
    try:
        ids = []
        for batch in sirets:  # accepted; their tasks are not run here (no commit callbacks)
            content = semicolon_csv([[s, f"Commerce {s}", "69381", ""] for s in batch])
            response = post(pro, content)
            assert response.status_code == 202, response.json()
            ids.append(response.json()["id"])
        for import_log_id in ids:
            with pytest.raises(ImportBusy):
                upload_process(import_log_id=import_log_id)
        assert set(ImportLog.objects.filter(id__in=ids).values_list("status", flat=True)) <= {
            "pending",
            "running",
        }
    finally:
        other.close()
    for import_log_id in ids:  # the retries, once the lock is free
        assert upload_process(import_log_id=import_log_id).status == "success"
    every = [s for batch in sirets for s in batch]
    assert Entreprise.objects.filter(siret__in=every).count() == 30
    assert sorted(ImportLog.objects.filter(id__in=ids).values_list("rows_created", flat=True)) == (
        [3] * 10
    )


def test_a_busy_upload_retries_sooner_then_every_minute():
    waits = [busy_countdown(retries) for retries in range(8)]
    floors = [5, 10, 20, 40, 60, 60, 60, 60]  # then up to 5 s of jitter each
    assert all(floor <= wait < floor + 5 for wait, floor in zip(waits, floors, strict=True))


def test_a_dry_run_counts_and_writes_nothing(pro, django_capture_on_commit_callbacks):
    rows = [[GOOD[0], "Essai", "69381", ""]]
    _, status = upload_and_run(
        pro, semicolon_csv(rows), django_capture_on_commit_callbacks, dry_run="true"
    )
    assert (status["status"], status["dry_run"], status["counters"]["created"]) == (
        "success", True, 1,
    )  # fmt: skip
    assert not Entreprise.objects.exists()
    log = ImportLog.objects.get(pk=status["id"])
    assert (log.dry_run, log.rows_total, log.rejects_file.name) == (True, 1, "")


def test_bad_files_are_refused_with_a_message_and_nothing_stored(pro, settings):
    png = post(pro, PNG, "photo.csv")
    assert png.status_code == 400
    assert (
        png.json()["message"]
        == "Le fichier est un fichier PNG (image/png), pas un CSV ni un classeur XLSX."
    )
    too_big = post(pro, b"siret,nom\n" + b"x" * (11 * 1024 * 1024))
    assert too_big.status_code == 413
    assert too_big.json()["message"] == "La requête fait 11,5 Mo ; un import est limité à 10 Mo."
    header = "siret,nom\n"
    many = (header + "".join(f"{GOOD[0]},N{n}\n" for n in range(50_001))).encode()
    too_many = post(pro, many)
    assert too_many.status_code == 400
    assert too_many.json()["message"] == (
        "Le fichier compte 50 001 lignes ; un import est limité à 50 000 lignes."
    )
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("liste.csv", "siret,nom\n")
    zip_file = post(pro, archive.getvalue(), "liste.zip")
    assert zip_file.status_code == 400
    assert zip_file.json()["message"] == (
        "Le fichier est une archive zip, pas un classeur XLSX ; envoyez le CSV qu'elle contient."
    )
    empty = post(pro, b"siret,nom\n")
    assert (empty.status_code, empty.json()["message"]) == (
        400,
        "Le fichier a une ligne d'en-tête mais aucune ligne de données.",
    )
    assert not ImportLog.objects.exists()


def test_a_pro_sees_only_their_own_imports_and_a_visitor_none(
    pro, django_capture_on_commit_callbacks
):
    _, status = upload_and_run(
        pro, semicolon_csv([[GOOD[0], "A", "69381", ""]]), django_capture_on_commit_callbacks
    )
    other = client_for("pro", "other-pro")
    assert other.get(f"/api/imports/{status['id']}/").status_code == 404
    assert other.get("/api/imports/").json()["results"] == []
    assert [log["id"] for log in pro.get("/api/imports/").json()["results"]] == [status["id"]]
    staff = client_for("admin", "boss")
    assert staff.get(f"/api/imports/{status['id']}/").status_code == 200
    visitor = client_for("visitor")
    refused = post(visitor, semicolon_csv([[GOOD[1], "B", "69381", ""]]))
    assert refused.status_code == 403
    assert refused.json()["message"] == (
        "Seuls les professionnels et les administrateurs peuvent importer des fichiers."
    )
    assert APIClient().get("/api/imports/").status_code == 403


def test_ten_uploads_an_hour_then_429(pro, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None, "imports": "2/hour"},
    }
    content = semicolon_csv([[GOOD[0], "A", "69381", ""]])
    assert [post(pro, content).status_code for _ in range(3)] == [202, 202, 429]
    assert pro.get("/api/imports/").status_code == 200  # reading is not counted


def test_a_script_uploads_with_a_token_and_no_csrf(django_capture_on_commit_callbacks):
    User.objects.create_user(username="robot", password="s3cret-pass", role="pro")
    client = APIClient(enforce_csrf_checks=True)
    refused = client.post("/api/auth/token/", {"username": "robot", "password": "wrong"})
    assert refused.status_code == 400
    token = client.post("/api/auth/token/", {"username": "robot", "password": "s3cret-pass"})
    assert token.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    _, status = upload_and_run(
        client, semicolon_csv([[GOOD[0], "A", "69381", ""]]), django_capture_on_commit_callbacks
    )
    assert (status["status"], status["counters"]["created"]) == ("success", 1)
