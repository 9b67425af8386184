"""The daily report, at midnight (queue `reports`)."""

from foxreviews.core.tasks import maintenance_task

from .services import daily_report_send


@maintenance_task("foxreviews.reports.tasks.daily_report", time_limit=600)
def daily_report() -> dict[str, int]:
    report = daily_report_send()
    return {
        "entreprises": report.entreprises,
        "avis": report.avis,
        "sponsorisations": report.sponsorisations,
        "failed_imports": len(report.failed_imports),
    }
