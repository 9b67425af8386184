"""The evaluation set of bench/ai_eval.py: French needs and questions as visitors type them
(typos, no accents, needs that name no trade, places of every kind), each with the trades (NAF
codes) and the place whose entreprises answer it."""

from __future__ import annotations

from dataclasses import dataclass

# places: (code INSEE of the commune the hand-made rows are in, code postal or None); a
# département case is judged on the département's code
QUIBERON, BAYEUX, DIEULEFIT, MONTELIMAR = "56186", "14047", "26114", "26198"
VANNES, BREST, NANCY, TOULOUSE = "56260", "29019", "54395", "31555"
BORDEAUX, LILLE, NANTES, RENNES = "33063", "59350", "44109", "35238"
SAINT_ETIENNE, ANNECY, AIX, STRASBOURG = "42218", "74010", "13001", "67482"
PARIS, LYON, QUIMPER = "75056", "69123", "29232"

PLUMBER, HEATING = "43.22A", "43.22B"
HAIR, BEAUTY = "96.02A", "96.02B"
BREAD, CAKES = "10.71C", "10.71D"
GARAGE, GARAGE_HEAVY = "45.20A", "45.20B"


@dataclass(frozen=True)
class Case:
    q: str
    codes: tuple[str, ...]  # NAF codes of the rows that answer it
    commune: str  # where the hand-made rows are
    code_postal: str | None = None  # an arrondissement or a code postal: the rows' too
    departement: str | None = None  # a département case: any commune of it answers


CASES = [
    # a trade and a place, as the lexical search already reads them (sanity)
    Case("plombier quiberon", (PLUMBER, HEATING), QUIBERON),
    Case("coiffeur paris 11", (HAIR,), PARIS, "75011"),
    Case("boulangerie 69003", (BREAD, CAKES), LYON, "69003"),
    Case("restaurant finistere", ("56.10A", "56.10C"), QUIMPER, departement="29"),
    # typos and no accents
    Case("plombié bayeux", (PLUMBER, HEATING), BAYEUX),
    Case("coifeur dieulefit", (HAIR,), DIEULEFIT),
    Case("boulangrie montelimar", (BREAD, CAKES), MONTELIMAR),
    Case("electrisien vannes", ("43.21A",), VANNES),
    Case("serurier brest", ("43.32B",), BREST),
    Case("garagiste nancy", (GARAGE, GARAGE_HEAVY), NANCY),
    Case("electricien a la rochelle", ("43.21A",), "17300"),
    Case("veterinaire a toulouse", ("75.00Z",), TOULOUSE),
    # needs, not trades
    Case("fuite d'eau quiberon", (PLUMBER, HEATING), QUIBERON),
    Case("fuite d'eau finistere", (PLUMBER, HEATING), QUIMPER, departement="29"),
    Case("couper les cheveux dieulefit", (HAIR,), DIEULEFIT),
    Case("couper les cheveux de mon fils a montelimar", (HAIR,), MONTELIMAR),
    Case("pain sans gluten bayeux", (BREAD, CAKES), BAYEUX),
    Case("pain sans gluten 69003", (BREAD, CAKES), LYON, "69003"),
    Case("vidange voiture vannes", (GARAGE, GARAGE_HEAVY), VANNES),
    Case("changer une serrure paris 11", ("43.32B",), PARIS, "75011"),
    Case("porte claquee clefs a l'interieur lyon 3", ("43.32B",), LYON, "69003"),
    Case("mal aux dents brest", ("86.23Z",), BREST),
    Case("detartrage dentaire nancy", ("86.23Z",), NANCY),
    Case("chien malade toulouse", ("75.00Z",), TOULOUSE),
    Case("vacciner mon chat bordeaux", ("75.00Z",), BORDEAUX),
    Case("panne de courant lille", ("43.21A",), LILLE),
    Case("installer des prises electriques nantes", ("43.21A",), NANTES),
    Case("toit qui fuit rennes", ("43.91A", "43.91B"), RENNES),
    Case("refaire la toiture saint etienne", ("43.91A", "43.91B"), SAINT_ETIENNE),
    Case("tailler la haie annecy", ("81.30Z",), ANNECY),
    Case("entretien du jardin aix en provence", ("81.30Z",), AIX),
    Case("bouquet de fleurs strasbourg", ("47.76Z",), STRASBOURG),
    Case("fleurs pour un mariage quiberon", ("47.76Z",), QUIBERON),
    Case("lunettes de vue bayeux", ("47.78A",), BAYEUX),
    Case("apprendre a conduire dieulefit", ("85.53Z",), DIEULEFIT),
    Case("passer le permis montelimar", ("85.53Z",), MONTELIMAR),
    Case("demenager un piano vannes", ("49.42Z",), VANNES),
    Case("un taxi pour la gare brest", ("49.32Z",), BREST),
    Case("repeindre le salon nancy", ("43.34Z",), NANCY),
    Case("nettoyer a sec un costume toulouse", ("96.01A", "96.01B"), TOULOUSE),
    Case("ressemeler des chaussures bordeaux", ("95.23Z",), BORDEAUX),
    Case("reparer mon velo lille", ("95.29Z",), LILLE),
    Case("ordinateur en panne nantes", ("95.11Z",), NANTES),
    Case("photos de mariage rennes", ("74.20Z",), RENNES),
    Case("avocat pour un divorce saint etienne", ("69.10Z",), SAINT_ETIENNE),
    Case("acheter une maison annecy", ("68.31Z",), ANNECY),
    Case("declaration d'impots aix en provence", ("69.20Z",), AIX),
    Case("mal au dos strasbourg", ("86.90F", "86.90E"), STRASBOURG),
    Case("massage relaxant quiberon", ("96.04Z",), QUIBERON),
    Case("manger une pizza bayeux", ("56.10A", "56.10C"), BAYEUX),
    Case("diner en amoureux dieulefit", ("56.10A",), DIEULEFIT),
    Case("dormir une nuit montelimar", ("55.10Z",), MONTELIMAR),
    Case("planter la tente vannes", ("55.30Z",), VANNES),
    Case("faire garder mon bebe brest", ("88.91A",), BREST),
    Case("cours de guitare nancy", ("85.52Z",), NANCY),
    Case("soin du visage toulouse", (BEAUTY,), TOULOUSE),
    Case("epilation bordeaux", (BEAUTY,), BORDEAUX),
    Case("toiletter mon chien lille", ("96.09Z",), LILLE),
    Case("acheter du vin nantes", ("47.25Z",), NANTES),
    Case("plateau de fromages rennes", ("47.29Z",), RENNES),
    Case("viande de boeuf saint etienne", ("47.22Z",), SAINT_ETIENNE),
    Case("gateau d'anniversaire annecy", (CAKES, BREAD), ANNECY),
    Case("bague de fiancailles aix en provence", ("47.77Z",), AIX),
    Case("livres pour enfants strasbourg", ("47.61Z",), STRASBOURG),
    Case("medicaments quiberon", ("47.73Z",), QUIBERON),
    Case("consulter un generaliste bayeux", ("86.21Z",), BAYEUX),
    Case("reeducation du genou dieulefit", ("86.90E",), DIEULEFIT),
    Case("salle de musculation montelimar", ("93.13Z",), MONTELIMAR),
    Case("cours de yoga vannes", ("85.51Z",), VANNES),
    Case("chaudiere en panne brest", (HEATING, PLUMBER), BREST),
    Case("construire un mur toulouse", ("43.99C",), TOULOUSE),
    Case("placard sur mesure bordeaux", ("43.32A",), BORDEAUX),
    Case("repas pour 50 personnes lille", ("56.21Z",), LILLE),
    Case("carrosserie rayee nantes", (GARAGE,), NANTES),
]


# Held out: written after the needs of foxreviews/category/data/besoins.csv, none of whose
# phrases any of these contains (bench/ai_eval.py checks), so that what the needs file adds is
# judged on needs it was not written from. CASES above served to choose how the vocabulary is
# used; these are the figure that says how it generalises.
HELD_OUT = [
    Case("lavabo qui fuit nancy", (PLUMBER, HEATING), NANCY),
    Case("plus de chauffage bordeaux", (HEATING, PLUMBER), BORDEAUX),
    Case("prise qui ne marche plus lille", ("43.21A",), LILLE),
    Case("faire une couleur rennes", (HAIR,), RENNES),
    Case("ongles en gel strasbourg", (BEAUTY,), STRASBOURG),
    Case("pneu a plat toulouse", (GARAGE, GARAGE_HEAVY), TOULOUSE),
    Case("bruit dans le moteur annecy", (GARAGE, GARAGE_HEAVY), ANNECY),
    Case("pain complet quiberon", (BREAD, CAKES), QUIBERON),
    Case("tarte au citron dieulefit", (CAKES, BREAD), DIEULEFIT),
    Case("dent qui bouge brest", ("86.23Z",), BREST),
    Case("mal au ventre vannes", ("86.21Z",), VANNES),
    Case("cheville foulee montelimar", ("86.90E", "86.21Z"), MONTELIMAR),
    Case("chat qui vomit nantes", ("75.00Z",), NANTES),
    Case("vendre mon studio bordeaux", ("68.31Z",), BORDEAUX),
    Case("cle cassee dans la serrure lille", ("43.32B",), LILLE),
    Case("fenetre qui ferme mal rennes", ("43.32A",), RENNES),
    Case("refaire le jardin aix en provence", ("81.30Z",), AIX),
    Case("haie trop haute strasbourg", ("81.30Z",), STRASBOURG),
    Case("roses pour la fete des meres quiberon", ("47.76Z",), QUIBERON),
    Case("lecons de conduite bayeux", ("85.53Z",), BAYEUX),
    Case("transporter un frigo vannes", ("49.42Z",), VANNES),
    Case("chemise tachee brest", ("96.01A", "96.01B"), BREST),
    Case("talon casse nancy", ("95.23Z",), NANCY),
    Case("smartphone ecran fissure toulouse", ("95.12Z",), TOULOUSE),
    Case("ou dormir ce soir lille", ("55.10Z",), LILLE),
    Case("manger des sushis nantes", ("56.10A", "56.10C"), NANTES),
    Case("boire une biere rennes", ("56.30Z",), RENNES),
    Case("acheter du saumon saint etienne", ("47.23Z",), SAINT_ETIENNE),
    Case("boucles d'oreilles annecy", ("47.77Z",), ANNECY),
    Case("sirop pour la toux aix en provence", ("47.73Z",), AIX),
    Case("seance de sport strasbourg", ("93.13Z",), STRASBOURG),
    Case("lecons de piano quiberon", ("85.52Z",), QUIBERON),
    Case("nounou pour mon bebe bayeux", ("88.91A",), BAYEUX),
    Case("litige avec mon employeur dieulefit", ("69.10Z",), DIEULEFIT),
    Case("comptes de mon entreprise montelimar", ("69.20Z",), MONTELIMAR),
    Case("souris au grenier vannes", ("81.29A",), VANNES),
    Case("guepes sous le toit brest", ("81.29A",), BREST),
    Case("cheminee a nettoyer nancy", ("81.22Z",), NANCY),
]


@dataclass(frozen=True)
class Question:
    q: str
    codes: tuple[str, ...]
    commune: str
    unknown: tuple[str, ...] = ()  # what the answer must say the directory does not hold


QUESTIONS = [
    Question("Quel plombier ouvert le samedi à Bayeux a les meilleurs avis ?",
             (PLUMBER, HEATING), BAYEUX, ("horaires",)),
    Question("Où faire couper les cheveux à Dieulefit ?", (HAIR,), DIEULEFIT),
    Question("Quel est le prix d'un serrurier à Brest ?", ("43.32B",), BREST, ("prix",)),
    Question("Un bon garage pour une vidange à Vannes ?", (GARAGE, GARAGE_HEAVY), VANNES),
    Question("Qui répare les vélos à Lille ?", ("95.29Z",), LILLE),
    Question("Le numéro de téléphone d'un dentiste à Brest ?", ("86.23Z",), BREST,
             ("telephone",)),
    Question("Quelle boulangerie de Montélimar est la mieux notée ?", (BREAD, CAKES),
             MONTELIMAR),
    Question("Un vétérinaire ouvert dimanche à Toulouse ?", ("75.00Z",), TOULOUSE,
             ("horaires",)),
]  # fmt: skip
