"""The words of a message, as the place reader sees them: folded tokens and the word lists.

The tokenizer turns a message into folded words (``bot.textnorm.fold``) and remembers, for each,
whether it was written with a capital, starts a clause or follows a hyphen. The word lists say what
the words around a name tell about it: a preposition of place, a verb of residence, a unit after a
number... They are small closed sets of function words; the place names themselves, and the
ordinary words that are also place names, come from ``knowledge/lieux/``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from bot.textnorm import fold


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


ARTICLES = _words("le la les l")
# Words after which a name is expected to be a place (weak evidence).
PLACE_PREPS = _words(
    "a au aux sur vers dans en pres proche chez habite habites habitons habitez habitent vis vit vivons "
    "reside residons residez residant residante base basee bases basees situe situee secteur cote coin "
    "region departement commune ville agglo agglomeration banlieue metropole"
)
# Verbs of residence and origin: "j'habite (à) X", "je vis à X", "je suis de X".
RESIDENCE = _words(
    "habite habites habitons habitez habitent habitant habitante vis vit vivons vivez vivent vivant reside "
    "residons residez resident residant residante demeure demeurons installe installee installes installees "
    "domicilie domiciliee base basee bases basees situe situee loge logee"
)
ORIGIN = _words("suis sommes viens venons originaire originaires natif native ne nee")
# Nouns after which "de X" names a place: "la mairie de Rennes", "la banlieue de Lyon".
PLACE_NOUNS = _words(
    "ville commune mairie region departement secteur coin agglo agglomeration banlieue metropole environs "
    "alentours cote pres proche loin centre nord sud est ouest bassin pays prefecture hopital chu gare "
    "quartier campagne peripherie communaute arrondissement canton"
)
# Nouns directly followed by the name: "ville Rennes", "région Bretagne".
PLACE_HEADS = _words("ville commune region departement dept dpt secteur agglo metropole")
# Area (region, département) context: "dans le Lot", "en Creuse", "du Nord".
AREA_PREPS = _words("dans en departement region du sur vers a au habite vis vit reside coin secteur pres proche")
# "à côté de X", "près de X", "vers X": X is a landmark rather than where one lives.
LANDMARK = _words("cote pres proche loin vers autour environs alentours limite frontiere direction")
WORK = _words(
    "bosse bossons travaille travaillons taffe taff boulot job taf travail emploi poste mission missions stage boite "
    "entreprise"
)
PAST = _words(
    "avant ancien ancienne anciennement etais etait etions grandi ne nee originaire autrefois quitte demenage vivais "
    "habitais"
)
PRESENT = _words("maintenant aujourd actuellement desormais depuis dorenavant")
# Before a number, words that make it a département ("dans le 29", "département 13").
DEP_PREV = _words("le du departement departements dept dpt dep depart l")
# A status just before a number that ends the message: "salarié 29", "auto-entrepreneur, 13".
STATUS_PREV = frozenset(
    [
        "salarie",
        "salariee",
        "salaries",
        "salariees",
        "cdi",
        "cdd",
        "interim",
        "interimaire",
        "independant",
        "independante",
        "auto",
        "entrepreneur",
        "entrepreneuse",
        "autoentrepreneur",
        "microentrepreneur",
        "freelance",
        "artisan",
        "artisane",
        "commercant",
        "commercante",
        "cadre",
        "fonctionnaire",
        "agent",
        "chomage",
        "chomeur",
        "chomeuse",
        "emploi",
        "apprenti",
        "apprentie",
        "alternant",
        "alternante",
        "liberal",
        "liberale",
        "rqth",
    ]
)
# Before a number, words that make it an age, a duration or a count.
NOT_DEP_PREV = _words(
    "ai a as avons avez ont depuis pendant durant de des environ plus moins pres fois sur x par ou et les mes "
    "tes ses nos vos leurs ces entre bac niveau age agee ans n no numero tel siret siren echelon indice "
    "categorie grade coefficient cat classe code sommes etes sont etions serons etaient"
)
# After a number, words that make it anything but a place.
UNIT_WORDS = _words(
    "an ans annee annees mois jour jours j semaine semaines sem heure heures h hr min minute minutes "
    "enfant enfants gosses gamins fois euro euros eur e k ke keur km kilometres pourcent pct salarie salaries "
    "personne personnes employes collegues ans000 000 smic brut net nets bruts points pts printemps balais "
    "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre er eme e ieme "
    "ados ado filles fils bebes petits kilos kg m2 metres cdd cdi contrats postes boulots jobs ecoles fois "
    "candidatures entretiens refus reponses rdv rendez x"
)
DIGIT_WORDS = {
    "zero": "0",
    "un": "1",
    "deux": "2",
    "trois": "3",
    "quatre": "4",
    "cinq": "5",
    "six": "6",
    "sept": "7",
    "huit": "8",
    "neuf": "9",
}
STOP_WORDS = _words(
    "a au aux le la les l un une des de du d et ou je j tu il elle on nous vous ils elles me m te t se s "
    "mon ma mes ton ta tes son sa ses en y ne n pas plus que qu qui quoi est suis es sommes etes sont "
    "ai as avons avez ont ce c cette ces pour par sur dans avec sans chez vers mais donc or ni car si "
    "oui non bonjour salut merci svp stp bonsoir hello coucou cep ok"
)
# Words that may surround a name in a message that is nothing but the place ("moi c'est Lyon").
FILLER = _words(
    "bonjour salut bonsoir hello coucou merci svp stp slt bjr cc re je j suis jsuis chui moi c est ca "
    "j habite habites habitons vis vit a au aux en dans le la les l sur pres de du d vers oui non voila "
    "ici ville commune region departement dept secteur coin on nous sommes ma mon mes chez nous perso "
    "actuellement maintenant aujourd hui toujours alors bah ben euh hein donc sinon svp merci beaucoup "
    "ok okay dacc daccord vivons reside"
)
# Words never corrected into a place: frequent in messages, absent from the dictionary.
NOT_PLACES = _words(
    "france travail master masters manager freelance freelances startup burnout burn bonjour bonsoir "
    "salariee salaries salariees merci jsuis reconversion entretien accompagnement conseiller conseillere "
    "formation formations interimaire interim alternance alternant alternante apprenti apprentie "
    "informatique auto entrepreneur entrepreneuse micro independant independante fonctionnaire "
    "contractuel contractuelle handicap handicape rqth chomage chomdu chomeur chomeuse demandeur "
    "demandeuse emploi boulot taff dispositif dispositifs conseil evolution professionnelle cadres "
    "teletravail visio telephone quelqu quelque pourrais voudrais aimerais souhaiterais "
    "franchement actuellement vraiment comment combien pourquoi quand"
)

# Words that may stand between a context phrase and the name ("déménagé de la Rochelle").
SKIPPABLE = frozenset(
    ["a", "au", "aux", "en", "dans", "sur", "de", "d", "du", "des", "le", "la", "les", "l", "pres", "vers"]
)
COUNTRY_JOINS = frozenset(("en", "au", "aux"))  # "Valence en Espagne", "Abidjan au ..."
HYPHENS = frozenset(("-", "\u2010", "\u2011"))  # "Truc-sur-Mer": a hyphen joins the words of one name
# Words that join the parts of a longer name ("Val d'Europe", "Saint-Truc-sur-Mer").
NAME_JOINS = frozenset(["de", "d", "du", "des", "sur", "sous", "en", "les", "lez", "aux", "la", "le", "l"])
_WORD = re.compile(r"[^\W_]+")
CLAUSE_BREAK = re.compile(r"[,;:.!?()\[\]\n/]|\s-\s")  # punctuation that starts a new clause
DE_WORDS = frozenset(("de", "d", "du", "des"))
DE_ELIDED = frozenset(("de", "d"))
# Before a number, words that make it a département even without "le": "dans 29", "secteur 56".
DEP_PLACE_PREV = frozenset(("dans", "en", "habite", "vis", "secteur", "coin", "region"))
IN_WORDS = frozenset(("en", "dans"))  # "Mâcon, en 71"
# "à partir du 12", "avant le 15": after these and an article, a number is a date.
DATE_PREV = frozenset(
    (
        "a",
        "avant",
        "apres",
        "pour",
        "jusqu",
        "depuis",
        "du",
        "au",
        "partir",
        "vers",
        "fin",
        "debut",
        "mi",
        "ce",
        "dici",
        "d",
    )
)
DATE_ARTICLES = frozenset(("le", "l", "du"))


@dataclass(slots=True)
class Tokens:
    """A message as folded words, with what the writing says about each one."""

    words: list[str]
    capitals: list[bool]
    clause_start: list[bool]
    hyphen_before: list[bool] = field(default_factory=list)  # written "X-word": part of a compound


def tokenize_full(text: str) -> Tokens:
    """Folded words, whether each was written with a capital, and whether it starts a clause."""
    words: list[str] = []
    capitals: list[bool] = []
    starts: list[bool] = []
    hyphens: list[bool] = []
    gaps = _WORD.split(text)  # the text between words: gaps[k] comes before the k-th word
    pending = ""  # a word that folds to nothing belongs to the gap before the next one
    for k, raw in enumerate(_WORD.findall(text)):
        gap = pending + gaps[k] if pending else gaps[k]
        folded = fold(raw)
        if not folded:
            pending = gap + raw
            continue
        pending = ""
        if not words:
            new_clause, hyphen = True, False
        elif gap == " ":  # the usual case: same clause, no hyphen
            new_clause = hyphen = False
        else:
            new_clause, hyphen = bool(CLAUSE_BREAK.search(gap)), gap in HYPHENS
        capital = _capitalised(raw)
        if " " not in folded:
            words.append(folded)
            capitals.append(capital)
            starts.append(new_clause)
            hyphens.append(hyphen)
            continue
        for j, part in enumerate(folded.split()):  # "œ" and a few others fold into two words
            words.append(part)
            capitals.append(capital and j == 0)
            starts.append(new_clause and j == 0)
            hyphens.append(hyphen and j == 0)
    return Tokens(words, capitals, starts, hyphens)


def _capitalised(raw: str) -> bool:
    """Written as a name: an upper-case first letter ("Lyon"), or in capitals ("LYON", not "A")."""
    first = raw[0]
    if "a" <= first <= "z":
        return False  # a lower-case ASCII letter: neither
    return (unicodedata.category(first) == "Lu" and not raw.isupper()) or (raw.isupper() and len(raw) > 1)


def tokenize(text: str) -> tuple[list[str], list[bool]]:
    """Folded words and, for each, whether it was written with a capital letter."""
    tokens = tokenize_full(text)
    return tokens.words, tokens.capitals
