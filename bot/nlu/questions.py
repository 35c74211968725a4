"""Match a message against the frequent questions of the knowledge base.

Text is normalized (folded, texting spellings spelled out), everyday expressions are mapped to
the word the phrasings use ("feu vert" -> accord, "ma boîte" -> employeur, "en visio" ->
distance), and words are cut to a light stem ("financer", "financement" -> "financ"). Each
phrasing becomes a set of stems weighted by how rare they are across all phrasings (IDF).

A message scores, for each phrasing, the weighted share of the phrasing's stems it contains
(coverage), damped by the share of the message the phrasing leaves unexplained (precision);
words the knowledge base never uses count against the match, so an off-topic message that
shares one word with a phrasing ("le prix de l'essence") stays low. The best phrasing of each
question gives the question's score; a question whose vocabulary explains the whole message
gets a small bonus. The caller decides what is confident enough.

Unknown words of five letters or more are corrected to the nearest known stem (typos). The
place found in the message is replaced by a word for its kind ("outremer", "etranger",
"monaco", "caledonie", "region"), so that "j'habite à Tahiti, je peux faire un CEP ?" reads
like the phrasing it should match.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from bot.textnorm import normalize

if TYPE_CHECKING:
    from bot.kb.model import Snapshot

__all__ = ["CONFIDENT", "POSSIBLE", "QuestionIndex", "QuestionMatch", "content_stems", "stem"]

CONFIDENT = 0.45  # at or above: answer the question
POSSIBLE = 0.38  # between POSSIBLE and CONFIDENT: say we are not sure
BASE = 0.45  # share of a phrasing's score that coverage alone gives; the rest needs precision
UNKNOWN_WEIGHT = 4.0  # weight of a message word the knowledge base never uses
MARGIN = 0.04  # a best question this close to the runner-up is not confident...
CLEAR = 0.8  # ...unless its score is this high
LONG_MESSAGE = 4  # from this many words that count, a message is also read piece by piece
TOPICAL = 2.5  # a word this rare says what a piece is about on its own
PIECE_FACTOR = 0.95  # a piece read alone says a little less than the whole message
TOPIC_PENALTY = 0.9  # factor for a question that does not use the message's rarest known word
SINGLE_WORD = 0.8  # factor for a phrasing that shares a single, minor word with the message
LONE_WORD = 0.65  # factor when a single known word stands among unknown ones
NOT_ASKED = 0.5  # factor for a message that asks nothing (no "?", no question word, no "cep")
_ASKING = re.compile(
    r"\?|\b(?:qui|quoi|comment|combien|pourquoi|quand|quel|quelle|quels|quelles|est ce|est il|est elle|"
    r"peut on|puis je|ai je|dois je|faut il|y a t il|t il|existe|possible|peux|peut|pouvez|pourrais|pourriez|"
    r"faut|dois|doit|droit|savoir|expliquer|explique|expliquez|dites|renseigner|renseignement|info|infos|"
    r"cep|conseil en evolution|c koi|kesako|difference|pareil|oblige|obligatoire)\b"
)

STOPWORDS = frozenset(
    """a au aux le la les l un une des de du d et ou je j tu il elle on nous vous ils elles me m te t se s
    mon ma mes ton ta tes son sa ses notre nos votre vos leur leurs en y ne n pas que qu qui quoi
    est suis es sommes etes sont ete etre ai as avons avez ont avoir ce c cet cette ces ca cela ceci
    pour par sur dans avec chez vers mais donc or ni car si oui non bonjour salut merci svp stp bonsoir
    hello coucou ok alors bien tres trop aussi encore deja juste vraiment tout toute tous toutes
    moi toi lui eux quel quelle quels quelles voila bref genre hein bah ben euh
    faire fait fais peux peut pouvons pouvez puis veux veut voudrais voudrait aimerais souhaite souhaiterais
    dois doit devoir faut il cest exactement concretement general vous svp plait sil slt bjr
    quelque chose quelqu meme quand lors apres avant ici la bas ya sa bon ben fin aller va vais allez
    vas vont sera serait seront serai etais etait avais avait aurai aurais aurait
    entre france tant plus moins vu voir dire dit sais sait savez connais rien personne pres loin
    demande demander demandes demandais savoir connaitre comprendre penser pense crois croire aimer
    sembler semble arriver arrive mettre prendre avoir eu vraiment quand meme bientot souvent jamais toujours
    an ans annee annees depuis mois reste restent rester resterait
    """.split()
)
# Question words: weak evidence of what is asked; they count, but little.
QUESTION_WORDS = frozenset("qui combien comment pourquoi quoi ou quand questce aquiadresser".split())

# Expressions first (applied to the normalized text), then single words.
PHRASES: list[tuple[str, str]] = [
    (r"conseil(?:s)? en evolution(?: professionnelle| pro)?", "cep"),
    (r"mon cep par avenir actifs?|avenir actifs?", "avenir"),
    (r"rendez vous|rendez vs|rdv", "rdv"),
    (r"feu vert|donner son accord|son accord|l accord|l autorisation|la permission", "accord"),
    (r"au courant|mis au courant|mise au courant", "courant"),
    (r"compte rendu|document de synthese|bilan ecrit|quelque chose d ecrit|un ecrit|par ecrit", "document"),
    (r"combien de temps (?:pour|avant) (?:avoir|obtenir|decrocher|etre recu|(?:le |un |mon )?(?:premier )?(?:rdv|rendez vous))|(?:pour|avant d) (?:avoir|obtenir|decrocher) (?:un |le |mon )?(?:premier )?rdv|etre recue?", "delai"),
    (r"combien de temps|combien d heures|combien de mois|combien de semaines|ca dure|ca prend|durer|dure", "duree"),
    (r"comment (?:ca )?se (?:passe|deroule)|ca se (?:passe|deroule) comment|quelles? etapes?", "deroulement"),
    (r"comment ca (?:marche|fonctionne)|ca (?:marche|fonctionne) comment|comment (?:ca )?marche", "comment"),
    (r"tout le monde|n importe qui|n importe quel(?:le)? (?:actif|personne|salarie)|toute personne|tous les actifs|tout actif|toutes les personnes", "toutlemonde"),
    (r"qui (?:paie|paye|finance|payent|paient|regle|rembourse|prend en charge)|finance par qui|paye par qui|payee? par qui|d ou vient l argent|qui met l argent", "quifinance"),
    (r"mes (?:infos|informations|donnees|confidences)|ce que je (?:lui |leur )?(?:dis|raconte|confie)|garde(?:r)? (?:ca )?pour (?:lui|elle|soi)", "confidentiel"),
    (r"(?:1[4-9]|2[0-5]) ans|moins de 2[56] ans", "jeune"),
    (r"en tant que|en tant qu", " "),
    (r"c est qui", "qui"),
    (r"(?:je dois |dois je |faut il |on doit )?passer par qui|(?:je )?(?:m |s )?adresse(?:r)? a qui|je (?:vais|dois aller) ou|on va ou|a qui (?:je dois |dois je |faut il )?(?:m |s )?adresser|vers qui (?:me |se )tourner|qui (?:dois je |je dois |faut il )?contacter|a qui (?:je dois |dois je )?(?:m |s )?adresse", "aquiadresser"),
    (r"(?:c est |c )?long pour (?:avoir|obtenir|decrocher)|(?:c est|c) long (?:avant|pour)", "delai"),
    (r"suivi long|accompagnement long|sur le long terme|suivi complet|accompagnement complet", "accompagnement"),
    (r"(?:va|vont|pourra|pourrait) (?:le )?savoir|le sache|le saura|le sauront|sera au courant", "courant"),
    (r"en cours de route|laisser tomber|en plan|arreter en cours|tout stopper|m arreter", "arreter"),
    (r"arret maladie|arret de travail|longue maladie|accident du travail|en arret|arret longue", "maladie"),
    (r"temps de travail|heures de travail|heures de boulot|heures de bureau|pendant le boulot|pendant le travail|sur mon temps|poser des conges|poser un conge|poser une journee|poser des rtt", "tempstravail"),
    (r"fonction publique(?: territoriale| hospitaliere| d etat)?|agents? publics?|agents? de l etat|agents? de la fonction publique", "fonctionnaire"),
    (r"mission locale|missions locales|pacea|contrat d engagement jeune|cej", "missionlocale"),
    (r"cap emploi|travailleurs? handicapes?|situation de handicap|reconnaissance travailleur handicape", "handicap"),
    (r"france travail|pole emploi|demandeurs? d emploi|sans emploi|inscrite? au chomage|au chomage", "chomage"),
    (r"auto entrepreneurs?|auto entreprise|micro entrepreneurs?|micro entreprise|a mon compte|a son compte|profession liberale|en liberal|travailleurs? independants?", "independant"),
    (r"outre mer|d outre mer|ultra marins?|ultramarins?|ultramarines?|les dom|dom tom|les drom", "outremer"),
    (r"code du travail (?:local|propre)|propre code du travail|son propre code|collectivite d outre mer|pays d outre mer", "caledonie"),
    (r"bilans? de competences?", "bilancompetences"),
    (r"compte personnel de formation|compte formation|mon compte formation|moncompteformation", "cpf"),
    (r"validation des acquis(?: de l experience)?|faire valider (?:mon|mes|son) (?:experience|acquis)|valider (?:mon|mes|son) experience", "vae"),
    (r"transitions? collectives?|transco|plan social|postes supprimes|licenciement economique|pse", "transco"),
    (r"projets? de transition professionnelle|transitions? pro(?:fessionnelle)?s?|ptp|cif|ex cif|ancien cif", "ptp"),
    (r"creer (?:une|mon|ma|son|sa) (?:entreprise|boite|societe|activite|commerce)|creation d entreprise|monter (?:ma|mon|une|un|leur|sa|son) (?:boite|entreprise|societe|activite|commerce|affaire)|me mettre a mon compte|reprendre une entreprise|reprise d entreprise|lancer (?:ma|mon|une|un) (?:boite|entreprise|activite)", "creationentreprise"),
    (r"entre nous|reste secret|restent secretes?|secret professionnel", "confidentiel"),
    (r"numero vert|numero de telephone|quel numero|un numero", "numero"),
    (r"pres de chez (?:moi|nous|vous)|chez (?:moi|nous)|ma region|mon departement|ma ville|mon coin|mon secteur|dans le coin|par chez (?:moi|nous)", "region"),
    (r"combien de (?:personnes|gens|beneficiaires|salaries|actifs)|beaucoup de (?:monde|gens|personnes)|nombre de (?:personnes|beneficiaires|gens)", "frequentation"),
    (r"(?:ca )?sert (?:vraiment )?a (?:quelque chose|rien)|ca marche vraiment|ca vaut le coup|taux de satisfaction", "efficace"),
    (r"ca coute|ca coute combien|combien ca coute|c est combien|0 euro|zero euro|un sou|des frais|a ma charge|de ma poche", "gratuit"),
    (r"idees? de metiers?|quel metier|me proposer des metiers|proposer des metiers|choisir (?:un|mon) metier", "proposemetier"),
    (r"en visio|par visio|a distance|par telephone|au telephone|en ligne|par internet|sans me deplacer|se deplacer|me deplacer", "distance"),
    (r"premier rdv|premier entretien|premier rendez vous", "premier rdv"),
    (r"c est quoi|qu est ce que|qu est ce qu|ca veut dire quoi|veut dire|en quoi consiste", "questce"),
    (r"a droit|ai droit|y a droit|avoir droit|le droit|ont droit|y ont acces|ont acces|peut en beneficier|peuvent en beneficier|en beneficier|en profiter|est ouvert|ouvert a|ca me concerne|me concerne|pour moi|c est pour moi|eligible|eligibilite", "droit"),
]
# one pass over the text: at each place, the first expression of the list that matches wins
_PHRASE_RX = re.compile(r"\b(?:" + "|".join(f"({p})" for p, _ in PHRASES) + r")\b")
_PHRASE_REPLACEMENTS = [f" {r} " for _, r in PHRASES]


def _replace_phrase(match: re.Match[str]) -> str:
    return _PHRASE_REPLACEMENTS[(match.lastindex or 1) - 1]

# Everyday words mapped to the word the phrasings use.
SYNONYMS = {
    "gratos": "gratuit", "gratuite": "gratuit", "payer": "payant", "paye": "payant", "payes": "payant", "paie": "payant",
    "payant": "payant", "prix": "gratuit", "tarif": "gratuit", "tarifs": "gratuit", "cout": "gratuit", "coute": "gratuit",
    "couter": "gratuit", "frais": "gratuit", "arnaque": "gratuit", "facture": "payant", "debourser": "payant",
    "boss": "employeur", "patron": "employeur", "patronne": "employeur", "chef": "employeur", "cheffe": "employeur",
    "direction": "employeur", "rh": "employeur", "drh": "employeur", "hierarchie": "employeur", "superieur": "employeur",
    "responsable": "employeur", "manager": "employeur", "boite": "employeur", "entreprise": "employeur", "societe": "employeur",
    "employeurs": "employeur",
    "taf": "travail", "boulot": "travail", "job": "travail", "emploi": "travail", "taff": "travail",
    "visio": "distance", "zoom": "distance", "teams": "distance", "skype": "distance", "internet": "distance",
    "deplacer": "distance", "deplacement": "distance", "telephone": "telephone", "tel": "telephone", "appeler": "telephone",
    "chomdu": "chomage", "chomeur": "chomage", "chomeuse": "chomage", "allocations": "chomage", "are": "chomage",
    "reconvertir": "reconversion", "reconverti": "reconversion", "demissionner": "demission", "demissionne": "demission",
    "autoentrepreneur": "independant", "microentrepreneur": "independant", "freelance": "independant",
    "artisan": "independant", "commercant": "independant", "commercante": "independant", "liberal": "independant",
    "independante": "independant", "independants": "independant",
    "fonctionnaires": "fonctionnaire", "contractuel": "fonctionnaire", "contractuelle": "fonctionnaire",
    "titulaire": "fonctionnaire", "territorial": "fonctionnaire", "territoriale": "fonctionnaire", "hospitalier": "fonctionnaire",
    "hospitaliere": "fonctionnaire", "hopital": "fonctionnaire",
    "rqth": "handicap", "handicape": "handicap", "handicapee": "handicap", "invalidite": "handicap", "mdph": "handicap",
    "confidentielle": "confidentiel", "confidentialite": "confidentiel", "secret": "confidentiel", "secrete": "confidentiel",
    "discret": "confidentiel", "discrete": "confidentiel", "discretion": "confidentiel", "anonyme": "confidentiel",
    "transmis": "confidentiel", "transmises": "confidentiel", "transmise": "confidentiel", "repeter": "confidentiel",
    "divulguer": "confidentiel", "partager": "confidentiel", "fuiter": "confidentiel",
    "prevenu": "courant", "prevenue": "courant", "prevenir": "courant", "averti": "courant", "sache": "courant",
    "informe": "informer", "informee": "informer", "informes": "informer",
    "autorisation": "accord", "permission": "accord", "accepter": "accord", "signer": "accord", "valider": "accord",
    "delai": "delai", "delais": "delai", "attendre": "delai", "attente": "delai", "longtemps": "delai",
    "abandonner": "arreter", "stopper": "arreter", "interrompre": "arreter", "arret": "arreter", "arrete": "arreter",
    "engage": "arreter", "engagee": "arreter", "obliger": "arreter",
    "recommencer": "refaire", "deuxieme": "refaire", "second": "refaire", "seconde": "refaire", "renouveler": "refaire",
    "synthese": "document", "ecrit": "document", "resume": "document", "papier": "document", "attestation": "document",
    "apporter": "preparer", "amener": "preparer", "cv": "preparer", "diplomes": "preparer", "preparation": "preparer",
    "cap": "formation", "bts": "formation", "certification": "formation", "caces": "formation", "diplomant": "formation",
    "diplomante": "formation", "stage": "formation", "cursus": "formation", "etudes": "formation",
    "financer": "financ", "financement": "financ", "finance": "financ", "financee": "financ", "finances": "financ",
    "rembourser": "financ", "rembourse": "financ", "prise": "financ",
    "etudiant": "etudiant", "etudiante": "etudiant", "eleve": "etudiant", "fac": "etudiant", "universite": "etudiant",
    "master": "etudiant", "licence": "etudiant", "lyceen": "etudiant", "lyceenne": "etudiant",
    "retraite": "retraite", "retraitee": "retraite", "retraites": "retraite",
    "interim": "contrat", "interimaire": "contrat", "cdd": "contrat", "apprenti": "contrat", "apprentie": "contrat",
    "apprentissage": "contrat", "alternance": "contrat", "alternant": "contrat", "alternante": "contrat",
    "agriculteurs": "agriculteur", "agricultrice": "agriculteur", "exploitant": "agriculteur", "eleveur": "agriculteur",
    "eleveuse": "agriculteur", "paysan": "agriculteur", "paysanne": "agriculteur", "viticulteur": "agriculteur",
    "agricole": "agriculteur", "ferme": "agriculteur",
    "conjointe": "conjoint", "collaborateur": "conjoint", "collaboratrice": "conjoint", "epouse": "conjoint", "mari": "conjoint",
    "livreur": "plateforme", "livreuse": "plateforme", "vtc": "plateforme", "uber": "plateforme", "deliveroo": "plateforme",
    "coursier": "plateforme", "appli": "plateforme", "application": "plateforme", "plateformes": "plateforme",
    "expatrie": "etranger", "expatriee": "etranger", "expat": "etranger", "frontalier": "monaco", "frontaliere": "monaco",
    "principaute": "monaco", "monegasque": "monaco",
    "jeunes": "jeune", "age": "jeune", "mineur": "jeune", "diplome": "jeune",
    "efficace": "efficace", "utile": "efficace", "resultats": "efficace", "satisfaits": "efficace", "contents": "efficace",
    "satisfaction": "efficace", "statistiques": "frequentation", "chiffres": "frequentation", "utilisent": "frequentation",
    "organisme": "operateur", "prestataire": "operateur", "structure": "operateur", "gere": "operateur", "gerer": "operateur",
    "occupe": "operateur", "operateurs": "operateur",
    "contacter": "contact", "joindre": "contact", "reserver": "contact", "inscrire": "contact", "trouver": "contact",
    "conseillere": "conseiller", "conseillers": "conseiller", "consultant": "conseiller", "coach": "conseiller",
    "etapes": "etape", "deroule": "deroulement", "derouler": "deroulement", "niveaux": "niveau",
    "ponctuel": "ponctuel", "ponctuelle": "ponctuel", "fois": "ponctuel", "seul": "ponctuel", "seule": "ponctuel",
    "simple": "ponctuel", "unique": "ponctuel",
    "suivi": "accompagnement", "accompagne": "accompagnement", "accompagner": "accompagnement",
    "complet": "accompagnement", "vrai": "accompagnement",
    "obligatoire": "obligatoire", "oblige": "obligatoire", "obligation": "obligatoire", "necessaire": "obligatoire",
    "imposer": "obligatoire",
    "dispositif": "cep", "service": "cep", "truc": "cep", "machin": "cep", "ca": "cep",
}
# Light French stemming: plural and feminine forms, then one verb or noun ending.
_ENDINGS = (
    "issements", "issement", "ements", "ement", "ations", "ation", "itions", "ition", "ances", "ance", "ences", "ence",
    "ent", "ites", "ite", "ables", "able", "ibles", "ible", "iques", "ique", "ismes", "isme", "istes", "iste",
    "erions", "eriez", "eraient", "erait", "erais", "erai", "eras", "era", "erons", "erez", "eront",
    "aient", "ions", "iez", "ait", "ais", "ant", "ants", "antes", "ante", "ees", "ee", "es", "er", "ez", "e",
)


# the longest ending that leaves at least four letters
_ENDING_RX = re.compile("(?:" + "|".join(sorted(_ENDINGS, key=len, reverse=True)) + ")$")


def stem(word: str) -> str:
    """A crude French stem: enough to merge plural, feminine and verb forms."""
    if len(word) <= 4 or word.isdigit():
        return word
    if word[-1] in "sx":
        word = word[:-1]
    match = _ENDING_RX.search(word, 4)
    if match is not None:
        cut = match.start()
        if match.group() != "ent" or cut >= 5:
            word = word[:cut]
    if len(word) > 4 and word[-1] == word[-2] and word[-1] in "lnmtrsp":
        word = word[:-1]  # "demissionn" -> "demission"
    return word


_STEM_SYNONYMS = {stem(k): v for k, v in SYNONYMS.items() if stem(k) not in SYNONYMS}


def _canonical(word: str) -> str | None:
    word = SYNONYMS.get(word, word)
    if word in STOPWORDS or len(word) < 2 or word.isdigit():
        return None
    if word in QUESTION_WORDS:
        return word
    stemmed = stem(word)
    return stem(_STEM_SYNONYMS.get(stemmed, SYNONYMS.get(stemmed, word)))


_REGION = "region"
# Pieces of a message: sentences and comma-separated parts, a "?" kept with its piece.
_PIECES = re.compile(r"[^.?!;,\n]+[?]*")


def content_stems(text: str) -> list[str]:
    """The stems of ``text`` that count for matching, in order."""
    normalized = normalize(text)
    normalized = _PHRASE_RX.sub(_replace_phrase, normalized)
    out = []
    for word in normalized.split():
        canonical = _canonical(word)
        if canonical is not None:
            out.append(canonical)
    return out


@dataclass(frozen=True, slots=True)
class QuestionMatch:
    id: str
    score: float
    runner_up: str | None = None
    runner_up_score: float = 0.0

    @property
    def confident(self) -> bool:
        return self.score >= CONFIDENT and (self.score - self.runner_up_score >= MARGIN or self.score >= CLEAR)

    @property
    def possible(self) -> bool:
        return self.score >= POSSIBLE


@dataclass
class QuestionIndex:
    """Phrasings of one snapshot, ready to match."""

    snapshot: Snapshot = field(repr=False)

    def __post_init__(self) -> None:
        phrasings: list[tuple[str, list[str]]] = []
        for question in self.snapshot.questions.values():
            for phrasing in question.phrasings:
                stems = content_stems(phrasing)
                if stems:
                    phrasings.append((question.id, stems))
        doc_freq: dict[str, int] = defaultdict(int)
        for _, stems in phrasings:
            for s in set(stems):
                doc_freq[s] += 1
        total = max(len(phrasings), 1)
        self.idf = {s: math.log(1 + total / df) * (0.35 if s in QUESTION_WORDS else 1.0) for s, df in doc_freq.items()}
        self.vocab = sorted(s for s in self.idf if len(s) >= 4)
        self.phrasings = [(qid, {s: self.idf[s] for s in set(stems)}, sum(self.idf[s] for s in set(stems))) for qid, stems in phrasings]
        self.by_stem: dict[str, list[int]] = defaultdict(list)
        for index, (_, weights, _) in enumerate(self.phrasings):
            for s in weights:
                self.by_stem[s].append(index)
        self.question_vocab: dict[str, set[str]] = defaultdict(set)
        for qid, weights, _ in self.phrasings:
            self.question_vocab[qid].update(weights)

    def _known(self, stems: list[str]) -> tuple[set[str], int]:
        """Known stems (typos corrected) and the count of unknown ones."""
        known, unknown, _ = self._read(stems)
        return known, unknown

    def _read(self, stems: list[str]) -> tuple[set[str], int, int]:
        """Known stems (typos corrected), the count of unknown ones, and of unknown long ones."""
        known: set[str] = set()
        unknown = long_unknown = 0
        for s in dict.fromkeys(stems):
            if s in self.idf:
                known.add(s)
                continue
            if len(s) >= 5:
                match = process.extractOne(s, self.vocab, scorer=fuzz.ratio, score_cutoff=85)
                if match is not None:
                    known.add(match[0])
                    continue
            unknown += 1
            long_unknown += len(s) >= 4
        return known, unknown, long_unknown

    def match(self, text: str, ignore: frozenset[str] = frozenset(), extra: tuple[str, ...] = ()) -> QuestionMatch | None:
        """The closest question to ``text`` and its score in [0, 1], or None if nothing shares a word.

        ``ignore`` holds stems to leave out of the message (the place, already understood);
        ``extra`` stems stand for it ("outremer", "etranger"...). A long message that tells a
        situation and then asks ("salarié à Lyon, en CDI, je dois prévenir mon patron ?") is
        also read piece by piece: the pieces that ask are matched on their own, and the best
        reading wins.
        """
        text = text[:2000]
        best = self._match(text, ignore, extra)
        pieces = [p for p in _PIECES.findall(text) if p.strip()]
        if len(pieces) > 1 and len(content_stems(text)) >= LONG_MESSAGE:
            asking = [p for p in pieces if "?" in p or _ASKING.search(normalize(p))][-3:]
            for piece in asking:
                stems = set(content_stems(piece))
                weights = sorted((self.idf[t] for t in stems if t in self.idf), reverse=True)
                if not weights or (weights[0] < TOPICAL and (len(weights) < 2 or weights[1] < 1.5)):
                    continue  # too little said in that piece alone ("je peux faire un cep ?")
                found = self._match(piece, ignore, extra if ignore & stems else ())
                if found is not None and (best is None or found.score * PIECE_FACTOR > best.score):
                    best = QuestionMatch(found.id, round(found.score * PIECE_FACTOR, 4), found.runner_up, round(found.runner_up_score * PIECE_FACTOR, 4))
        return best

    def _match(self, text: str, ignore: frozenset[str], extra: tuple[str, ...]) -> QuestionMatch | None:
        stems = [s for s in content_stems(text) if s not in ignore]
        kinds = [k for k in (_canonical(e) for e in extra) if k is not None]
        if kinds and kinds != [_REGION]:
            stems = [s for s in stems if s != _REGION]  # "chez nous" is the overseas place already given
        stems.extend(k for k in kinds if k in self.idf)
        if not stems:
            return None
        known, unknown, long_unknown = self._read(stems)
        if not known - set(kinds):
            return None  # the place alone asks nothing
        lone_word = long_unknown > 0 and len({t for t in known if self.idf[t] >= 1.5 and t not in QUESTION_WORDS}) <= 1
        known_weight = sum(self.idf[s] for s in known)
        message_weight = known_weight + UNKNOWN_WEIGHT * unknown
        shared: dict[int, float] = defaultdict(float)
        for s in known:
            weight = self.idf[s]
            for index in self.by_stem.get(s, ()):
                shared[index] += weight
        scores: dict[str, float] = {}
        phrasings = self.phrasings
        for index, common in shared.items():
            qid, weights, total = phrasings[index]
            score = common / total * (BASE + (1 - BASE) * common / message_weight)
            if len(weights) > 1 and common < max(weights.values()) * 1.01 and common < total * 0.5:
                score *= SINGLE_WORD  # one word shared, and not the phrasing's most telling one
            if score > scores.get(qid, 0.0):
                scores[qid] = score
        if not scores:
            return None
        topic = max(known, key=lambda t: self.idf[t])
        for qid in scores:
            vocab = self.question_vocab[qid]
            explained = sum(self.idf[s] for s in known if s in vocab) / message_weight
            factor = 0.8 + 0.3 * explained
            if topic not in vocab:
                factor *= TOPIC_PENALTY  # the message's rarest word is not what this question is about
            scores[qid] = min(1.0, scores[qid] * factor)
        if lone_word:
            # one known word among words the knowledge base never uses: "le prix de l'essence"
            for qid in scores:
                scores[qid] *= LONE_WORD
        if not _ASKING.search(normalize(text)) and "?" not in text:
            for qid in scores:
                scores[qid] *= NOT_ASKED
        ranked = sorted(scores.items(), key=lambda item: -item[1])
        best_id, best = ranked[0]
        runner_id, runner = ranked[1] if len(ranked) > 1 else (None, 0.0)
        return QuestionMatch(best_id, round(best, 4), runner_id, round(runner, 4))
