"""The beat schedule in the database (django-celery-beat), so that an operator edits it in the
admin; settings.CELERY_BEAT_SCHEDULE gives the entries a new installation starts with.

django-celery-beat's own scheduler writes the settings' entries over the database's at each
start, undoing an operator's edit; this one only adds the entries the database lacks.
"""

from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler


class DefaultsOnceScheduler(DatabaseScheduler):
    def update_from_dict(self, mapping):
        known = set(PeriodicTask.objects.filter(name__in=mapping).values_list("name", flat=True))
        super().update_from_dict({k: v for k, v in mapping.items() if k not in known})
