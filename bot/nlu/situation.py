"""Find the person's situation (traits such as salarie, cadre, handicap) and need in a message.

The message is cut into clauses (at punctuation and at linking words such as "mais", "et",
"maintenant"), each folded (lowercase, no accents) with texting spellings spelled out
("jsuis" -> "je suis"). Patterns run clause by clause. A match preceded in its clause by a
negation ("je ne suis plus salarié", "pas cadre", "ex-fonctionnaire"), by a word that puts it in
the past ("j'ai quitté la fonction publique", "j'étais artisan") or in a wish ("je veux me lancer
à mon compte", "devenir infirmière") does not count as a present trait. Several traits can be
present at once ("cadre au chômage", "salariée avec une RQTH"); the routing rules of the
knowledge base decide what they mean together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.textnorm import clauses

__all__ = ["Situation", "find_situation"]


def _rx(*patterns: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(patterns) + r")\b")


# Patterns whose words already say "no job": never negated themselves.
_JOBLESS = _rx(
    r"sans (?:emploi|travail|boulot|job|taf|activite|poste)",
    r"(?:pas|plus|perdu mon|perdu son|perdu mon|rien) (?:d |de |mon |d un |un )?(?:emploi|travail|boulot|job|taf|poste)",
    r"(?:j ai|je suis|on m a|je viens d etre|viens d etre|me suis fait|je me suis fait|j ai ete) (?:ete )?licencie\w*",
    r"licencie\w*",
    r"licenciement",
    r"fin de (?:contrat|cdd|mission|droits)",
    r"rupture conventionnelle",
    r"entre deux (?:emplois|contrats|boulots|jobs|postes|missions)",
    r"(?:je )?touche (?:le chomage|l are|les assedic|le rsa|mes droits)",
)
# Job names: someone who gives one works, most often as an employee.
_JOBS = (
    r"vendeu(?:r|se)s?|caissier(?:e)?s?|secretaire|assistante?|technicien(?:ne)?|magasinier(?:e)?|cariste|comptable|"
    r"aide soignante?|auxiliaire de vie|aide a domicile|agent de securite|agent d entretien|agent de proprete|"
    r"serveu(?:r|se)|cuisinier(?:e)?|commis|plongeu(?:r|se)|barman|barmaid|hote(?:sse)? de caisse|"
    r"commercial(?:e)?|chauffeur|chauffeu(?:r|se) routier|livreu(?:r|se)|preparat(?:eur|rice)|operat(?:eur|rice)|"
    r"manutentionnaire|logisticien(?:ne)?|employee?|ouvri(?:er|ere)|conseill(?:er|ere)|developpeu(?:r|se)|dev|"
    r"informaticien(?:ne)?|boulang(?:er|ere)|patissier(?:e)?|coiffeu(?:r|se)|estheticienne|mecanicien(?:ne)?|"
    r"plombier|electricien(?:ne)?|macon|menuisier|peintre en batiment|infirmier(?:e)?|sage femme|"
    r"educat(?:eur|rice)(?: specialisee?)?|animat(?:eur|rice)|moniteu(?:r|se)|chef d equipe|chef de rayon|"
    r"responsable (?:de |d )?\w+|gestionnaire|acheteu(?:r|se)|juriste|graphiste|redact(?:eur|rice)|"
    r"ambulancier(?:e)?|brancardier|manipulat(?:eur|rice)|laborantine?|pharmacien(?:ne)?|"
    r"agent de (?:quai|production|fabrication|maitrise|accueil)|hotesse|receptionniste|standardiste|"
    r"agent (?:logistique|administratif|administrative)|assistant(?:e)? (?:de direction|administrative?|commerciale?|rh)|"
    r"soudeu(?:r|se)|tourneu(?:r|se)|fraiseu(?:r|se)|conducteu(?:r|rice) de ligne|cordiste|grutier|"
    r"nounou|assistante maternelle|baby sitter|femme de menage|auxiliaire de puericulture"
)
TRAITS: dict[str, re.Pattern[str]] = {
    "agent_public": _rx(
        r"fonctionnaires?",
        r"fonction publique",
        r"agents? (?:public|publique|publics|de l etat|territorial|territoriale|territoriaux|hospitalier|hospitaliere|titulaire|de la fonction publique)",
        r"contractuel(?:le)?s? (?:de la fonction publique|dans la fonction publique|de l etat|public|publique|territorial|territoriale|de mairie|a la mairie|de l education nationale|a l education nationale)",
        r"titulaire de la fonction publique",
        r"(?:travaille|bosse|employe|employee|agent|taf|boulot|poste) (?:a|au|pour|dans|en) (?:la |une |l )?(?:mairie|prefecture|collectivite|region|ministere|conseil departemental|conseil regional|metropole|intercommunalite)",
        r"(?:a|au|dans|pour) (?:la |une |un |l )?(?:mairie|prefecture|collectivite territoriale|conseil departemental|conseil regional|ministere|chu|aphp|ap hp|hopital public|education nationale|fonction publique hospitaliere)",
        r"hopital public",
        r"education nationale",
        r"(?:college|lycee|ecole|universite|fac) public(?:que)?",
        r"enseignante?s? (?:titulaire|du public|de l education nationale)",
        r"prof(?:esseure?)? des ecoles",
        r"instit(?:uteur|utrice)?s?",
        r"prof(?:esseur|esseure)? (?:en|au|de|dans un|dans une) (?:college|lycee) public",
        r"militaire",
        r"gendarme",
        r"douanier(?:e)?",
        r"(?:sapeur )?pompier professionnel(?:le)?",
        r"(?:travaille|bosse|employee?|agent) (?:pour|a) l etat",
        r"enseignante?s?(?! dans le prive)(?! du prive)(?! en ecole privee)",
        r"prof(?:esseur|esseure)? (?:de \w+ )?(?:en|au|dans un|dans une) (?:college|lycee)(?! prive)",
        r"policier(?:e)?",
        r"atsem",
        r"aesh",
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
        r"aah",
    ),
    "cadre": _rx(
        r"(?<!dans le )(?<!le )(?<!un )(?<!du )(?<!au )cadres?(?! de vie)(?! legal)(?! juridique)(?! de sante)(?! reglementaire)",
        r"cadre de sante",
        r"statut cadre",
        r"ingenieure?s?",
        r"directeur|directrice",
        r"cadre dirigeant",
        r"manager",
    ),
    "demandeur_emploi": _rx(
        r"chomage",
        r"chomeu(?:r|se)s?",
        r"demandeu(?:r|se)s? d emploi",
        r"inscrite?s? (?:a |au |chez |comme )?(?:france travail|pole emploi|ft|le chomage)",
        r"(?:a|chez) (?:france travail|pole emploi)",
        r"en recherche d emploi",
        r"recherche (?:d |un |du )?(?:emploi|travail|boulot|job|taf)",
        r"(?:je )?cherche (?:du |un |d un |de |a |activement )?(?:travail|emploi|boulot|job|taf|poste)",
        r"fin de droits",
        r"au rsa",
        r"are",
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
        r"gerante? (?:majoritaire|de (?:ma|mon|sa|son) (?:societe|entreprise|boite|sarl|eurl|commerce|boutique|magasin|restaurant|salon))",
        r"chef(?:fe)? d entreprise",
        r"(?:j ai|je gere|j ai cree|j ai monte|je dirige|j ai ouvert|je tiens) (?:ma|mon|une|un) (?:propre |petite |petit )?(?:boite|entreprise|societe|commerce|sarl|eurl|sasu|cabinet|restaurant|salon|boutique|magasin|atelier|agence|bar|ferme|exploitation)",
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
        r"intermittente?s? du spectacle",
        r"saisonniere?s?",
        r"temps partiel",
        r"mi temps",
        r"ouvri(?:er|ere)s?",
        r"en poste",
        r"j ai un (?:emploi|travail|boulot|job|poste|contrat)",
        r"mon (?:patron|employeur|chef|boss|manager)",
        r"ma (?:direction|patronne|cheffe)",
        r"(?:dans|en) (?:le|une entreprise du) prive",
        r"(?:clinique|entreprise|societe|structure|ecole|etablissement) privee?",
        r"(?:a|en|dans) (?:l |une |un )?usine",
        r"[235]x8",
        r"(?:je )?(?:travaille|bosse|taffe|bossons|travaillons) (?:chez|pour|dans une?|en usine|en entreprise|a l usine|comme|en tant que|en boite|dans l|dans la|dans le)",
        r"(?:je suis|suis|en tant que|comme|travaille comme|bosse comme|poste de|poste d) (?:" + _JOBS + r")",
    ),
}
# Details that refine a door (issue 12). The employer kinds count only for a public agent
# (see find_situation); a soldier is a public agent.
TRAITS.update(
    {
        "militaire": _rx(
            r"militaires?",
            r"soldats?",
            r"(?:sous )?officiers? (?:de l armee|de marine|dans l armee)",
            r"(?:dans|de) l armee(?: de terre| de l air)?",
            r"armee de (?:terre|l air)",
            r"marine nationale",
            r"legionnaires?",
            r"engagee? volontaire",
            r"(?:ministere|ministre) des armees",
        ),
        "fp_hospitaliere": _rx(
            r"hopital public",
            r"hopital",
            r"centre hospitalier",
            r"chu|chr|aphp|ap hp",
            r"fph",
            r"fonction publique hospitaliere",
            r"hospitali(?:er|ere)s?",
            r"ehpad public",
        ),
        "fp_territoriale": _rx(
            r"mairie",
            r"collectivites?(?: territoriales?| locales?)?",
            r"conseil (?:departemental|regional)",
            r"metropole",
            r"intercommunalite",
            r"communaute (?:de communes|d agglomeration|urbaine)",
            r"territoria(?:l|le|les|ux)",
            r"fpt",
            r"atsem",
            r"(?:sapeur )?pompier professionnel(?:le)?",
            r"centre de gestion",
        ),
        "fp_etat": _rx(
            r"ministeres?",
            r"prefecture",
            r"education nationale",
            r"enseignante?s?",
            r"prof(?:esseure?)? des ecoles",
            r"instit(?:uteur|utrice)?s?",
            r"prof(?:esseur|esseure)? (?:de \w+ )?(?:en|au|dans un|dans une) (?:college|lycee)",
            r"(?:college|lycee|universite) public(?:que)?",
            r"policier(?:e)?",
            r"police nationale",
            r"douanier(?:e)?",
            r"finances publiques",
            r"fpe",
            r"de l etat",
            r"aesh",
        ),
        "preavis": _rx(r"preavis"),
        "saisonnier": _rx(r"saisonniere?s?", r"saison(?:s)? (?:d ete|d hiver|touristique)", r"intermittente?s?(?: du spectacle)?"),
        "etudiant": _rx(r"etudiante?s?", r"en (?:premiere|deuxieme|troisieme|1ere|2eme|3eme) annee", r"lyceen(?:ne)?s?", r"je suis en (?:fac|licence|bts|but|dut)"),
        "retraite": _rx(r"retraitee?s?", r"(?:a|en) (?:la )?retraite", r"pensionnee?s?"),
    }
)
# A public agent by the word "titulaire" after a job name or "je suis" ("aide-soignante titulaire").
_TITULAIRE = re.compile(r"\b(?:je suis|suis|" + _JOBS + r") titulaire\b(?! d un| d une| du| de la| de l| des)")
_EMPLOYER_KINDS = ("fp_etat", "fp_territoriale", "fp_hospitaliere")
# A job name at the start of a clause: "aide-soignante en clinique", "vendeur en CDI".
_JOB_AT_START = re.compile(r"^(?:bonjour |salut |bonsoir |moi |alors )?(?:" + _JOBS + r")\b")
# Generic work wording: an employee unless something more specific was said.
_WORKING = _rx(
    r"(?:je|j y|j|on|nous) (?:y )?(?:travaille|bosse|taffe|bossons|travaillons|suis en activite|suis actif|suis active)",
    r"(?:mon|ma) (?:travail|boulot|job|taf|metier|poste|boite|entreprise|employeur|patron|chef|collegues)",
    r"j ai un (?:emploi|travail|boulot|job)",
    r"en activite",
)
_NEGATION_BEFORE = re.compile(
    r"(?:\bne\b|\bn\b|\bpas\b|\bplus\b|\bjamais\b|\bex\b|\bancien(?:ne)?s?\b|\bnon\b|\bavant\b|\bautrefois\b|\bni\b|"
    r"\bquitte\w*|\bdemissionne\w*|\bparti(?:e)?\b|\bsorti(?:e)?\b|\betais\b|\betait\b|\bferme\b|\bfini\b|\btermine\b|\barrete\b)"
    r"(?:\s+\S+){0,3}\s*$"
)
_NEGATION_AFTER = re.compile(r"^\s*(?:non|pas|plus)\b")
# A wish, not a present state: "je veux me lancer à mon compte", "devenir infirmière".
_WISH_BEFORE = re.compile(
    r"(?:\bdevenir\b|\bdeviens\b|\bme lancer\b|\bse lancer\b|\bme mettre\b|\bse mettre\b|\bm installer\b|\bme reconvertir\b|"
    r"\breconversion\b|\bformation\b|\bpasser\b|\benvisage\w*|\bpour etre\b|\brever?\b|"
    r"\b(?:veux|voudrais|voudrait|aimerais|souhaite|souhaiterais|envie de|pense|compte) (?:etre|devenir|me|passer|travailler|bosser|faire)\b)"
    r"(?:\s+\S+){0,3}\s*$"
)
_AGE = re.compile(r"\b(?:j ai|ai|age de|agee? de|moi|de) (\d{2}) ans\b|\b(\d{2}) ans\b")
_YOUNG = _rx(
    r"jeunes?(?! diplome)",
    r"moins de 26 ans",
    r"moins de 25 ans",
    r"sortie? (?:de l ecole|du lycee|de la fac|des etudes|du systeme scolaire)",
    r"sors (?:de l ecole|du lycee|de la fac|des etudes)",
    r"decrocheu(?:r|se)",
    r"sans diplome",
    r"pas de diplome",
    r"(?:arrete|lache|quitte) (?:l ecole|les cours|mes etudes|la fac|le lycee)",
)
# Graduates are not the "young without a job" public even under 26.
_GRADUATE = _rx(r"jeunes? diplomee?s?", r"diplomee? d (?:un|une) (?:master|licence|doctorat|ecole)", r"bac ?[345]", r"master", r"doctorat", r"ecole d inge\w*")

NEEDS: dict[str, re.Pattern[str]] = {
    # the person asks to be followed over time
    "suivi": _rx(
        r"(?:me |m |etre |etre vraiment |qu on me |qu on m |quelqu un qui me |quelqu un pour me )(?:faire )?(?:accompagner|accompagne\w*|suivre|suive|suivie?|aide\w*|oriente\w*)(?: \w+)? (?:sur|dans|pendant|tout au long|de a a z|jusqu|le temps|sur la duree|plusieurs)",
        r"(?:etre|etre vraiment|me faire|qu on me|qu on m|quelqu un qui me|quelqu un qui m|besoin qu on me|besoin qu on m) (?:accompagner|accompagne\w*|suivre|suive|suivie?)",
        r"accompagnement",
        r"accompagne(?:e)? (?:sur|dans|pendant|tout au long)",
        r"sur (?:plusieurs|quelques) (?:mois|semaines|rendez vous|rdv|seances)",
        r"sur la duree",
        r"dans la duree",
        r"sur le long terme",
        r"de a a z",
        r"suivi",
    ),
    # a project that calls for several meetings
    "projet": _rx(
        r"reconver\w*",
        r"reorient\w*",
        r"changer (?:completement |totalement |radicalement |vraiment |carrement )?(?:de |d )?(?:metier|job|boulot|travail|voie|secteur|carriere|orientation|domaine|vie professionnelle|vie pro|branche|emploi|poste|taf|cap)",
        r"changement (?:de |d )?(?:metier|carriere|voie|secteur|orientation|vie)",
        r"(?:nouveau|autre) (?:metier|taf|boulot|job|travail|voie|carriere|domaine|secteur)",
        r"faire (?:autre chose|un autre \w+)",
        r"tout (?:plaquer|arreter|lacher|quitter|changer)",
        r"quitter (?:l |le |la |mon |ma )\w+ (?:pour|et)",
        r"(?:creer|creation|monter|lancer|ouvrir|reprendre|reprise|developper|demarrer) (?:de |d |mon |ma |une |un |d une |d un |son |sa |notre |nos )?(?:propre |autre |nouvelle |nouveau |petite |petit |deuxieme |seconde )?(?:entreprise|boite|activite|societe|commerce|affaire|micro entreprise|auto entreprise|cabinet|restaurant|resto|salon|boutique|magasin|agence|atelier|food truck|camion|bar|cafe|gite|franchise|structure|ferme|exploitation|epicerie|studio|institut|garage|association|asso|marque|projet)",
        r"(?:mon|ma) propre (?:\w+)",
        r"(?:me|se) (?:lancer|mettre|installer) (?:a|en|comme|dans|au) ",
        r"creation d entreprise",
        r"(?:mon|un|le) projet (?:pro|professionnel|de reconversion|de formation|de creation)",
        r"projet de (?:reconversion|creation|formation|vae|changement|transition|reprise)",
        r"evoluer",
        r"rebondir",
        r"demission(?:ner)? pour",
        r"transition professionnelle",
        r"bilan",
        r"construire (?:un|mon) projet",
        r"trouver (?:ma|sa|une) voie",
        r"(?:je )?(?:sais|sait) pas (?:quoi faire|par ou commencer|vers quoi)",
        r"par ou commencer",
        r"(?:faire|suivre|reprendre) (?:une|des|mes) (?:formation|formations|etudes)",
        r"reprendre (?:des|mes|les) etudes",
        r"me (?:former|reformer)",
        r"vae",
    ),
    "ponctuel": _rx(
        r"ponctuel\w*",
        r"(?:juste|simplement|seulement|qu) (?:une|un) (?:petite |petit |simple |seule |seul )?(?:question|info|information|precision|conseil|renseignement|avis|rdv|rendez vous|entretien|echange|coup de main)",
        r"une (?:simple |petite )?question",
        r"(?:une|des) infos?\b(?! sur la duree)",
        r"un (?:simple |petit )?(?:conseil|renseignement|avis|rendez vous|rdv|entretien|echange|coup de main)",
        r"(?:juste|seulement|simplement) (?:un|une) \w+",
        r"(?:juste|seulement|simplement) (?:savoir|poser|demander|avoir|comprendre|me renseigner|faire le point)",
        r"faire (?:un )?(?:petit )?point",
        r"(?:une|un) (?:seul|seule) (?:fois|rendez vous|rdv|entretien|seance|echange)",
        r"une fois",
        r"rapide(?:ment)?",
        r"vite fait",
        r"en vitesse",
        r"besoin ponctuel",
        r"pas (?:besoin )?(?:d |de )?(?:un )?(?:accompagnement|suivi)",
        r"pas (?:besoin )?de plus",
        r"pas (?:plus|davantage)",
    ),
}
_NOT_ENOUGH = re.compile(r"\b(?:suffi\w* pas|suffit pas|suffira pas|pas assez|pas suffisant|ne suffi\w*)\b")


@dataclass(frozen=True, slots=True)
class Situation:
    """Traits found (and those explicitly denied), the need, and an age if one was given."""

    traits: frozenset[str]
    denied: frozenset[str]
    need: str | None
    age: int | None


def _negated(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 48) : start]
    after = text[end : end + 8]
    return bool(_NEGATION_BEFORE.search(before)) or bool(_NEGATION_AFTER.match(after) and not after.strip().startswith("non salari"))


def _wished(text: str, start: int) -> bool:
    return bool(_WISH_BEFORE.search(text[max(0, start - 48) : start]))


def _present(pattern: re.Pattern[str], parts: list[str], *, wishes: bool = True) -> tuple[bool, bool]:
    """(found affirmatively in some clause, found only negated)."""
    found = denied = False
    for text in parts:
        for match in pattern.finditer(text):
            if _negated(text, match.start(), match.end()):
                denied = True
            elif wishes and _wished(text, match.start()):
                continue
            else:
                found = True
    return found, denied and not found


def find_situation(text: str) -> Situation:
    """Traits, need and age found in ``text`` (pure; never raises)."""
    parts = clauses(text[:4096])
    whole = " ".join(parts)
    traits: set[str] = set()
    denied: set[str] = set()
    for trait, pattern in TRAITS.items():
        found, only_denied = _present(pattern, parts)
        if found:
            traits.add(trait)
        elif only_denied:
            denied.add(trait)
    if "salarie" not in traits and any(_JOB_AT_START.search(p) for p in parts):
        traits.add("salarie")
        denied.discard("salarie")
    if any(_JOBLESS.search(p) for p in parts):
        traits.add("demandeur_emploi")
        denied.discard("demandeur_emploi")
        if "salarie" in traits and not re.search(r"\b(?:cdi|cdd|en poste|interim\w*|alternance|apprenti\w*)\b", whole):
            traits.discard("salarie")
    age = None
    for match in _AGE.finditer(whole):
        value = int(match.group(1) or match.group(2))
        prefix = whole[max(0, match.start() - 12) : match.start()]
        if "depuis" in prefix or "pendant" in prefix or "il y a" in prefix:
            continue
        after = whole[match.end() : match.end() + 20]
        if re.match(r"\s*(?:d experience|d anciennete|de carriere|de metier|dans|de boite|de service|a temps)", after):
            continue
        if 14 <= value <= 80:
            age = value
            break
    young_words = _present(_YOUNG, parts, wishes=False)[0]
    graduate = bool(_GRADUATE.search(whole))
    _refine(traits, whole, graduate=graduate)
    if (age is not None and 16 <= age <= 25 and not graduate) or young_words:
        traits.add("jeune")
    if age is not None and age > 25:
        traits.discard("jeune")
    if not traits & {"salarie", "independant", "agent_public", "demandeur_emploi"}:
        working_found, _ = _present(_WORKING, parts)
        if working_found:
            traits.add("salarie")
    if "independant" in traits and "salarie" in traits and re.search(r"\bnon salarie", whole):
        traits.discard("salarie")
    return Situation(frozenset(traits), frozenset(denied - traits), _need(parts), age)


def _refine(traits: set[str], whole: str, *, graduate: bool) -> None:
    """Details of issue 12: a soldier or a "titulaire" is a public agent; an employer kind counts
    only for a public agent; a notice period means still employed; a graduate, not a student."""
    if _TITULAIRE.search(whole):
        traits.add("agent_public")
    if "militaire" in traits:
        traits.add("agent_public")
    if "agent_public" in traits:
        kinds = [k for k in _EMPLOYER_KINDS if k in traits]
        if len(kinds) > 1:
            traits.difference_update(kinds)  # "infirmière scolaire de l'éducation nationale à l'hôpital": unsure
        if "militaire" in traits:
            traits.difference_update(_EMPLOYER_KINDS)
    else:
        traits.difference_update(_EMPLOYER_KINDS)
    if "preavis" in traits and not traits & {"independant", "agent_public"}:
        traits.add("salarie")
        traits.discard("demandeur_emploi")
    if "saisonnier" in traits and not traits & {"independant", "agent_public", "demandeur_emploi"}:
        traits.add("salarie")
    if graduate and "etudiant" not in traits:
        traits.add("diplome")


def _need(parts: list[str]) -> str | None:
    """"accompagnement" (several meetings) or "ponctuel" (one), or None when the message says neither."""
    follow = _present(NEEDS["suivi"], parts, wishes=False)[0]
    ponctual = False
    for text in parts:
        if NEEDS["ponctuel"].search(text) and not _NOT_ENOUGH.search(text):
            for match in NEEDS["ponctuel"].finditer(text):
                if not _negated(text, match.start(), match.end()) or match.group().startswith("pas"):
                    ponctual = True
    refused = any(re.search(r"\bpas (?:besoin )?(?:d |de )?(?:un )?(?:accompagnement|suivi)\b", p) for p in parts)
    if follow and not refused:
        return "accompagnement"
    if ponctual:
        return "ponctuel"
    project = _present(NEEDS["projet"], parts, wishes=False)[0]
    return "accompagnement" if project else None
