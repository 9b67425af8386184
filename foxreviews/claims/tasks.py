"""The e-mail that tells a claimant the staff's decision (queued by the decision's service once
its transaction has committed)."""

from celery import shared_task

from foxreviews.core.mail import send_email

from .models import Revendication

SHOWN = 20  # établissements named in the e-mail (a chain has hundreds)
TEMPLATES = {
    Revendication.Statut.APPROUVEE: "revendication_approuvee",
    Revendication.Statut.REFUSEE: "revendication_refusee",
}


@shared_task(
    name="foxreviews.claims.tasks.revendication_decision_email",
    autoretry_for=(OSError,),  # the SMTP server or the provider out of reach for a while
    retry_backoff=True,
    max_retries=5,
    time_limit=60,
    soft_time_limit=50,
    ignore_result=True,
)
def revendication_decision_email(revendication_id: int) -> str:
    claim = Revendication.objects.select_related("demandeur").filter(pk=revendication_id).first()
    if claim is None or claim.statut not in TEMPLATES:
        return "nothing to send"
    if not claim.demandeur.email:
        return "no address"
    names = claim.demandeur.get_full_name() or claim.demandeur.get_username()
    owned = claim.demandeur.entreprises.filter(siren=claim.siren).order_by("siret")
    entreprises = list(owned[:SHOWN]) if claim.statut == Revendication.Statut.APPROUVEE else []
    autres = owned.count() - SHOWN if len(entreprises) == SHOWN else 0
    context = {"nom": names, "revendication": claim, "entreprises": entreprises, "autres": autres}
    send_email(to=[claim.demandeur.email], template=TEMPLATES[claim.statut], context=context)
    return "sent"
