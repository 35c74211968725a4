"""Find the person's situation (traits such as salarie, cadre, handicap) and need in a message.

Patterns run over the folded text (lowercase, no accents, single spaces). A match preceded
closely by a negation ("je ne suis plus salarié", "pas cadre", "ex-fonctionnaire") does not
count. Several traits can be present at once ("cadre au chômage", "salariée avec une RQTH");
the routing rules of the knowledge base decide what they mean together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.textnorm import fold

__all__ = ["Situation", "find_situation"]


def _rx(*patterns: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(patterns) + r")\b")


# Patterns whose words already say "no job": never negated themselves.
_JOBLESS = _rx(
    r"sans (?:emploi|travail|boulot|job|taf|activite)",
    r"(?:pas|plus|perdu mon|perdu son) (?:d |de |mon |d un |un )?(?:emploi|travail|boulot|job|taf|poste)",
    r"(?:j ai|je suis|on m a|je viens d etre|viens d etre|me suis fait|je me suis fait|j ai ete) (?:ete )?licencie\w*",
    r"licencie\w*",
    r"licenciement",
    r"fin de (?:contrat|cdd|mission|droits)",
    r"rupture conventionnelle",
    r"entre deux (?:emplois|contrats|boulots|jobs|postes|missions)",
)
TRAITS: dict[str, re.Pattern[str]] = {
    "agent_public": _rx(
        r"fonctionnaires?",
        r"fonction publique",
        r"agents? (?:public|publique|publics|de l etat|territorial|territoriale|hospitalier|hospitaliere|titulaire)",
        r"contractuel(?:le)?s? (?:de la fonction publique|de l etat|public|publique|territorial|territoriale|de mairie|a la mairie)",
        r"titulaire de la fonction publique",
        r"(?:travaille|bosse|employe|employee|agent|taf|boulot) (?:a|pour|dans|en) (?:la |une )?(?:mairie|prefecture|collectivite|region|ministere)",
        r"(?:a|dans|pour) (?:la |une |un |l )?(?:mairie|prefecture|collectivite territoriale|conseil departemental|conseil regional|ministere|chu|aphp|ap hp|hopital public|education nationale|fonction publique hospitaliere)",
        r"hopital public",
        r"education nationale",
        r"enseignante?s? (?:titulaire|du public|de l education nationale)",
        r"professeure? des ecoles",
        r"prof(?:esseur|esseure)? (?:en|au|de) (?:college|lycee) public",
        r"militaire",
        r"gendarme",
        r"policier(?:e)?",
        r"atsem",
        r"fpt|fph|fpe",
    ),
    "handicap": _rx(
        r"rqth",
        r"handicap\w*",
        r"travailleu(?:r|se)s? handicape\w*",
        r"reconnaissance (?:de la qualite )?de travailleur handicape",
        r"invalidite",
        r"mdph",
        r"boeth",
        r"\baah\b",
    ),
    "cadre": _rx(
        r"(?<!dans le )(?<!le )(?<!un )(?<!du )cadres?(?! de vie)(?! legal)(?! juridique)",
        r"statut cadre",
        r"ingenieure?s?",
        r"directeur|directrice",
        r"cadre dirigeant",
        r"manager",
    ),
    "demandeur_emploi": _rx(
        r"chomage",
        r"chomeu(?:r|se)s?",
        r"chomdu",
        r"demandeu(?:r|se)s? d emploi",
        r"inscrite? (?:a|au|chez|comme) (?:france travail|pole emploi|ft|le chomage)",
        r"(?:a|chez) (?:france travail|pole emploi)",
        r"en recherche d emploi",
        r"recherche (?:d |un |du )?(?:emploi|travail|boulot|job)",
        r"(?:je )?cherche (?:du |un |d un |de |a )?(?:travail|emploi|boulot|job|taf|poste)",
        r"fin de droits",
        r"au rsa",
        r"\bare\b",
    ),
    "independant": _rx(
        r"independante?s?",
        r"auto ?entrepreneu(?:r|se)s?",
        r"micro ?entrepreneu(?:r|se)s?",
        r"micro ?entreprise",
        r"free ?lance\w*",
        r"freelanceu(?:r|se)",
        r"artisane?s?",
        r"commercante?s?",
        r"profession(?:s)? liberale?s?",
        r"(?:en|exerce en|installee? en) liberal",
        r"liberale?",
        r"agricult(?:eur|rice)s?",
        r"exploitante? agricole",
        r"eleveu(?:r|se)",
        r"viticult(?:eur|rice)",
        r"maraich(?:er|ere)",
        r"paysanne?",
        r"(?:a|pour) mon (?:propre )?compte",
        r"tns",
        r"travailleur non salarie",
        r"non salariee?",
        r"gerante? (?:majoritaire|de (?:ma|mon|sa|son) (?:societe|entreprise|boite|sarl|eurl|commerce))",
        r"chef(?:fe)? d entreprise",
        r"(?:j ai|je gere|j ai cree|j ai monte|je dirige) (?:ma|mon|une|un) (?:propre )?(?:boite|entreprise|societe|commerce|sarl|eurl|sasu|cabinet|restaurant|salon)",
        r"eurl|sasu",
        r"entrepreneu(?:r|se)",
        r"vtc",
        r"consultante? independante?",
    ),
    "salarie": _rx(
        r"salariee?s?",
        r"employee?s?(?! de la fonction publique)",
        r"cdi",
        r"cdd",
        r"interim\w*",
        r"apprentie?s?",
        r"apprentissage",
        r"alternance",
        r"alternante?s?",
        r"contrat (?:pro|de professionnalisation|aide)",
        r"temps partiel",
        r"mi temps",
        r"ouvri(?:er|ere)s?",
        r"en poste",
        r"j ai un (?:emploi|travail|boulot|job|poste|contrat)",
        r"mon (?:patron|employeur|chef|boss|manager)",
        r"ma (?:boite|direction|patronne|cheffe|entreprise)",
        r"dans (?:le|une entreprise du) prive",
        r"(?:je )?(?:travaille|bosse|taffe|bossons) (?:chez|pour|dans une?|en usine|en entreprise|a l usine|comme|en tant que|en boite)",
        r"(?:je suis|suis) (?:vendeu(?:r|se)|caissiere|caissier|secretaire|assistante?|technicien(?:ne)?|magasinier|cariste|comptable|infirmiere en clinique|aide soignante en clinique|serveu(?:r|se)|cuisinier|cuisiniere|commercial|commerciale|chauffeur|livreur|agent de securite|agent d entretien|preparateur|preparatrice|operateur|operatrice|employe|employee|ouvrier|ouvriere|auxiliaire de vie|aide a domicile|conseillere|conseiller|developpeu(?:r|se)|informaticien(?:ne)?|logisticien(?:ne)?|manutentionnaire|boulang(?:er|ere)|coiffeu(?:r|se)|esthecienne|estheticienne|mecanicien|plombier|electricien|macon)",
    ),
}
# Generic work wording: an employee unless something more specific was said.
_WORKING = _rx(
    r"je (?:travaille|bosse|taffe|suis en activite|suis actif|suis active)",
    r"(?:mon|ma) (?:travail|boulot|job|taf|metier|poste|boite)",
    r"j ai un (?:emploi|travail|boulot|job)",
    r"en activite",
)
_NEGATION_BEFORE = re.compile(r"(?:\bne\b|\bn\b|\bpas\b|\bplus\b|\bjamais\b|\bex\b|\bancien(?:ne)?\b|\bnon\b|\bavant\b|\bautrefois\b|\bsans\b|\bni\b)(?:\s+\S+){0,3}\s*$")
_NEGATION_AFTER = re.compile(r"^\s*(?:non|pas|plus)\b")
_AGE = re.compile(r"\b(?:j ai|ai|age de|agee? de|moi|de) (\d{2}) ans\b|\b(\d{2}) ans\b")
_YOUNG = _rx(
    r"jeunes?(?! diplome)",
    r"moins de 26 ans",
    r"moins de 25 ans",
    r"sortie? (?:de l ecole|du lycee|de la fac|des etudes|du systeme scolaire)",
    r"decrocheu(?:r|se)",
    r"sans diplome",
    r"pas de diplome",
    r"arrete (?:l ecole|les cours|mes etudes)",
)

NEEDS: dict[str, re.Pattern[str]] = {
    "accompagnement": _rx(
        r"reconver\w*",
        r"reconvertir",
        r"changer (?:de |d )?(?:metier|job|boulot|travail|voie|secteur|carriere|orientation|domaine|vie professionnelle|branche|emploi|poste|taf)",
        r"changement (?:de |d )?(?:metier|carriere|voie|secteur|orientation)",
        r"nouveau metier",
        r"reorient\w*",
        r"(?:creer|creation|monter|lancer|ouvrir|reprendre|reprise) (?:de |d |mon |ma |une |un |d une |son |sa )?(?:propre )?(?:entreprise|boite|activite|societe|commerce|affaire|micro entreprise|auto entreprise|cabinet|restaurant)",
        r"creation d entreprise",
        r"me (?:faire )?(?:accompagner|suivre|aider sur (?:la duree|plusieurs mois))",
        r"accompagnement",
        r"accompagne(?:e)? (?:sur|dans|pendant|tout au long)",
        r"sur (?:plusieurs|quelques) (?:mois|semaines|rendez vous|rdv|seances)",
        r"sur la duree",
        r"dans la duree",
        r"suivi",
        r"(?:mon|un|le) projet (?:pro|professionnel|de reconversion|de formation|de creation)",
        r"projet de \w+",
        r"evoluer",
        r"demission(?:ner)? pour",
        r"transition professionnelle",
        r"bilan",
        r"construire (?:un|mon) projet",
        r"(?:faire|suivre|reprendre) une formation",
        r"vae",
    ),
    "ponctuel": _rx(
        r"ponctuel\w*",
        r"(?:juste|simplement|seulement|qu) une (?:question|info|information|precision)",
        r"une (?:simple )?question",
        r"un (?:simple )?(?:conseil|renseignement|avis|rendez vous|rdv|entretien|echange)",
        r"(?:juste|seulement|simplement) (?:un|une) \w+",
        r"faire le point",
        r"une seule fois",
        r"une fois",
        r"rapide(?:ment)?",
        r"(?:un|une) (?:seul|seule) (?:rendez vous|rdv|entretien|seance)",
        r"besoin ponctuel",
        r"pas (?:besoin )?(?:d |de )?(?:un )?accompagnement",
        r"pas de suivi",
    ),
}


@dataclass(frozen=True, slots=True)
class Situation:
    """Traits found (and those explicitly denied), the need, and an age if one was given."""

    traits: frozenset[str]
    denied: frozenset[str]
    need: str | None
    age: int | None


def _negated(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 40) : start]
    after = text[end : end + 8]
    return bool(_NEGATION_BEFORE.search(before)) or bool(_NEGATION_AFTER.match(after) and not after.strip().startswith("non salari"))


def _present(pattern: re.Pattern[str], text: str) -> tuple[bool, bool]:
    """(found affirmatively, found only negated)."""
    found = denied = False
    for match in pattern.finditer(text):
        if _negated(text, match.start(), match.end()):
            denied = True
        else:
            found = True
    return found, denied and not found


def find_situation(text: str, *, skip: tuple[int, int] | None = None) -> Situation:
    """Traits, need and age found in ``text`` (pure; never raises)."""
    folded = fold(text[:4096])
    if skip is not None:
        words = folded.split()
        folded = " ".join(words[: skip[0]] + ["_"] * (skip[1] - skip[0]) + words[skip[1] :])
    traits: set[str] = set()
    denied: set[str] = set()
    for trait, pattern in TRAITS.items():
        found, only_denied = _present(pattern, folded)
        if found:
            traits.add(trait)
        elif only_denied:
            denied.add(trait)
    if _JOBLESS.search(folded):
        traits.add("demandeur_emploi")
        if "salarie" in traits and not re.search(r"\b(?:cdi|cdd|en poste|interim\w*)\b", folded):
            traits.discard("salarie")
    if "salarie" in denied and "salarie" not in traits and not traits & {"independant", "agent_public"}:
        # "je ne suis plus salarié": most often out of work now
        pass
    age = None
    for match in _AGE.finditer(folded):
        value = int(match.group(1) or match.group(2))
        prefix = folded[max(0, match.start() - 12) : match.start()]
        if "depuis" in prefix or "pendant" in prefix or "il y a" in prefix:
            continue
        if 14 <= value <= 80:
            age = value
            break
    young_words = _present(_YOUNG, folded)[0]
    if (age is not None and 16 <= age <= 25) or young_words:
        traits.add("jeune")
    if age is not None and age > 25:
        traits.discard("jeune")
    if not traits & {"salarie", "independant", "agent_public", "demandeur_emploi"} and _WORKING.search(folded):
        working_found, _ = _present(_WORKING, folded)
        if working_found:
            traits.add("salarie")
    if "independant" in traits and "salarie" in traits and re.search(r"\bnon salarie", folded):
        traits.discard("salarie")
    need = None
    accomp_found, _ = _present(NEEDS["accompagnement"], folded)
    ponct_found, _ = _present(NEEDS["ponctuel"], folded)
    if accomp_found and not re.search(r"\bpas (?:besoin )?(?:d |de )?(?:un )?accompagnement|pas de suivi", folded):
        need = "accompagnement"
    elif ponct_found:
        need = "ponctuel"
    return Situation(frozenset(traits), frozenset(denied - traits), need, age)
