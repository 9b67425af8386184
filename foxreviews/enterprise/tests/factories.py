import random

import factory

from foxreviews.category.tests.factories import SousCategorieFactory
from foxreviews.core.siret import make_siren, make_siret
from foxreviews.enterprise.models import Entreprise, ProLocalisation
from foxreviews.location.tests.factories import VilleFactory

_rng = random.Random(1234)


class EntrepriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entreprise

    siret = factory.LazyFunction(lambda: make_siret(make_siren(_rng), _rng))
    siren = factory.LazyAttribute(lambda o: o.siret[:9])
    nic = factory.LazyAttribute(lambda o: o.siret[9:])
    nom = factory.Sequence(lambda n: f"Entreprise {n:05d}")
    naf_code = "56.10A"
    adresse = "1 rue de la République"
    ville = factory.SubFactory(VilleFactory)
    code_postal = factory.LazyAttribute(
        lambda o: o.ville.codes_postaux[0] if o.ville and o.ville.codes_postaux else ""
    )
    code_commune = factory.LazyAttribute(lambda o: o.ville.code_insee if o.ville else "")


class ProLocalisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProLocalisation

    entreprise = factory.SubFactory(EntrepriseFactory)
    sous_categorie = factory.SubFactory(SousCategorieFactory)
    ville = factory.LazyAttribute(lambda o: o.entreprise.ville)
