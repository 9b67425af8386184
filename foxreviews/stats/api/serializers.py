from rest_framework import serializers


class DepartementCountSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Code du département ('' : sans commune connue).")
    nom = serializers.CharField(allow_null=True)
    entreprises = serializers.IntegerField()
    actives = serializers.IntegerField()


class CategorieCountSerializer(serializers.Serializer):
    slug = serializers.CharField()
    nom = serializers.CharField()
    entreprises = serializers.IntegerField()
    actives = serializers.IntegerField()


class StatisticsSerializer(serializers.Serializer):
    entreprises = serializers.IntegerField()
    entreprises_actives = serializers.IntegerField()
    villes = serializers.IntegerField()
    departements = serializers.IntegerField()
    regions = serializers.IntegerField()
    refreshed_at = serializers.DateTimeField(help_text="Date du dernier décompte.")
    par_departement = DepartementCountSerializer(many=True)
    par_categorie = CategorieCountSerializer(many=True)


class NafCodeSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Sous-classe NAF rév. 2, par exemple 56.10A.")
    libelle = serializers.CharField()


class SousCategorieSerializer(serializers.Serializer):
    slug = serializers.CharField()
    nom = serializers.CharField(help_text="Libellé de la nomenclature.")
    nom_public = serializers.CharField(
        help_text="Le nom que lisent les visiteurs (« Plombiers, chauffagistes ») ; à défaut, nom."
    )
    description = serializers.CharField()
    entreprises_actives = serializers.IntegerField(
        help_text="Entreprises ouvertes de ses codes NAF, au dernier décompte."
    )
    naf_codes = NafCodeSerializer(many=True)


class CategorieSerializer(serializers.Serializer):
    slug = serializers.CharField()
    nom = serializers.CharField()
    description = serializers.CharField()
    entreprises_actives = serializers.IntegerField(
        help_text="Entreprises ouvertes de ses sous-catégories, au dernier décompte."
    )
    sous_categories = SousCategorieSerializer(many=True)


class CategoriesSerializer(serializers.Serializer):
    refreshed_at = serializers.DateTimeField(help_text="Date du dernier décompte.")
    results = CategorieSerializer(many=True)


class RefreshQueuedSerializer(serializers.Serializer):
    task_id = serializers.CharField()
