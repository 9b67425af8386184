from foxreviews.core.text import normalize_search


def test_normalize_search_strips_accents_case_and_separators():
    assert normalize_search("Saint-Étienne-du-Rouvray") == "saint etienne du rouvray"
    assert normalize_search("L’Haÿ-les-Roses") == "l hay les roses"
    assert normalize_search("  Œuvre  d'ART ") == "oeuvre d art"
