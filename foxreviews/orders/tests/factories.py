"""Order test helpers: a pro who owns a pro-localisation in a real ville (Lyon: the grande
band), the market's slots filled by sponsorisations, signed webhook events."""

import asyncio
import json
from datetime import timedelta
from decimal import Decimal

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.utils import timezone

from foxreviews.category.models import NafCode
from foxreviews.enterprise.tests.factories import ProLocalisationFactory
from foxreviews.location.models import Ville
from foxreviews.orders.payments import sign
from foxreviews.realtime.consumers import user_group
from foxreviews.sponsorship.models import Sponsorisation
from foxreviews.users.tests.factories import UserFactory

LYON = "69123"


def market():
    """Lyon and the plumbers' sous-catégorie (NAF 43.22A, catégorie bâtiment)."""
    return Ville.objects.get(code_insee=LYON), NafCode.objects.get(code="43.22A").sous_categorie


def owned_proloc(owner=None, *, place=None):
    ville, sous_categorie = place or market()
    owner = owner or UserFactory(role="pro")
    return ProLocalisationFactory(
        entreprise__ville=ville, entreprise__owner=owner, entreprise__nom="Plomberie Éloïse & Fils",
        sous_categorie=sous_categorie,
    )  # fmt: skip


def fill(slots: int, *, place=None, days_left: int = 20) -> list[Sponsorisation]:
    """`slots` of the market taken by sponsorisations typed in the admin."""
    now = timezone.now()
    return [
        Sponsorisation.objects.create(
            prolocalisation=owned_proloc(place=place),
            date_debut=now - timedelta(days=1),
            date_fin=now + timedelta(days=days_left + n),
            montant=Decimal("79.00"),
        )
        for n in range(slots)
    ]


def signed_event(kind: str, obj: dict, *, event_id: str, secret: str | None = None):
    payload = json.dumps({"id": event_id, "object": "event", "type": kind, "data": {"object": obj}})
    return payload, sign(payload, secret=secret)


def listen(user_id: int):
    """A channel in the group of `user_id`: the returned function reads what it received."""
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(user_group(user_id), channel)

    async def received() -> list[dict]:
        payloads = []
        while True:
            try:
                message = await asyncio.wait_for(layer.receive(channel), timeout=0.3)
            except TimeoutError:
                return payloads
            payloads.append(message["payload"])

    return lambda: async_to_sync(received)()
