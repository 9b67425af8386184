"""ImportCounters: what a checkpoint stores is what a resumed run reads back."""

from collections import Counter

from foxreviews.imports.counters import ImportCounters


def test_counters_survive_a_checkpoint_and_add_up():
    first = ImportCounters()
    first.add_chunk(
        counts={"created": 5, "updated": 2, "rejected": 1, "staged": 8, "duplicates_in_file": 1},
        records=10,
        reasons=["siret_invalide"],
    )
    assert (first.read, first.created, first.unchanged) == (10, 5, 1)
    stored = first.to_json()
    assert stored["counters"]["unchanged"] == 1 and stored["reasons"] == {"siret_invalide": 1}
    assert ImportCounters.from_json(stored) == first
    second = ImportCounters(read=4, updated=4, reasons=Counter(nom_manquant=0))
    total = first + second
    assert (total.read, total.updated, total.unchanged) == (14, 6, 1)
    assert total.reasons == {"siret_invalide": 1}
    assert ImportCounters.from_json({}) == ImportCounters()
