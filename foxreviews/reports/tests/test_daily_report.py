"""The daily report: yesterday's figures, e-mailed to the admins at midnight."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from foxreviews.enterprise.models import Entreprise
from foxreviews.enterprise.tests.factories import EntrepriseFactory, ProLocalisationFactory
from foxreviews.imports.models import ImportLog
from foxreviews.reports.tasks import daily_report
from foxreviews.reviews.models import Avis
from foxreviews.sponsorship.models import Sponsorisation
from foxreviews.users.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("own_geography")]


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def test_the_report_counts_yesterday_only_and_goes_to_the_admins(settings):
    settings.ADMINS = [("", "ops@example.org")]
    User.objects.create_user("boss", email="boss@example.org", is_staff=True)
    User.objects.create_user("pro", email="pro@example.org")  # not an admin: no report
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    proloc = ProLocalisationFactory()
    EntrepriseFactory.create_batch(2)
    Entreprise.objects.update(created_at=_at(yesterday, 10))
    EntrepriseFactory()  # today's: in tomorrow's report
    for hour in (1, 23):
        avis = Avis.objects.create(prolocalisation=proloc, note=5, texte="Très bien",
                                   auteur_nom="Anne")  # fmt: skip
        Avis.objects.filter(pk=avis.pk).update(created_at=_at(yesterday, hour))
    Sponsorisation.objects.create(
        prolocalisation=proloc, date_debut=timezone.now(),
        date_fin=timezone.now() + dt.timedelta(days=30),
        montant=Decimal("49"),
    )  # fmt: skip
    Sponsorisation.objects.update(created_at=_at(yesterday, 12))
    failed = ImportLog.objects.create(type="csv", status="failed", source="liste.csv",
                                      error="The file is empty.",
                                      finished_at=_at(yesterday, 9))  # fmt: skip
    ImportLog.objects.create(type="csv", status="success", source="ok.csv",
                             finished_at=_at(yesterday, 9))  # fmt: skip

    assert daily_report.delay().get() == {
        "entreprises": 3, "avis": 2, "sponsorisations": 1, "failed_imports": 1,
    }  # fmt: skip
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ops@example.org", "boss@example.org"]
    assert message.subject == f"FoxReviews — rapport du {yesterday:%d/%m/%Y}"
    assert "Nouvelles entreprises : 3\n" in message.body
    assert "Nouveaux avis : 2\n" in message.body
    assert "Nouvelles sponsorisations : 1\n" in message.body
    assert f"#{failed.pk} Fichier CSV (liste.csv) : The file is empty." in message.body
    assert "ok.csv" not in message.body


def test_by_default_the_report_is_a_file_under_var(tmp_path, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    settings.ADMINS = [("", "ops@example.org")]
    daily_report.delay().get()
    files = list((tmp_path / "mail").iterdir())
    assert len(files) == 1 and "To: ops@example.org" in files[0].read_text()
