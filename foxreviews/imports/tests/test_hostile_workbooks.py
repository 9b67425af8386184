"""Files made to hurt their reader (issue 22, cases 1, 2 and 5): the request reads only the ZIP
directory; the worker reads under caps (small ones here, set by settings) and fails with one
line naming the cap, nothing written, no work file left."""

import io
import time
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from foxreviews.enterprise.models import Entreprise
from foxreviews.imports.models import ImportLog
from foxreviews.imports.services import upload_folder
from foxreviews.imports.tests.stock_rows import siret
from foxreviews.imports.tests.uploading import post, upload_and_run
from foxreviews.imports.tests.workbooks import rows_xml, shared_strings, sheet, workbook
from foxreviews.imports.tests.workers import imports_worker, tasks_through_the_broker, wait_ended
from foxreviews.imports.upload_budget import ReadBudget
from foxreviews.imports.uploads import upload_accept
from foxreviews.imports.xlsx_reader import xlsx_rows
from foxreviews.users.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]
HEADER = ["siret", "nom", "code_commune"]
ROWS = [[siret(f"5555{n:04d}"), f"Boulangerie {n}", "69381"] for n in range(8)]


def failed_with(client, content: bytes, capture) -> str:
    """Uploads `content`: accepted at once, then failed by the worker; its one-line error."""
    _, status = upload_and_run(client, content, capture, name="liste.xlsx")
    assert status["status"] == "failed", status
    assert not Entreprise.objects.exists()
    assert no_work_files(status["id"])
    return status["error"]


def no_work_files(import_log_id: int) -> bool:
    """Neither the table handed to the import nor its rejected rows stayed behind."""
    folder = upload_folder()
    return not any(
        (folder / name).exists()
        for name in (f"{import_log_id}.csv", f"{import_log_id}.rejected.csv")
    )


def test_a_huge_tag_before_the_dimension_is_cut_at_the_tag_cap(
    pro, settings, django_capture_on_commit_callbacks
):
    settings.UPLOAD_MAX_COMPRESSION_RATIO = 100_000  # past the request's check, to the worker's
    huge = sheet(rows_xml([HEADER, *ROWS]), head=f'<sheetPr codeName="{"x" * 2_000_000}"/>')
    assert failed_with(pro, workbook(huge), django_capture_on_commit_callbacks) == (
        "Le classeur contient une balise XML de plus de 262 144 octets ; ce n'est pas un "
        "classeur de tableur."
    )


def test_a_cell_beyond_a_spreadsheets_limit_fails_without_being_read_whole(
    pro, django_capture_on_commit_callbacks
):
    long = sheet(rows_xml([HEADER, [ROWS[0][0], "x" * 40_000, "69381"]]))
    assert failed_with(pro, workbook(long), django_capture_on_commit_callbacks) == (
        "Une cellule (B2) dépasse 32 767 caractères, la limite d'une cellule de tableur."
    )
    # 50 MB in one cell: the read stops at the cap, holding a few chunks, not the cell
    fifty = workbook(sheet(rows_xml([HEADER, [ROWS[0][0], "x" * 50_000_000, "69381"]])))
    tracemalloc.start()
    try:
        with pytest.raises(Exception, match="dépasse 32 767 caractères"):
            list(xlsx_rows(io.BytesIO(fifty), ReadBudget()))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2_000_000


def test_shared_strings_are_capped_in_number_and_length(
    pro, settings, django_capture_on_commit_callbacks
):
    settings.UPLOAD_MAX_SHARED_STRINGS = 100
    many = workbook(sheet(rows_xml([HEADER, ROWS[0]])), shared_strings(str(n) for n in range(101)))
    assert failed_with(pro, many, django_capture_on_commit_callbacks) == (
        "Le classeur a plus de 100 textes partagés (sharedStrings) ; enregistrez-le en CSV."
    )
    long = workbook(sheet(rows_xml([HEADER, ROWS[0]])), shared_strings(["a", "y" * 33_000]))
    assert failed_with(pro, long, django_capture_on_commit_callbacks) == (
        "Une cellule (texte partagé n° 2) dépasse 32 767 caractères, la limite d'une cellule "
        "de tableur."
    )


def test_one_long_shared_string_named_in_every_cell_is_capped_as_a_table(
    pro, settings, django_capture_on_commit_callbacks
):
    settings.UPLOAD_MAX_UNCOMPRESSED_BYTES = 1_000_000
    body = rows_xml([HEADER]) + "".join(
        f'<row r="{n}"><c r="A{n}" t="s"><v>0</v></c><c r="B{n}" t="s"><v>0</v></c></row>'
        for n in range(2, 200)
    )
    amplified = workbook(sheet(body), shared_strings(["z" * 30_000]))
    assert failed_with(pro, amplified, django_capture_on_commit_callbacks) == (
        "Le tableau dépasse 1,0 Mo une fois lu ; découpez-le en plusieurs fichiers."
    )


def test_a_lying_dimension_neither_truncates_nor_lifts_the_row_cap(
    pro, settings, django_capture_on_commit_callbacks
):
    lying = '<dimension ref="A1:C2"/>'
    honest_rows = workbook(sheet(rows_xml([HEADER, *ROWS[:4]]), head=lying))
    _, status = upload_and_run(pro, honest_rows, django_capture_on_commit_callbacks, "l.xlsx")
    assert (status["status"], status["counters"]["created"], status["progress"]["rows_total"]) == (
        "success", 4, 4,
    )  # fmt: skip
    Entreprise.objects.all().delete()
    settings.UPLOAD_MAX_ROWS = 5
    too_many = workbook(sheet(rows_xml([HEADER, *ROWS]), head=lying))
    assert failed_with(pro, too_many, django_capture_on_commit_callbacks) == (
        "Le fichier compte plus de 5 lignes ; un import est limité à 5 lignes."
    )


def test_decompressed_bytes_columns_and_time_are_capped(
    pro, settings, django_capture_on_commit_callbacks
):
    settings.UPLOAD_MAX_COLUMNS = 3
    wide = workbook(sheet(rows_xml([[*HEADER, "en trop"], [*ROWS[0], "x"]])))
    assert failed_with(pro, wide, django_capture_on_commit_callbacks) == (
        "La ligne 1 a plus de 3 colonnes ; un import en lit au plus 3."
    )
    big = workbook(sheet(rows_xml([HEADER, *ROWS]) + "<row/>" * 60_000))  # 360 kB of XML
    with django_capture_on_commit_callbacks() as queued:
        accepted = post(pro, big, "liste.xlsx")
    settings.UPLOAD_MAX_UNCOMPRESSED_BYTES = 300_000  # lowered while the upload waited
    queued[0]()
    assert ImportLog.objects.get(pk=accepted.json()["id"]).error == (
        "Le fichier dépasse 0,3 Mo une fois décompressé ; découpez-le en plusieurs fichiers."
    )
    settings.UPLOAD_MAX_UNCOMPRESSED_BYTES = 100_000_000
    settings.UPLOAD_MAX_READ_SECONDS = 0
    slow = workbook(sheet(rows_xml([HEADER, *ROWS])))
    assert failed_with(pro, slow, django_capture_on_commit_callbacks) == (
        "La lecture du fichier a dépassé 0 secondes ; découpez-le en plusieurs fichiers."
    )


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_read_beyond_its_memory_cap_fails_and_the_cap_is_lifted(settings, tmp_path):
    # in a worker process of its own, as in production: the cap counts what the process maps
    # beyond what it holds, and a test process's freed memory could absorb the whole read
    settings.UPLOAD_MAX_COMPRESSION_RATIO = 1_000
    user = User.objects.create_user("pro", role="pro")
    strings = shared_strings(f"texte numéro {n:07d}" for n in range(600_000))  # ~60 MB of str
    hungry = workbook(sheet(rows_xml([HEADER, ROWS[0]])), strings)
    fits = workbook(sheet(rows_xml([HEADER, *ROWS])))
    deadline, caps = time.monotonic() + 120, {"UPLOAD_READ_MAX_MEMORY_MB": "16",
                                             "UPLOAD_MAX_COMPRESSION_RATIO": "1000"}  # fmt: skip
    with tasks_through_the_broker(), imports_worker(tmp_path / "worker.log", "capped", **caps):
        failed = upload_accept(upload=SimpleUploadedFile("liste.xlsx", hungry), user=user)
        wait_ended(failed, deadline=deadline)
        # the process got its memory back: the next file is imported
        imported = upload_accept(upload=SimpleUploadedFile("l.xlsx", fits), user=user)
        wait_ended(imported, deadline=deadline)
    assert (failed.status, failed.error) == (
        ImportLog.Status.FAILED,
        "La lecture du fichier demande plus de 16 Mo de mémoire ; découpez-le, ou "
        "enregistrez-le en CSV.",
    ), (tmp_path / "worker.log").read_text()[-2000:]
    assert no_work_files(failed.pk)
    assert (imported.status, imported.rows_created) == (ImportLog.Status.SUCCESS, 8)


def test_a_dtd_is_refused_so_no_entity_expands(pro, django_capture_on_commit_callbacks):
    laughs = '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    bomb = sheet(
        rows_xml([HEADER, [ROWS[0][0], "&b;", "69381"]]).replace("&amp;b;", "&b;"), before=laughs
    )
    assert failed_with(pro, workbook(bomb), django_capture_on_commit_callbacks) == (
        "Le classeur XLSX est illisible : il déclare une DTD, ce qu'un classeur ne fait jamais"
    )


def test_the_request_reads_only_the_zip_directory(pro, settings):
    # 40 MB of XML compressed 1,000 times: refused from the directory, its XML never opened
    bomb = workbook(sheet(rows_xml([HEADER]) + "<row/>" * 6_000_000), level=9)
    refused = post(pro, bomb, "liste.xlsx")
    assert (refused.status_code, refused.json()["message"]) == (
        400,
        "Une partie du classeur (xl/worksheets/sheet1.xml) se décompresse plus de 100 fois : "
        "refusé (bombe de décompression).",
    )
    settings.UPLOAD_MAX_UNCOMPRESSED_BYTES = 1_000_000
    settings.UPLOAD_MAX_COMPRESSION_RATIO = 100_000
    too_big = post(pro, bomb, "liste.xlsx")
    assert (too_big.status_code, too_big.json()["message"]) == (
        400,
        "Le classeur fait 36,0 Mo une fois décompressé ; un import est limité à 1,0 Mo. "
        "Découpez-le, ou enregistrez-le en CSV.",
    )
    crowded = io.BytesIO()
    with zipfile.ZipFile(crowded, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for n in range(5_000):
            archive.writestr(f"xl/media/{'image' * 10}{n}.png", b"")
    many = post(pro, crowded.getvalue(), "liste.xlsx")
    assert (many.status_code, many.json()["message"]) == (
        400,
        "L'archive a un répertoire de plus de 0,3 Mo ; ce n'est pas un classeur XLSX.",
    )
    assert not ImportLog.objects.exists()


def test_a_csv_cell_beyond_a_spreadsheets_limit_fails(pro, django_capture_on_commit_callbacks):
    for length in (40_000, 200_000):  # under and over the csv module's own field limit
        content = f"siret,nom\n{ROWS[0][0]},{'x' * length}\n".encode()
        _, status = upload_and_run(pro, content, django_capture_on_commit_callbacks)
        assert no_work_files(status["id"])
        assert (status["status"], status["error"]) == (
            "failed",
            "Une cellule (ligne 2) dépasse 32 767 caractères, la limite d'une cellule de tableur.",
        )
