"""The dashboard's feed: an event of the staff's stream as a line a person reads (in French),
with a link to the admin page of what it is about."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from foxreviews.realtime.events import Envelope

LABELS = {
    "import.started": "Import démarré",
    "import.progress": "Import en cours",
    "import.finished": "Import terminé",
    "import.failed": "Import échoué",
    "insee.sync.finished": "Synchronisation INSEE terminée",
    "avis.en_attente": "Avis à modérer",
    "avis.pending": "Avis à modérer",
    "avis.signale": "Avis signalé",
    "avis.flagged": "Avis signalé",
    "revendication.pending": "Revendication à décider",
    "order.paid": "Commande payée",
    "order.paid_without_slot": "Commande payée sans place libre",
    "order.cancelled": "Commande annulée",
    "order.refunded": "Commande remboursée",
    "sponsorship.expiring": "Sponsorisation bientôt expirée",
    "sponsorship.expired": "Sponsorisation expirée",
}
# the field of an event's data that names the object, and that object's admin page
LINKS = (
    ("import_log", "admin:imports_importlog_change"),
    ("avis", "admin:reviews_avis_change"),
    ("revendication", "admin:claims_revendication_change"),
    ("commande", "admin:orders_commande_change"),
)


def event_data(event: Envelope) -> dict[str, Any]:
    """The event's own fields: an older payload `{"type", "data": {...}}` carried whole in
    `data` is unwrapped."""
    data = event.get("data") or {}
    inner = data.get("data")
    if isinstance(inner, dict) and data.get("type") == event["type"]:
        return inner
    return data


def describe(event: Envelope) -> dict[str, Any]:
    data = event_data(event)
    url = None
    for field, name in LINKS:
        value = data.get(field)
        if isinstance(value, int) and not isinstance(value, bool):
            url = reverse(name, args=[value])
            break
    return {
        "id": event["id"],
        "at": event["at"],
        "type": event["type"],
        "label": LABELS.get(event["type"], event["type"]),
        "summary": _summary(event["type"], data),
        "url": url,
    }


def _summary(kind: str, data: dict[str, Any]) -> str:
    family = kind.split(".", 1)[0]
    if family in ("import", "insee"):
        text = f"Import n° {data.get('import_log', '?')}"
        if kind == "import.started":
            total = data.get("rows_total")
            return text + (f" : {_n(total)} lignes à lire" if isinstance(total, int) else "")
        if "rows_read" in data:
            text += f" : {_n(data.get('rows_read'))} lignes lues"
            text += f", {_n(data.get('rows_created'))} créées"
            if data.get("rows_rejected"):
                text += f", {_n(data['rows_rejected'])} rejetées"
        if data.get("error"):
            text += f" ; {str(data['error'])[:120]}"
        return text
    if family == "avis":
        return (
            f"Avis n° {data.get('avis', '?')} ({data.get('note', '?')}/5) "
            f"sur la pro-localisation n° {data.get('prolocalisation', '?')}"
        )
    if family == "revendication":
        return f"Revendication n° {data.get('revendication', '?')} (SIRET {data.get('siret', '?')})"
    if family in ("order", "sponsorship"):
        text = f"Commande n° {data.get('commande', '?')}"
        if data.get("entreprise"):
            text += f" : {str(data['entreprise'])[:80]}"
        if isinstance(data.get("montant_ttc_centimes"), int):
            text += f", {data['montant_ttc_centimes'] / 100:.2f} € TTC".replace(".", ",")
        return text
    return ""


def _n(value: Any) -> str:
    return f"{value:,}".replace(",", "\u202f") if isinstance(value, int) else "?"
