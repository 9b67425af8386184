"""Sponsorship orders: the price grid, the slots of a (sous-catégorie, ville), the orders,
their audit trail and the payment events already processed."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from foxreviews.core.models import TimeStampedModel

SLOTS_PER_MARKET = 3  # sponsored pro-localisations at once per sous-catégorie and ville
DUREES_MOIS = (1, 3, 12)
TVA_PERCENT = 20


class BandeVille(models.TextChoices):
    """Ville size bands (INSEE's population légale); thresholds in `bande_of`."""

    VILLAGE = "village", "Moins de 2 000 habitants"
    PETITE = "petite", "De 2 000 à 19 999 habitants"
    MOYENNE = "moyenne", "De 20 000 à 99 999 habitants"
    GRANDE = "grande", "100 000 habitants et plus"


def bande_of(population: int | None) -> str:
    """2 000: INSEE's threshold of an urban commune; 20 000 and 100 000: the ANCT's villes
    moyennes and the grandes villes. Unknown population: the smallest band."""
    population = population or 0
    if population >= 100_000:
        return BandeVille.GRANDE
    if population >= 20_000:
        return BandeVille.MOYENNE
    if population >= 2_000:
        return BandeVille.PETITE
    return BandeVille.VILLAGE


class Tarif(models.Model):
    """The price (HT, in cents) of a sponsorship in a catégorie, a ville size band and a
    duration; loaded from data/tarifs.csv when missing, then edited in the admin."""

    categorie = models.ForeignKey(
        "category.Categorie", on_delete=models.CASCADE, related_name="tarifs"
    )
    bande = models.CharField("taille de ville", max_length=10, choices=BandeVille.choices)
    duree_mois = models.PositiveSmallIntegerField(
        "durée (mois)", choices=[(d, f"{d} mois") for d in DUREES_MOIS]
    )
    prix_ht_centimes = models.PositiveIntegerField("prix HT (centimes)")

    class Meta:
        verbose_name = "tarif de sponsorisation"
        ordering = ["categorie", "bande", "duree_mois"]
        constraints = [
            models.UniqueConstraint(
                fields=["categorie", "bande", "duree_mois"], name="tarif_cat_bande_duree_uniq"
            ),
            models.CheckConstraint(
                condition=Q(duree_mois__in=DUREES_MOIS), name="tarif_duree_allowed"
            ),
            models.CheckConstraint(condition=Q(prix_ht_centimes__gt=0), name="tarif_prix_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.categorie_id} {self.bande} {self.duree_mois} mois"


class Marche(models.Model):
    """One sous-catégorie in one ville: the scarce slots sold. Its row is locked (SELECT ...
    FOR UPDATE) while an order counts and takes a slot, so two orders never take the last one."""

    sous_categorie = models.ForeignKey(
        "category.SousCategorie", on_delete=models.CASCADE, related_name="+"
    )
    ville = models.ForeignKey("location.Ville", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = "marché de sponsorisation"
        constraints = [
            models.UniqueConstraint(fields=["sous_categorie", "ville"], name="marche_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.sous_categorie_id} @ {self.ville_id}"


class Commande(TimeStampedModel):
    class Statut(models.TextChoices):
        EN_ATTENTE_PAIEMENT = "en_attente_paiement", "En attente de paiement"
        PAYEE = "payee", "Payée"
        ACTIVE = "active", "Active"
        EXPIREE = "expiree", "Expirée"
        ANNULEE = "annulee", "Annulée"
        REMBOURSEE = "remboursee", "Remboursée"

    prolocalisation = models.ForeignKey(
        "enterprise.ProLocalisation", on_delete=models.PROTECT, related_name="commandes"
    )
    marche = models.ForeignKey(Marche, on_delete=models.PROTECT, related_name="commandes")
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="commandes"
    )
    statut = models.CharField(
        max_length=20, choices=Statut.choices, default=Statut.EN_ATTENTE_PAIEMENT
    )
    duree_mois = models.PositiveSmallIntegerField("durée (mois)")
    montant_ht_centimes = models.PositiveIntegerField("montant HT (centimes)")
    tva_centimes = models.PositiveIntegerField("TVA (centimes)")
    montant_ttc_centimes = models.PositiveIntegerField("montant TTC (centimes)")
    reservee_jusqua = models.DateTimeField("place réservée jusqu'à")
    fournisseur = models.CharField("fournisseur de paiement", max_length=20)
    session_paiement = models.CharField("session de paiement", max_length=255, blank=True)
    url_paiement = models.URLField(max_length=2000, blank=True)
    paiement_reference = models.CharField("référence du paiement", max_length=255, blank=True)
    payee_le = models.DateTimeField("payée le", null=True, blank=True)
    sponsorisation = models.OneToOneField(
        "sponsorship.Sponsorisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="commande",
    )
    rappel_expiration_le = models.DateTimeField(
        "rappel d'expiration envoyé le", null=True, blank=True
    )

    class Meta:
        verbose_name = "commande de sponsorisation"
        verbose_name_plural = "commandes de sponsorisation"
        constraints = [
            models.UniqueConstraint(
                fields=["session_paiement"],
                name="commande_session_uniq",
                condition=~Q(session_paiement=""),
            ),
            models.CheckConstraint(
                condition=Q(montant_ttc_centimes=F("montant_ht_centimes") + F("tva_centimes")),
                name="commande_ttc_is_ht_plus_tva",
            ),
            models.CheckConstraint(
                condition=Q(duree_mois__in=DUREES_MOIS), name="commande_duree_allowed"
            ),
            # one live order per pro-localisation (a lapsed hold is cancelled before another)
            models.UniqueConstraint(
                fields=["prolocalisation"],
                name="commande_one_live_per_proloc",
                condition=Q(statut__in=["en_attente_paiement", "payee", "active"]),
            ),
        ]
        indexes = [
            # a client's orders, newest first (the API's list and its cursor)
            models.Index(fields=["client", "-created_at", "-id"], name="commande_client_idx"),
            models.Index(fields=["-created_at", "-id"], name="commande_created_idx"),
            # the orders that hold a slot of a market (counted under the market's lock)
            models.Index(
                fields=["marche", "statut"],
                name="commande_live_idx",
                condition=Q(statut__in=["en_attente_paiement", "payee", "active"]),
            ),
            # the sweeps: holds that lapsed, active orders near or past their end
            models.Index(
                fields=["statut", "reservee_jusqua"],
                name="commande_hold_idx",
                condition=Q(statut="en_attente_paiement"),
            ),
        ]

    def __str__(self) -> str:
        return f"Commande {self.pk} ({self.get_statut_display()})"


class CommandeTransition(models.Model):
    """The audit trail: who moved an order from which state to which, when and why."""

    commande = models.ForeignKey(Commande, on_delete=models.CASCADE, related_name="transitions")
    de = models.CharField(max_length=20, choices=Commande.Statut.choices, blank=True)
    vers = models.CharField(max_length=20, choices=Commande.Statut.choices)
    par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="vide : le système (paiement, tâche planifiée)",
    )
    motif = models.CharField(max_length=500)
    evenement = models.CharField("événement de paiement", max_length=255, blank=True)
    created_at = models.DateTimeField("le", auto_now_add=True)

    class Meta:
        verbose_name = "transition de commande"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["commande", "created_at"], name="transition_cmd_idx")]

    def __str__(self) -> str:
        return f"{self.commande_id}: {self.de or '∅'} → {self.vers}"


class EvenementPaiement(models.Model):
    """A payment provider's webhook event already processed (its id is unique): the same
    event delivered twice changes nothing the second time."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    commande = models.ForeignKey(
        Commande, on_delete=models.SET_NULL, null=True, blank=True, related_name="evenements"
    )
    resultat = models.CharField("résultat", max_length=255)
    recu_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "événement de paiement"
        verbose_name_plural = "événements de paiement"

    def __str__(self) -> str:
        return f"{self.event_id} ({self.type})"


class EvenementTest(models.Model):
    """The local test provider's outbox: each webhook event it sent, signed as Stripe signs
    them, delivered to the webhook URL by a task (retried until delivered)."""

    event_id = models.CharField(max_length=255, unique=True)
    session = models.CharField(max_length=255)
    type = models.CharField(max_length=100)
    payload = models.TextField()
    signature = models.CharField(max_length=500)
    cree_le = models.DateTimeField(auto_now_add=True)
    livre_le = models.DateTimeField("livré le", null=True, blank=True)

    class Meta:
        verbose_name = "événement du paiement de test"
        verbose_name_plural = "événements du paiement de test"
        constraints = [  # a session is paid, expired or refunded once
            models.UniqueConstraint(fields=["session", "type"], name="evenementtest_once")
        ]

    def __str__(self) -> str:
        return self.event_id
