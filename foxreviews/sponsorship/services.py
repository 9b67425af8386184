"""Writes on sponsorisations."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from .models import Sponsorisation


@transaction.atomic
def sponsorisations_expire(*, now: datetime | None = None) -> int:
    """Deactivate every sponsorisation whose end has passed; returns how many."""
    now = now or timezone.now()
    return Sponsorisation.objects.filter(is_active=True, date_fin__lte=now).update(
        is_active=False, updated_at=now
    )
