import factory

from foxreviews.core.text import normalize_search
from foxreviews.location.models import CodePostal, Departement, Region, Ville


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "84"
    nom = "Auvergne-Rhône-Alpes"
    slug = factory.LazyAttribute(lambda o: f"region-{o.code}")
    zone = "metro"


class DepartementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Departement
        django_get_or_create = ("code",)

    code = "69"
    nom = "Rhône"
    slug = factory.LazyAttribute(lambda o: f"departement-{o.code}")
    region = factory.SubFactory(RegionFactory)
    zone = "metro"


class VilleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ville
        skip_postgeneration_save = True

    code_insee = factory.Sequence(lambda n: f"69{n % 1000:03d}")
    nom = factory.Sequence(lambda n: f"Ville {n}")
    nom_recherche = factory.LazyAttribute(lambda o: normalize_search(o.nom))
    slug = factory.LazyAttribute(lambda o: f"ville-{o.code_insee.lower()}")
    codes_postaux = factory.Sequence(lambda n: [f"69{n % 1000:03d}"])
    population = 1000
    departement = factory.SubFactory(DepartementFactory)
    code_departement = factory.LazyAttribute(lambda o: o.departement.code)
    code_region = factory.LazyAttribute(lambda o: o.departement.region.code)
    zone = "metro"

    @factory.post_generation
    def with_codes_postaux(obj, create, extracted, **kwargs):
        if create:
            for code in obj.codes_postaux:
                CodePostal.objects.get_or_create(
                    code=code, ville=obj, defaults={"libelle_acheminement": obj.nom.upper()}
                )
