"""How the search reads a visitor's query: trade words, place words, glue words and name words.

"plombier a st etienne" is read left to right, the longest phrase first (at most MAX_PHRASE
words), into:
- a trade: a phrase of the category vocabulary ("salon de coiffure", plurals and accents
  folded), the first one of the query; a later one is read as name words; without one, a
  word spelt like a one-word trade ("boulangrie") that no name of the directory uses;
- a place: a commune ("st etienne", "le havre" or "havre"), optionally followed by an
  arrondissement ("paris 11", "lyon 3e", "marseille 8"), a code postal (5 digits, every commune
  it serves) or a département (its number or its name); the last one of the query (French
  names the place last); an earlier one is read as name words;
- glue: "à", "sur", "près de", "dans le"... between them, not searched for;
- name words: the rest, and whatever is written between double quotes, matched against nom
  and enseigne as before.

Precedence: for the same words a trade wins over a place, and a commune over a département of
the same name ("Vienne": the commune, the département 86 among the alternatives). A commune
name is a place even when entreprises bear it ("coiffure nancy": coiffeurs in Nancy; quote it,
"coiffure \"nancy\"", to search it in names), except a one-word commune of fewer than
BARE_COMMUNE_MIN_POPULATION inhabitants not preceded by glue ("Bar", "Mars", "Bio" are names
unless typed "à Mars"). A name several communes share picks the most populous and says so.

Everything is resolved to ids and codes before the entreprises are read: the vocabulary and the
départements from this process's memory, the communes in one indexed query, a code postal in
another (only when the query has one), the word list in a third (only for a word spelt like
a trade).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from foxreviews.category.selectors import Trade, trade_spelt_like, trade_vocabulary
from foxreviews.core.text import normalize_search, vocabulary_key
from foxreviews.location.selectors import (
    Commune,
    DepartementRef,
    communes_named,
    communes_of_code_postal,
    departements_by,
    place_spellings,
)

from .models import SearchWord

MAX_PHRASE = 6  # words of the longest trade or commune looked for ("saint germain au mont d or")
MAX_ALTERNATIVES = 4
MISSPELT_MIN_LENGTH = 5  # a shorter unknown word is a name ("bat" is not "bar")
BARE_COMMUNE_MIN_POPULATION = 1000
GLUE = ("pres de", "pres d", "dans le", "dans la", "dans les", "dans l", "a", "sur", "au",
        "aux", "en", "pres", "dans", "vers")  # fmt: skip
# the communes with arrondissements municipaux: code INSEE → (how many, their code INSEE, their
# codes postaux), from the COG and La Poste's base (Paris 16e has two codes postaux)
ARRONDISSEMENTS = {
    "75056": (20, "751{:02d}", ("750{:02d}",)),
    "69123": (9, "6938{:d}", ("6900{:d}",)),
    "13055": (16, "132{:02d}", ("130{:02d}",)),
}
EXTRA_CODES_POSTAUX = {"75116": ("75116",)}  # arrondissement code INSEE → more codes postaux
ARRONDISSEMENT_WORD = re.compile(r"^([0-9]{1,2})(e|er|eme|ieme|em|ere)?$")
ARRONDISSEMENT_NOUN = {"arrondissement", "arr", "arrdt", "arrt"}
CODE_POSTAL_WORD = re.compile(r"^[0-9]{5}$")
DEPARTEMENT_WORD = re.compile(r"^([0-9]{2}|2a|2b|97[1-6])$")
QUOTED = re.compile(r'"([^"]*)"')


@dataclass(frozen=True)
class PlaceRef:
    kind: str  # "ville", "arrondissement", "code_postal", "departement"
    code: str  # code INSEE, code postal or code of the département
    name: str


@dataclass(frozen=True)
class Place(PlaceRef):
    """A place and how to filter by it: its communes (by id), or its département."""

    departement: str = ""  # the département's code, for a commune or an arrondissement
    ville_ids: tuple[int, ...] = ()
    codes_postaux: tuple[str, ...] = ()  # narrows the communes (an arrondissement)
    departement_id: int | None = None  # a département: its communes are the filter
    alternatives: tuple[PlaceRef, ...] = ()  # what else the words could mean

    @property
    def ambiguous(self) -> bool:
        return bool(self.alternatives)


@dataclass(frozen=True)
class Understanding:
    trade: Trade | None = None
    trade_words: str = ""  # the trade as typed: names that contain it are found too
    place: Place | None = None
    words: tuple[str, ...] = ()  # the name words
    glue: tuple[str, ...] = ()

    @property
    def only_glue(self) -> bool:
        return bool(self.glue) and not (self.trade or self.place or self.words)


@dataclass
class _Token:
    word: str
    free: bool  # False: written between quotes, a name word whatever it is


@dataclass
class _Segment:
    kind: str  # "trade", "place", "glue", "word"
    words: list[str]
    trade: Trade | None = None
    place: Place | None = None
    quoted: bool = False


def understand(q: str) -> Understanding:
    tokens = _tokens(q)
    vocabulary = trade_vocabulary()
    communes = communes_named(_commune_candidates(tokens))
    segments: list[_Segment] = []
    i = 0
    while i < len(tokens):
        segment, i = _read_at(tokens, i, vocabulary, communes, segments)
        segments.append(segment)
    if not any(s.kind == "trade" for s in segments):
        _read_misspelt_trade(segments)
    return _decide(segments)


def _tokens(q: str) -> list[_Token]:
    tokens = []
    for n, part in enumerate(QUOTED.split(q)):
        words = normalize_search(part.replace('"', " ")).split()  # a quote left open: a space
        tokens += [_Token(word, free=n % 2 == 0) for word in words]
    return tokens


def _phrases(tokens: list[_Token]) -> Iterator[tuple[int, int, str]]:
    """Every run of at most MAX_PHRASE free words: (start, end, text)."""
    for i in range(len(tokens)):
        for j in range(min(len(tokens), i + MAX_PHRASE), i, -1):
            if all(t.free for t in tokens[i:j]):
                yield i, j, " ".join(t.word for t in tokens[i:j])


# no commune name starts with these words, or ends with them or an article
NOT_FIRST = {"a", "au", "aux", "d", "dans", "de", "des", "du", "en", "pres", "sur", "vers"}
NOT_LAST = NOT_FIRST | {"l", "la", "le", "les"}


def _commune_candidates(tokens: list[_Token]) -> set[str]:
    """The phrases of the query that may name a commune (the fewer, the faster the look-up)."""
    candidates = set()
    for _, _, text in _phrases(tokens):
        words = text.split()
        if words[0] in NOT_FIRST or words[-1] in NOT_LAST or any(c.isdigit() for c in text):
            continue
        candidates.add(text)
    return candidates


def _read_at(
    tokens: list[_Token],
    i: int,
    vocabulary: dict[str, Trade],
    communes: dict[str, list[Commune]],
    before: list[_Segment],
) -> tuple[_Segment, int]:
    """What the words from tokens[i] are, and where the next ones start."""
    token = tokens[i]
    if not token.free:
        return _Segment("word", [token.word], quoted=True), i + 1
    after_glue = bool(before) and before[-1].kind == "glue"
    for start, end, text in _phrases(tokens[i:]):
        if start:
            break  # the phrases starting here only, longest first
        words = text.split()
        trade = vocabulary.get(vocabulary_key(text))
        if trade is not None:
            return _Segment("trade", words, trade=trade), i + end
        place = _commune_or_departement(text, communes, after_glue=after_glue)
        if place is not None:
            return _with_arrondissement(place, tokens, i + end, words)
    if CODE_POSTAL_WORD.match(token.word):
        place = _code_postal(token.word)
        if place is not None:
            return _Segment("place", [token.word], place=place), i + 1
    departement = departements_by("code").get(token.word)
    if DEPARTEMENT_WORD.match(token.word) and departement is not None:
        return _Segment("place", [token.word], place=_departement(departement)), i + 1
    for glue in GLUE:
        glue_words = glue.split()
        if [t.word for t in tokens[i : i + len(glue_words)]] == glue_words and all(
            t.free for t in tokens[i : i + len(glue_words)]
        ):
            return _Segment("glue", glue_words), i + len(glue_words)
    return _Segment("word", [token.word]), i + 1


def _commune_or_departement(
    text: str, communes: dict[str, list[Commune]], *, after_glue: bool
) -> Place | None:
    departement = departements_by("name").get(place_spellings(text)[0])
    found = communes.get(text, [])
    bare = " " not in text and not after_glue
    if found and bare and found[0].population < BARE_COMMUNE_MIN_POPULATION:
        found = []  # "bar", "mars": a name more often than a village
    if not found:
        return _departement(departement) if departement else None
    best, others = found[0], found[1:]
    alternatives = [PlaceRef("ville", c.code_insee, c.nom) for c in others[:MAX_ALTERNATIVES]]
    if departement is not None and departement.chef_lieu != best.code_insee:
        alternatives.append(PlaceRef("departement", departement.code, departement.nom))
    return Place(
        "ville",
        best.code_insee,
        best.nom,
        departement=best.code_departement,
        ville_ids=(best.id,),
        alternatives=tuple(alternatives),
    )


def _with_arrondissement(
    place: Place, tokens: list[_Token], end: int, words: list[str]
) -> tuple[_Segment, int]:
    """ "paris 11", "lyon 3e", "marseille 8 arrondissement": the arrondissement, when the
    commune has them and the number is one of them."""
    arrondissements = ARRONDISSEMENTS.get(place.code)
    number = ARRONDISSEMENT_WORD.match(tokens[end].word) if end < len(tokens) else None
    if not arrondissements or not number or not tokens[end].free:
        return _Segment("place", words, place=place), end
    count, code_format, postal_formats = arrondissements
    n = int(number.group(1))
    if not 1 <= n <= count:
        return _Segment("place", words, place=place), end
    code = code_format.format(n)
    words = [*words, tokens[end].word]
    end += 1
    if end < len(tokens) and tokens[end].free and tokens[end].word in ARRONDISSEMENT_NOUN:
        words.append(tokens[end].word)
        end += 1
    codes_postaux = tuple(f.format(n) for f in postal_formats) + EXTRA_CODES_POSTAUX.get(code, ())
    arrondissement = Place(
        "arrondissement",
        code,
        f"{place.name} {n}{'er' if n == 1 else 'e'}",
        departement=place.departement,
        ville_ids=place.ville_ids,
        codes_postaux=codes_postaux,
    )
    return _Segment("place", words, place=arrondissement), end


def _code_postal(code: str) -> Place | None:
    communes = communes_of_code_postal(code)
    if not communes:
        return None
    # the code postal of an arrondissement (69003) narrows its commune to that arrondissement
    narrows = any(c.code_insee in ARRONDISSEMENTS for c in communes)
    return Place(
        "code_postal",
        code,
        ", ".join(c.nom for c in communes),
        departement=communes[0].code_departement,
        ville_ids=tuple(c.id for c in communes),
        codes_postaux=(code,) if narrows else (),
    )


def _departement(departement: DepartementRef) -> Place:
    return Place(
        "departement",
        departement.code,
        departement.nom,
        departement=departement.code,
        departement_id=departement.id,
    )


def _read_misspelt_trade(segments: list[_Segment]) -> None:
    """The first name word spelt like a one-word trade ("boulangrie", "plombrie") becomes that
    trade, unless the directory's names use the word as typed (it is then someone's name)."""
    spelt_like = {}
    for segment in segments:
        word = segment.words[0]
        if segment.kind != "word" or segment.quoted:
            continue
        if len(word) >= MISSPELT_MIN_LENGTH and word.isalpha():
            trade = trade_spelt_like(word)
            if trade is not None:
                spelt_like[id(segment)] = trade
    if not spelt_like:
        return
    candidates = [s for s in segments if id(s) in spelt_like]
    used = set(SearchWord.objects.filter(word__in=[s.words[0] for s in candidates])
               .values_list("word", flat=True))  # fmt: skip
    for segment in candidates:
        if segment.words[0] not in used:
            segment.kind, segment.trade = "trade", spelt_like[id(segment)]
            return


def _decide(segments: list[_Segment]) -> Understanding:
    """The first trade and the last place; any other trade or place is read as name words."""
    trades = [s for s in segments if s.kind == "trade"]
    places = [s for s in segments if s.kind == "place"]
    trade = trades[0] if trades else None
    place = places[-1] if places else None
    words = [
        word
        for s in segments
        if s.kind in ("word", "trade", "place") and s is not trade and s is not place
        for word in s.words
    ]
    return Understanding(
        trade=trade.trade if trade else None,
        trade_words=" ".join(trade.words) if trade else "",
        place=place.place if place else None,
        words=tuple(words),
        glue=tuple(w for s in segments if s.kind == "glue" for w in s.words),
    )
