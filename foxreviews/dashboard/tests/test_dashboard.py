"""The admin dashboard's page and JSON: who may see them, and each figure, exactly."""

from datetime import timedelta

import pytest
from celery import current_app
from django.db import connection
from django.utils import timezone

from foxreviews.claims.models import Revendication
from foxreviews.dashboard import selectors
from foxreviews.enterprise.tests.factories import EntrepriseFactory, ProLocalisationFactory
from foxreviews.imports.models import ImportCheckpoint, ImportLog
from foxreviews.imports.tasks import upload_process
from foxreviews.imports.tests.workers import tasks_through_the_broker
from foxreviews.orders.models import Commande
from foxreviews.orders.services import commande_place
from foxreviews.orders.tests.factories import fill, market, owned_proloc
from foxreviews.realtime.services import notify_admins, notify_user
from foxreviews.reviews.models import Avis
from foxreviews.reviews.tests.factories import AvisFactory
from foxreviews.stats.services import statistics_refresh
from foxreviews.users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, role="admin"))
    return client


def test_page_and_data_are_for_staff_only(client):
    assert client.get("/admin/dashboard/").status_code == 302  # to the admin's sign-in
    assert client.get("/admin/dashboard/data/").status_code == 403
    client.force_login(UserFactory(role="pro"))
    page = client.get("/admin/dashboard/")
    assert page.status_code == 302 and page["Location"].startswith("/admin/login/")
    data = client.get("/admin/dashboard/data/")
    assert data.status_code == 403
    assert data.json() == {"message": "Réservé à l'équipe.", "extra": {}}


def test_the_admin_index_links_to_it(staff_client):
    page = staff_client.get("/admin/").content.decode()
    assert '<a href="/admin/dashboard/"><strong>Tableau de bord en direct</strong></a>' in page


@pytest.mark.usefixtures("own_geography")  # the factories' communes (69xxx) are its own
def test_the_page_renders_the_figures_and_loads_the_live_client(staff_client):
    AvisFactory.create_batch(3, statut=Avis.Statut.EN_ATTENTE)
    page = staff_client.get("/admin/dashboard/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<strong data-counter="avis_en_attente">3</strong>' in html
    assert 'src="/static/realtime/foxreviews-live.js"' in html
    assert 'src="/static/dashboard/charts.js"' in html
    assert 'id="fx-dashboard-state"' in html
    assert page["Cache-Control"].startswith("max-age=0")


def test_counters_read_materialized_totals_plus_imports_since(reference_data):
    lyon, plombiers = market()
    EntrepriseFactory.create_batch(4, ville=lyon)
    statistics_refresh()
    EntrepriseFactory.create_batch(2, ville=lyon)  # not counted: no import, no recount since
    _log(rows_created=30, finished_at=timezone.now())
    _log(rows_created=500, finished_at=timezone.now(), dry_run=True)  # wrote nothing
    _log(rows_created=700, finished_at=timezone.now(), status=ImportLog.Status.FAILED)
    _log(rows_created=900, finished_at=timezone.now() - timedelta(days=2))  # before the recount

    place = {"entreprise__ville": lyon, "sous_categorie": plombiers}
    ProLocalisationFactory.create_batch(2, **place)
    avis_place = {f"prolocalisation__{k}": v for k, v in place.items()}
    AvisFactory.create_batch(2, statut=Avis.Statut.EN_ATTENTE, **avis_place)
    AvisFactory(statut=Avis.Statut.PUBLIE, **avis_place)
    Revendication.objects.create(
        demandeur=UserFactory(role="pro"),
        siret="73282932000074",
        siren="732829320",
        document_fichier="x.pdf",
        document_type="application/pdf",
        document_taille=10,
    )
    Revendication.objects.create(
        demandeur=UserFactory(role="pro"),
        siret="73282932000074",
        siren="732829320",
        document_fichier="y.pdf",
        document_type="application/pdf",
        document_taille=10,
        statut=Revendication.Statut.REFUSEE,
        motif_refus="Justificatif illisible.",
        decide_le=timezone.now(),
    )
    orders = []
    for _ in range(3):
        proloc = owned_proloc()
        orders.append(commande_place(
            user=proloc.entreprise.owner, prolocalisation_id=proloc.pk, duree_mois=3
        ))  # fmt: skip
    month_start = selectors.month_start()
    Commande.objects.filter(pk=orders[0].pk).update(payee_le=month_start)
    Commande.objects.filter(pk=orders[1].pk).update(payee_le=month_start - timedelta(seconds=1))
    _active, ended = fill(2)
    ended.date_debut = timezone.now() - timedelta(days=40)
    ended.date_fin = timezone.now() - timedelta(minutes=1)
    ended.save()

    counters = selectors.counters()
    refreshed_at = counters.pop("stats_refreshed_at")
    assert refreshed_at is not None
    assert counters == {
        # 4 counted by the recount, 30 created by an import since; the others were created
        # after the recount, by no import: the next recount counts them
        "entreprises": 4 + 30,
        "prolocalisations": 2 + 3 + 2 + 3,  # no ANALYZE yet: an exact count
        "prolocalisations_estimee": False,
        "avis_en_attente": 2,
        "revendications_en_attente": 1,
        "sponsorisations_actives": 1,
        "commandes_payees_mois": 1,
    }


def test_imports_in_progress_with_their_bars():
    running = _log(status=ImportLog.Status.RUNNING, rows_total=1000, finished_at=None)
    for n, done in enumerate((150, 100)):
        ImportCheckpoint.objects.create(
            file_key=f"k{n}", source="f.csv", import_log=running, records_done=done
        )
    pending = _log(status=ImportLog.Status.PENDING, rows_total=None, finished_at=None)
    ended = _log(rows_read=80, rows_total=80, finished_at=timezone.now())
    _log(rows_read=80, finished_at=timezone.now() - timedelta(hours=1))  # ended too long ago
    runs = {run["id"]: run for run in selectors.imports_live()}
    assert set(runs) == {running.pk, pending.pk, ended.pk}
    bars = {k: (r["rows_done"], r["rows_total"], r["percent"], r["live"]) for k, r in runs.items()}
    assert bars == {
        running.pk: (250, 1000, 25, True),
        pending.pk: (0, None, None, True),
        ended.pk: (80, 80, 100, False),
    }
    assert runs[running.pk]["url"] == f"/admin/imports/importlog/{running.pk}/change/"
    assert runs[running.pk]["status_label"] == "En cours"


def test_rows_imported_per_day_lists_every_day():
    now = timezone.localtime()
    _log(rows_read=10, finished_at=now)
    _log(rows_read=5, finished_at=now)
    _log(rows_read=7, finished_at=now - timedelta(days=3))
    _log(rows_read=99, finished_at=now, dry_run=True)
    _log(rows_read=99, finished_at=now - timedelta(days=31))
    days = selectors.rows_imported_per_day()
    assert len(days) == 30
    assert days[-1] == {"day": now.date().isoformat(), "rows": 15}
    assert days[-4] == {"day": (now - timedelta(days=3)).date().isoformat(), "rows": 7}
    assert sum(d["rows"] for d in days) == 22


def test_the_feed_is_the_staffs_stream_described_with_links(django_capture_on_commit_callbacks):
    notify_admins(payload={"event": "revendication.pending", "revendication": 12,
                           "siret": "73282932000074", "siren": "732829320", "statut": "en_attente",
                           "motif": ""})  # fmt: skip
    notify_admins(payload={"event": "import.progress", "import_log": 3})  # a bar, not a line
    notify_user(user_id=99, payload={"event": "import.finished", "import_log": 4})  # not staff's
    notify_admins(
        payload={"event": "avis.en_attente", "type": "avis.en_attente",
                 "data": {"avis": 7, "prolocalisation": 5, "note": 2, "statut": "en_attente"}}
    )  # fmt: skip
    events = selectors.recent_events()
    assert [(e["type"], e["label"], e["summary"], e["url"]) for e in events] == [
        ("avis.en_attente", "Avis à modérer", "Avis n° 7 (2/5) sur la pro-localisation n° 5",
         "/admin/reviews/avis/7/change/"),
        ("revendication.pending", "Revendication à décider",
         "Revendication n° 12 (SIRET 73282932000074)", "/admin/claims/revendication/12/change/"),
    ]  # fmt: skip


def test_data_endpoint_answers_everything_in_bounded_queries(
    staff_client, django_assert_max_num_queries, reference_data
):
    _log(status=ImportLog.Status.RUNNING, rows_total=10, finished_at=None)
    fill(1)
    with django_assert_max_num_queries(6):  # session, user, counters, imports (2), per day
        body = staff_client.get("/admin/dashboard/data/").json()
    assert set(body) == {
        "counters", "imports", "rows_per_day", "api", "queues", "workers", "events",
        "generated_at",
    }  # fmt: skip
    assert body["counters"]["sponsorisations_actives"] == 1
    assert [q["name"] for q in body["queues"]] == [
        "default",
        "imports",
        "insee",
        "maintenance",
        "reports",
        "backups",
        "ai",
    ]
    assert all(q["waiting"] == 0 for q in body["queues"])  # this run's queues, empty
    assert body["workers"]["reachable"] is True and body["workers"]["names"] == []
    assert len(body["api"]) == 60


def test_queue_lengths_count_the_messages_waiting():
    with tasks_through_the_broker():
        upload_process.delay(999_999)
        upload_process.apply_async(args=[999_998], priority=9)  # another priority's list
    try:
        waiting = {q["name"]: q["waiting"] for q in selectors.queues()}
        assert waiting == {
            "default": 0, "imports": 2, "insee": 0, "maintenance": 0, "reports": 0, "backups": 0,
            "ai": 0,
        }  # fmt: skip
    finally:
        current_app.control.purge()


def _log(**fields) -> ImportLog:
    values = {"type": ImportLog.Type.CSV, "status": ImportLog.Status.SUCCESS,
              "source": "liste.csv", **fields}  # fmt: skip
    return ImportLog.objects.create(**values)


def test_a_big_table_is_estimated_not_counted(reference_data, monkeypatch):
    lyon, plombiers = market()
    ProLocalisationFactory.create_batch(3, entreprise__ville=lyon, sous_categorie=plombiers)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE enterprise_prolocalisation")
    monkeypatch.setattr(selectors, "EXACT_COUNT_BELOW", 2)
    counters = selectors.counters()
    assert (counters["prolocalisations"], counters["prolocalisations_estimee"]) == (3, True)
    monkeypatch.setattr(selectors, "EXACT_COUNT_BELOW", 3)
    counters = selectors.counters()
    assert (counters["prolocalisations"], counters["prolocalisations_estimee"]) == (3, False)


def test_health_detailed_is_staff_only(client):
    assert client.get("/health/detailed/").status_code == 403
    client.force_login(UserFactory(is_staff=False))
    response = client.get("/health/detailed/")
    assert response.status_code == 403
    assert response.json() == {"message": "Réservé à l'équipe.", "extra": {}}


def test_health_detailed_says_versions_queues_runs_disk_backup(staff_client, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.BACKUP_DIR = str(tmp_path / "none")
    done = timezone.now() - timedelta(hours=1)
    sync = ImportLog.objects.create(type=ImportLog.Type.SIRENE_API, status="success",
                                    finished_at=done, rows_read=12)  # fmt: skip
    csv = ImportLog.objects.create(type=ImportLog.Type.CSV, status="partial",
                                   finished_at=done - timedelta(hours=1), rows_read=7)  # fmt: skip
    ImportLog.objects.create(type=ImportLog.Type.CSV, status="running")  # not finished
    body = staff_client.get("/health/detailed/").json()
    assert body["versions"]["foxreviews"] == "0.1.0"
    assert body["versions"]["postgresql"].split(".")[0] == str(connection.pg_version // 10000)
    assert [q["name"] for q in body["queues"]] == [q.name for q in current_app.conf.task_queues]
    assert all(isinstance(q["waiting"], int) for q in body["queues"])
    assert body["last_runs"]["sync"] == {"id": sync.pk, "type": "sirene_api", "status": "success",
        "finished_at": done.isoformat(timespec="seconds"), "rows_read": 12}  # fmt: skip
    assert body["last_runs"]["import"]["id"] == csv.pk
    assert body["replica_lag_seconds"] is None
    assert body["disk"]["path"] == str(tmp_path) and body["disk"]["free_bytes"] > 0
    assert body["backup"] == {"last": None, "age_hours": None}
    assert set(body["workers"]) == {"names", "reachable", "checked_at"}
