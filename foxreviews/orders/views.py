"""The local test provider's checkout page, /paiement-test/<session>/: the order's amounts,
"Payer" or "Annuler"; each sends the webhook event Stripe Checkout would send. It exists only
while the test provider is the one in use (no Stripe keys)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from .jobs import euros
from .models import Commande
from .payments import (
    TEST,
    local_checkout_cancel,
    local_checkout_ended,
    local_checkout_pay,
    payment_provider,
)
from .selectors import commande_by_session


@require_http_methods(["GET", "POST"])
def checkout_page(request: HttpRequest, session: str) -> HttpResponse:
    if payment_provider().name != TEST:
        raise Http404("Le paiement de test n'est pas activé.")
    commande = commande_by_session(session=session)
    if commande is None:
        raise Http404("Session de paiement inconnue.")
    payable = (
        commande.statut == Commande.Statut.EN_ATTENTE_PAIEMENT
        and commande.reservee_jusqua > timezone.now()
        and not local_checkout_ended(session=session)
    )
    if request.method == "POST":
        action = request.POST.get("action")
        if payable and action == "payer":
            local_checkout_pay(commande=commande)
            return redirect(f"{request.path}?resultat=paye")
        if payable and action == "annuler":
            local_checkout_cancel(commande=commande)
            return redirect(f"{request.path}?resultat=annule")
        status = 409 if not payable else 400
        return render(
            request, "orders/paiement_test.html", _context(commande, False), status=status
        )
    context = _context(commande, payable)
    context["resultat"] = request.GET.get("resultat")
    return render(request, "orders/paiement_test.html", context)


def _context(commande: Commande, payable: bool) -> dict:
    return {
        "commande": commande,
        "payable": payable,
        "entreprise": commande.prolocalisation.entreprise.nom,
        "ht": euros(commande.montant_ht_centimes),
        "tva": euros(commande.tva_centimes),
        "ttc": euros(commande.montant_ttc_centimes),
    }
