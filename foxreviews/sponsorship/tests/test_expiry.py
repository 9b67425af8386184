from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError
from django.utils import timezone

from foxreviews.enterprise.tests.factories import ProLocalisationFactory
from foxreviews.sponsorship.models import Sponsorisation
from foxreviews.sponsorship.tasks import expire_sponsorisations

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("own_geography")]


def _sponsorisation(proloc, *, start, end) -> Sponsorisation:
    return Sponsorisation.objects.create(
        prolocalisation=proloc, date_debut=start, date_fin=end, montant=Decimal("49.00")
    )


def test_the_beat_task_deactivates_only_ended_sponsorisations():
    proloc = ProLocalisationFactory()
    now = timezone.now()
    ended = _sponsorisation(proloc, start=now - timedelta(days=30), end=now - timedelta(minutes=1))
    running = _sponsorisation(proloc, start=now - timedelta(days=1), end=now + timedelta(days=29))

    assert expire_sponsorisations.delay().get() == 1

    ended.refresh_from_db()
    running.refresh_from_db()
    assert ended.is_active is False
    assert running.is_active is True
    assert expire_sponsorisations.delay().get() == 0


def test_a_sponsorisation_must_end_after_it_starts():
    proloc = ProLocalisationFactory()
    now = timezone.now()
    with pytest.raises(IntegrityError, match="sponso_fin_after_debut"):
        _sponsorisation(proloc, start=now, end=now - timedelta(days=1))
