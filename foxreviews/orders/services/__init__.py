"""Writes on sponsorship orders: the price grid (tarifs), an order's life (commandes), the
payment provider's webhook (webhook) and the periodic sweep (sweeps)."""

from .commandes import (
    HOLD,
    CommandeConflict,
    CommandeForbidden,
    CommandeNotFound,
    PaymentUnavailable,
    add_months,
    commande_activate,
    commande_cancel,
    commande_create,
    commande_expire,
    commande_pay,
    commande_place,
    commande_refund,
    commande_refund_request,
)
from .sweeps import commandes_remind, commandes_sweep
from .tarifs import tarifs_load
from .webhook import WebhookRefused, payment_webhook_process

__all__ = [
    "HOLD", "CommandeConflict", "CommandeForbidden", "CommandeNotFound", "PaymentUnavailable",
    "WebhookRefused", "add_months", "commande_activate", "commande_cancel", "commande_create",
    "commande_expire", "commande_pay", "commande_place", "commande_refund",
    "commande_refund_request", "commandes_remind", "commandes_sweep", "payment_webhook_process",
    "tarifs_load",
]  # fmt: skip
