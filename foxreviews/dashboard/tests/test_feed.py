"""The feed's lines: each event type as a person reads it, with the admin page it is about."""

from foxreviews.dashboard.feed import describe


def _event(kind: str, **data) -> dict:
    return {"id": "1700000000000-0", "type": kind, "version": 1,
            "at": "2026-11-30T09:00:00.000+00:00", "data": data}  # fmt: skip


def test_each_family_names_its_object_and_links_to_it():
    lines = [
        describe(_event("import.started", import_log=4, rows_total=1500, rows_read=0)),
        describe(
            _event(
                "import.finished",
                import_log=4,
                rows_read=1500,
                rows_created=1490,
                rows_rejected=10,
                error="",
            )
        ),
        describe(
            _event(
                "import.failed",
                import_log=5,
                rows_read=0,
                rows_created=0,
                error="Le fichier n'a pas de ligne d'en-tête.",
            )
        ),
        describe(
            _event(
                "order.paid",
                commande=9,
                entreprise="Plomberie Éloïse & Fils",
                montant_ttc_centimes=9480,
            )
        ),
        describe(_event("avis.flagged", avis=3, prolocalisation=2, note=1)),
        describe(_event("something.new", x=1)),
    ]
    assert [(line["label"], line["summary"], line["url"]) for line in lines] == [
        ("Import démarré", "Import n° 4 : 1\u202f500 lignes à lire",
         "/admin/imports/importlog/4/change/"),
        ("Import terminé", "Import n° 4 : 1\u202f500 lignes lues, 1\u202f490 créées, 10 rejetées",
         "/admin/imports/importlog/4/change/"),
        ("Import échoué",
         "Import n° 5 : 0 lignes lues, 0 créées ; Le fichier n'a pas de ligne d'en-tête.",
         "/admin/imports/importlog/5/change/"),
        ("Commande payée", "Commande n° 9 : Plomberie Éloïse & Fils, 94,80 € TTC",
         "/admin/orders/commande/9/change/"),
        ("Avis signalé", "Avis n° 3 (1/5) sur la pro-localisation n° 2",
         "/admin/reviews/avis/3/change/"),
        ("something.new", "", None),
    ]  # fmt: skip


def test_an_id_that_is_not_a_number_links_nowhere():
    line = describe(_event("avis.en_attente", avis="7/../../../logout", note=2))
    assert line["url"] is None
