"""The daily report: what the directory gained the day before, and which imports went wrong."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Q
from django.utils import timezone

from foxreviews.enterprise.models import Entreprise
from foxreviews.imports.models import ImportLog
from foxreviews.reviews.models import Avis
from foxreviews.sponsorship.models import Sponsorisation


@dataclass
class DailyReport:
    day: dt.date
    entreprises: int
    avis: int
    sponsorisations: int
    failed_imports: list[ImportLog]

    @property
    def subject(self) -> str:
        return f"FoxReviews — rapport du {self.day:%d/%m/%Y}"

    def body(self) -> str:
        lines = [
            f"Rapport du {self.day:%d/%m/%Y}",
            "",
            f"Nouvelles entreprises : {self.entreprises:,}".replace(",", " "),
            f"Nouveaux avis : {self.avis:,}".replace(",", " "),
            f"Nouvelles sponsorisations : {self.sponsorisations:,}".replace(",", " "),
            "",
        ]
        if not self.failed_imports:
            lines.append("Imports : aucune erreur.")
        else:
            lines.append(f"Imports en erreur ou avec rejets : {len(self.failed_imports)}")
            for log in self.failed_imports:
                detail = log.error or f"{log.rows_rejected} ligne(s) rejetée(s)"
                lines.append(f"  #{log.pk} {log.get_type_display()} ({log.source}) : {detail}")
        return "\n".join(lines) + "\n"


def daily_report_build(*, day: dt.date) -> DailyReport:
    """The figures of `day` (Paris time), from midnight to midnight."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time()))
    end = start + dt.timedelta(days=1)
    window = {"created_at__gte": start, "created_at__lt": end}
    return DailyReport(
        day=day,
        entreprises=Entreprise.objects.filter(**window).count(),
        avis=Avis.objects.filter(**window).count(),
        sponsorisations=Sponsorisation.objects.filter(**window).count(),
        failed_imports=list(
            ImportLog.objects.filter(finished_at__gte=start, finished_at__lt=end)
            .filter(Q(status=ImportLog.Status.FAILED) | Q(rows_rejected__gt=0))
            .order_by("pk")
        ),
    )


def report_recipients() -> list[str]:
    """settings.ADMINS, and the active staff accounts that have an address."""
    staff = get_user_model().objects.filter(is_active=True, is_staff=True).exclude(email="")
    addresses = [address for _, address in settings.ADMINS]
    addresses += list(staff.order_by("pk").values_list("email", flat=True))
    return list(dict.fromkeys(addresses))


def daily_report_send(*, day: dt.date | None = None) -> DailyReport:
    day = day or timezone.localdate() - dt.timedelta(days=1)
    report = daily_report_build(day=day)
    recipients = report_recipients()
    if recipients:
        send_mail(report.subject, report.body(), None, recipients)
    return report
