"""Match a message against the frequent questions of the knowledge base.

Text is normalized (folded, texting spellings spelled out: "ki paye", "sa coute"), everyday
expressions are mapped to the word the phrasings use ("feu vert" -> accord, "ma boîte" ->
employeur, "en visio" -> distance, "combien de temps" -> duree), and words are cut to a light
stem ("financer", "financement" -> "financ"). Each phrasing becomes a set of stems weighted by
how rare they are across all phrasings and, in part, across questions (IDF).

A message scores, for each phrasing, the weighted share of the phrasing's stems it contains
(coverage), damped by the share of the message the phrasing leaves unexplained (precision);
words the knowledge base never uses count against the match, so an off-topic message that
shares one word with a phrasing ("le prix de l'essence") stays low, the more so when it does not
name the CEP or speaks to the bot ("t'es payé combien ?"); a phrasing of a single word ("c'est
gratuit ?") gives less for that word alone. The best phrasing of each question gives the
question's score; a question whose vocabulary explains the whole message gets a small bonus.
The caller decides what is confident enough.

Each question also names its concepts (:data:`CONCEPTS`): a question about cost needs a cost
word, one about what the employer knows needs an employer word and a word for knowing; a question
loses ground for each concept the message does not touch. A general question ("which
organisation?") also loses ground when the message names a case another question answers (a
RQTH, a cadre), even in the situation it tells before asking. A message in several pieces is also
read piece by piece: the piece that asks, read alone, is not drowned by the situation around it;
when the rest of the message was not understood as a situation, its unknown words
still count a little against the piece ("ma voiture est en panne, je fais comment ?"). In a
message that tells a situation, unknown words (a job, a workplace) count less against a match. A
question about a status ("je suis au chômage, qui fait mon CEP ?") gives way to a question about
a topic asked in the same message ("je suis au chômage, c'est gratuit ?").

Unknown words of seven letters or more are corrected to a known stem, or word of the phrasings,
one edit away (two from ten letters) with the same first two letters (typos: "formaton";
"mission" is not a typo of "demission", nor "campagne" of "compagne"). A message that asks
nothing (no "?", no question word) and tells a situation or a need is not taken for a question. A piece that asks without saying what about ("c'est quoi ?") speaks of the CEP when
the message names it elsewhere. The place found in the message is
replaced by a word for its kind ("outremer", "etranger", "monaco", "caledonie", "region"), so
that "j'habite à Tahiti, je peux faire un CEP ?" reads like the phrasing it should match.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from bot.textnorm import normalize

if TYPE_CHECKING:
    from bot.kb.model import Snapshot

__all__ = ["CONFIDENT", "POSSIBLE", "QuestionIndex", "QuestionMatch", "content_stems", "stem"]

CONFIDENT = 0.45  # at or above: answer the question
POSSIBLE = 0.38  # between POSSIBLE and CONFIDENT: say we are not sure
BASE = 0.45  # share of a phrasing's score that coverage alone gives; the rest needs precision
BASE_SINGLE = 0.3  # the same for a phrasing of a single word ("c'est gratuit ?"): it says little on its own
QUESTION_IDF_SHARE = 0.3  # share of a word's weight that comes from how few questions use it
UNKNOWN_WEIGHT = 4.0  # weight of a message word the knowledge base never uses
SITUATED_UNKNOWN_WEIGHT = 2.0  # the same, in a message that tells a situation (a job, a workplace...)
ELSEWHERE_WEIGHT = 2.0  # the same, for a word of the other pieces of a message read piece by piece
MARGIN = 0.04  # a best question this close to the runner-up is not confident...
CLEAR = 0.8  # ...unless its score is this high
LONG_MESSAGE = 2  # from this many words that count, a message is also read piece by piece
TELLING = 1.5  # only phrasings that share a word this rare with the message are scored (when it has one)
TOPICAL = 2.5  # a word this rare says what a piece is about on its own
PIECE_FACTOR = 0.95  # a piece read alone says a little less than the whole message
TOPIC_PENALTY = 0.9  # factor for a question that does not use the message's rarest known word
SINGLE_WORD = 0.8  # factor for a phrasing that shares a single, minor word with the message
LONE_WORD = 0.65  # factor when a single known word stands among unknown ones, in a message that names the CEP
LONE_WORD_ELSEWHERE = 0.55  # the same in a message that does not: "le restaurant est payant ?"
NOT_ASKED = 0.5  # factor for a message that asks nothing (no "?", no question word, no "cep")
NOT_ASKED_SITUATED = 0.4  # the same for a message that tells a situation ("j'ai une RQTH")
TO_BOT = 0.4  # factor for a message that speaks to the bot ("tu", "t'es", "ton") and does not name the CEP
_TO_BOT = re.compile(r"\b(?:tu|toi|ton|ta|tes|t es|t as|t etais|t aurais)\b")
TYPO_LENGTH = 7  # unknown words this long may be typos of known ones ("vivent" is no typo of "vient")
CONCEPT_MISSING = 0.7  # factor for each concept of a question that the message does not touch
CONCEPT_EXCLUDED = 0.5  # factor for a general question when the message names a case it leaves to another
_ASKING = re.compile(
    r"\?|\b(?:qui|quoi|comment|combien|pourquoi|quand|quel|quelle|quels|quelles|est ce|est il|est elle|"
    r"peut on|puis je|ai je|dois je|faut il|y a t il|t il|existe|possible|peux|peut|pouvez|pourrais|pourriez|"
    r"faut|dois|doit|droit|savoir|expliquer|explique|expliquez|dites|renseigner|renseignement|info|infos|"
    r"cep|conseil en evolution|c koi|kesako|difference|pareil|oblige|obligatoire|comprends pas|comprend pas|pas compris)\b"
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
    ait aie aies aient ayant soit sois soient soyez etant fut ok maintenant actuellement aujourd hui
    pourriez pourrais pourrait pourrions indiquer indiquez preciser precisez confirmer confirmez renseigner renseignez
    madame monsieur mesdames messieurs cordialement remercie remerciant avance
    grave genant embetant souci soucis probleme problemes peu
    honnetement franchement sincerement plutot environ quelques globalement
    janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre
    lundi mardi mercredi jeudi vendredi prochain prochaine dernier derniere
    """.split()
)
# Question words, and "venir" ("je peux venir ?"): weak evidence of what is asked; they count, but little.
QUESTION_WORDS = frozenset("qui combien comment pourquoi quoi ou quand questce aquiadresser fonctionnement venir".split())

# Texting spellings that the shared normalizer (bot.textnorm, also used by other readers) leaves
# as they are; spelled out here, after it, for the questions only.
SMS = {
    "ki": "qui", "kon": "qu on", "ke": "que", "kels": "quels", "kelles": "quelles", "kesk": "qu est ce que",
    "koment": "comment", "komen": "comment", "komment": "comment", "cmt": "comment", "cmnt": "comment", "comen": "comment",
    "kan": "quand", "kand": "quand", "pourkoi": "pourquoi", "pcq": "parce que", "pck": "parce que", "psk": "parce que",
    "paske": "parce que", "jpe": "je peux", "jpeu": "je peux", "jpourrais": "je pourrais", "jdois": "je dois",
    "jdoi": "je dois", "jfais": "je fais", "jfai": "je fais", "jsp": "je sais pas", "jsai": "je sais", "jconnais": "je connais",
    "jvais": "je vais", "jveu": "je veux", "jaurai": "j aurai", "jaurais": "j aurais", "jpasse": "je passe", "jvois": "je vois",
    "jtrouve": "je trouve", "jdemande": "je demande", "jmappelle": "je m appelle", "jsuis": "je suis",
    "g": "j ai", "ct": "c etait", "cest": "c est", "sest": "c est", "pa": "pas", "fo": "faut", "fau": "faut", "faudra": "faut",
    "faudrait": "faut", "vs": "vous", "vx": "veux", "moa": "moi", "oci": "aussi", "osi": "aussi", "bi1": "bien",
    "combi1": "combien", "cbm": "combien", "cmbien": "combien", "kombien": "combien", "koa": "quoi", "koua": "quoi",
    "quoa": "quoi", "dla": "de la", "tps": "temps", "tmps": "temps", "rendezvous": "rendez vous", "rv": "rdv",
    "pdt": "pendant", "pdnt": "pendant", "ss": "sans", "slmt": "seulement", "jms": "jamais", "ptn": "", "mdr": "", "lol": "",
    "ojd": "aujourd hui", "mrc": "merci", "mrci": "merci", "okay": "ok", "oki": "ok",
    "grtuit": "gratuit", "gratui": "gratuit", "payan": "payant", "patronne": "patron", "conseiler": "conseiller",
}
# "sa coûte combien" is "ça coûte combien"
_SA_CA = re.compile(r"\bsa (?=coute|coutera|sert|servira|dure|durera|prend|marche|fonctionne|se passe|se deroule|vaut|consiste|existe|"
          r"veut|me concerne|concerne|peut|va)")

# Expressions first (applied to the normalized text), then single words.
PHRASES: list[tuple[str, str]] = [
    # how the person heard of it: not what she asks ("une collègue m'a parlé du CEP, c'est quoi ?")
    (r"(?:m a|m ont|nous a|nous ont|m avait|m avaient) (?:parle|cause|conseille|recommande) (?:du|de la|de l|de|d)|(?:j ai |j avais )?entendu parler (?:du|de la|de l|de|d)", " "),
    # the adviser reaching the employer: what the employer will know
    (r"(?:conseiller|conseillere|cep|il|elle|ils|elles|vous|on) (?:va |vont |allez |peut |peuvent |pouvez |pourrait |pourraient |risque de |risquent de |doit |doivent |devra |devront )?(?:\w+ )?(?:contact\w*|appel\w*|prevenir|previen\w*|joindre|ecrire a|informer|parler a|parler avec|prendre contact avec) (?:mon |ma |mes |l |le |la |les |son |sa |leur )?(?:employeur|patron|patronne|boss|chef|cheffe|manager|direction|rh|drh|hierarchie|superieur|superieure|entreprise|boite|societe|n 1)", "courant employeur"),
    # paid during the meeting: working time, not cost ("je suis payé pendant ce temps-là ?")
    (r"(?:je |on |salarie )?(?:suis|serai|serais|serons|sommes|reste|resterai|resterais|etre|rester) (?:toujours |bien |quand meme |normalement )?(?:payee?s?|remuneree?s?) (?:pendant|durant|sur (?:ce|le|mon) temps|ce temps|le temps|pour (?:ce|ces|les|mes) (?:temps|heures|rdv|rendez vous|seances|entretiens))|maintien (?:du |de mon |de ma |de la )?(?:salaire|remuneration|paie|paye)|salaire maintenu|remuneration maintenue|(?:perdre|perte de|retenue sur|retenu sur) (?:mon |ma |du |de |le )?(?:salaire|paie|paye)", "tempstravail"),
    # a person paid (her salary) is not a person paying ("je serai payé quand ?")
    (r"(?:je |on |nous )(?:suis|serai|serais|serons|sommes|vais etre|allons etre) (?:payee?s?|remuneree?s?)", "salaireverse"),
    # using the service: having the right to it ("elle peut faire appel à ce service ?")
    (r"faire appel (?:a|au|aux)|avoir recours (?:a|au|aux)|recourir (?:a|au|aux)|ca compte(?: aussi| quand meme| egalement)?|ca rentre dedans|rentre dans les cases|(?:est|sont|serait|etre) (?:habilitee?s?|agreee?s?|accreditee?s?|autorisee?s?) (?:a|pour)", "droit"),
    # available somewhere: the CEP exists there ("c'est dispo en Guadeloupe ?")
    (r"(?:dispo|disponibles?) (?:en|a|au|aux|dans|pour|partout|chez|sur|la bas|ici)", "existe"),
    # not suited: what stopping is about ("si ce n'est pas pour moi")
    (r"(?:n est |c est |ce n est |si c est )?pas (?:fait )?pour moi|ne me (?:plait|convient|correspond) pas|pas ce qu il me faut|(?:sans|des|une|de) (?:penalites?|sanctions?|consequences?)", "arreter"),
    # going back: doing it again ("j'ai déjà bénéficié d'un CEP, je peux y retourner ?")
    (r"(?:j ai |ai |avais |j avais )(?:deja )?(?:beneficie d|fait|suivi|eu|utilise|termine) (?:un|le|mon) cep|y (?:retourner|revenir|repasser|retourne|reviens)|en (?:refaire|reprendre|redemander|refaire) un|reprendre (?:un|le) cep", "refaire"),
    # receiving a person is seeing her ("on peut me recevoir quand ?"), not handing her a document
    (r"(?:me|nous|vous|te) (?:recevoir|recevra|recevront|recoit|recoivent|recevez|recevrez|recevrait|recevriez)", "rdv"),
    # "c quoi" is "c'est quoi"; costs "to plan" are costs; one's working hours are working time; being concerned is having the right
    (r"c quoi", "questce"),
    (r"(?:des |les |de |un |une )?(?:frais|couts?|depenses?|budget|sommes?|montants?) a (?:prevoir|payer|regler|avancer)", "gratuit"),
    (r"horaires? de (?:travail|boulot|bureau|taf)|mes horaires", "tempstravail"),
    (r"(?:suis|sommes|est|sont|serai|serais|serait|etre) (?:aussi |bien |egalement )?concernee?s?", "droit"),
    # what it is for; a secret that does not get out; one's days off; how long to plan; the time before a meeting; proven results
    (r"(?:c est )?pour quoi faire|a quoi bon", "questce"),
    (r"(?:que |rien ne |ca ne |ca |cela |rien )(?:sorte|sortira|sort|fuite|fuitera|s ebruite)|sans que (?:ca|cela|rien) (?:ne )?se sache", "confidentiel"),
    (r"n 1|n plus 1", "employeur"),
    (r"jours? de repos|(?:sur|pendant|durant) (?:mes|mon|ma) (?:vacances|repos|jours? off|temps libre|temps perso\w*|week end)|(?:sur )?mon temps (?:libre|perso\w*)", "tempstravail conge"),
    (r"prevoir combien de temps|combien de temps (?:faut il |dois je |je dois |il faut )?prevoir", "duree"),
    (r"(?:combien de temps|quel delai|combien de jours|combien de semaines) (?:entre|jusqu au|jusqu a)", "delai"),
    (r"(?:a |ont |avoir )?fait ses preuves|des preuves|prouve son efficacite", "efficace"),
    # whom it is for ("le cep s'adresse à qui ?"), not whom to contact ("je m'adresse à qui ?")
    (r"(?<!on )s adresse(?:nt)? a qui|(?:est |c est )?destinee?s? a qui|a qui (?:s adresse|est destinee?)", "toutlemonde"),
    (r"(?:ca )?(?:couter|coute|coutera|couterait) (?:un bras|les yeux de la tete|une fortune|un rein)|hors de prix|ruineux", "gratuit"),
    (r"par tel", "distance"),
    (r"(?:me |se )?(?:barrer|casser|tirer|barre|casse|tire) de (?:mon|ma|son|sa) (?:travail|emploi|poste|boulot|job|cdi|taf|entreprise|boite|societe|taule)", "demission"),
    # "now" says nothing of what is asked ("à quel moment" does)
    (r"en ce moment|pour le moment|pour l instant|a l heure actuelle|ces temps ci|en moyenne|a peu pres|grosso modo|approximativement", " "),
    # money out of one's pocket: cost ("sortir ma CB", "pas trop de sous")
    (r"sortir (?:ma|la|une|sa|mon|le|son) (?:cb|carte bleue|carte bancaire|carte|chequier|portefeuille|porte monnaie)|carte bancaire|carte bleue|(?:pas (?:trop |beaucoup |assez )?de|peu de|mes|en) sous|(?:pas|peu) les moyens|(?:payer|paye|payer ca) de (?:ma|sa|notre) poche", "gratuit"),
    # a length in minutes or hours: a duration ("30 min, 1h ?")
    (r"prend(?:ra|rait)? (?:environ |a peu pres |en gros |en moyenne )?combien|(?:c est|ca fait|ca dure|dure|durent|prend|prendra|compter|prevoir) (?:environ |plutot |genre |a peu pres |en gros )?(?:\d+ ?(?:min|mn|minutes|h|heures?)|une demi heure|une heure)|(?:duree|temps) moyen(?:ne)?", "duree"),
    # an amount of minutes or hours alone says nothing ("30 min ?" after a cooking time)
    (r"\d+ ?(?:min|mn|minutes|h|heures?)|une demi heure|une heure", " "),
    (r"(?:duree|temps) (?:globale?|totale?)(?: de l accompagnement| du suivi| du cep)?", "duree accompagnement"),
    # soon: a delay ("un créneau dès cette semaine ?")
    (r"(?:des |d ici |avant |pour |dans )?(?:cette semaine|la semaine prochaine|les prochains jours|ce mois ci|le mois prochain|prochainement|au plus vite|au plus tot|des que possible|asap)", "delai"),
    # launching a project of one's own ("un projet de food truck, m'accompagner pour le lancer ?")
    (r"(?:pour |a |de |m aider a |m accompagner pour )(?:le |la |l )(?:lancer|monter|creer|ouvrir|concretiser)|food ?truck|franchise", "creationentreprise"),
    (r"(?:poser|donner|deposer|filer|balancer) (?:ma|sa) dem", "demission"),
    # what the CEP is
    (r"conseil(?:s)? en evolution(?: professionnelle| professionelle| pro)?|conseiller(?:e)? en evolution(?: professionnelle| pro)?", "cep"),
    (r"mon cep par avenir actifs?|avenir actifs?", "avenir"),
    (r"rendez vous|rendez vs|rdv", "rdv"),
    (r"(?:ne |n )?(?:connais|connait) (?:pas|rien)(?: du tout)?|jamais entendu parler|j en ai (?:jamais|pas) entendu parler|(?:en )?savoir plus|ca consiste en quoi|consiste(?:nt)? en quoi|en quoi (?:ca )?consiste|ca consiste|a quoi (?:ca )?(?:sert|servent|servirait)|ca sert a quoi|(?:ca )?sert a quoi|ce (?:que c )?(?:qu )?est|ca correspond a quoi|de quoi (?:il s agit|s agit il|ca parle)|c est quoi|qu est ce que|qu est ce qu|ca veut dire quoi|veut dire", "questce"),
    (r"feu vert|donner son accord|son accord|l accord|l autorisation|la permission|leur accord|d accord|son aval|le ok|son ok|leur ok", "accord"),
    (r"demander (?:a|au|aux) (?:mon |ma |mes |son |sa |ses |l |la |le )?(?:employeur|patron|boss|chef|cheffe|manager|direction|directeur|directrice|rh|drh|superieur|hierarchie|n 1|responsable|entreprise|boite)", "accord employeur"),
    (r"au courant|mis au courant|mise au courant|au parfum", "courant"),
    (r"compte rendu|document de synthese|bilan ecrit|quelque chose d ecrit|un ecrit|par ecrit|trace ecrite|une trace", "document"),
    (r"combien de temps (?:pour|avant) (?:avoir|obtenir|decrocher|etre recu|(?:le |un |mon )?(?:premier )?(?:rdv|rendez vous))|combien de temps (?:d attente|faut il attendre|il faut attendre|faut attendre|dois je attendre|je dois attendre|on attend)|avant d (?:avoir|obtenir|decrocher) (?:un |le |mon )?(?:premier )?rdv|sous combien de (?:temps|jours)|dans combien de (?:temps|jours)|au bout de combien|combien de jours|avoir (?:un |le )?rdv (?:rapidement|vite|tot)|(?:rdv|rendez vous) rapidement|rapidement (?:un |le )?rdv", "delai"),
    (r"(?:sur|dans) la duree|sur le long terme|(?:sur |pendant )?plusieurs mois|sur la longueur|au long cours|tout au long", "accompagnement long"),
    (r"combien de (?:rdv|rendez vous|seances|entretiens|rencontres)(?: en tout| au total)?|en tout|au total|au final|en totalite", "duree accompagnement"),
    (r"combien de temps|combien d heures|combien de mois|combien de semaines|combien de seances|ca dure|ca prend|durer|dure|duree|ca prendra", "duree"),
    (r"qu est ce qui se passe|que se passe t il|qu est ce qu il se passe|comment (?:ca )?se (?:passe|deroule)|ca se (?:passe|deroule) comment|quelles? (?:sont les )?etapes?|qu est ce qu on (?:y )?fait|on (?:y )?fait quoi|il se passe quoi|ca se passe comment|comment (?:ca )?va se passer|en pratique", "deroulement"),
    (r"comment ca va", " "),
    (r"comment ca (?:marche|fonctionne)|ca (?:marche|fonctionne) comment|comment (?:ca )?marche|comment (?:ca )?fonctionne|le fonctionnement", "fonctionnement"),
    (r"(?:je|on) (?:fais|fait|doit faire|dois faire|procede) comment(?: pour)?|comment (?:je fais|faire|on fait|je dois faire|dois je faire|proceder|je procede|m y prendre|s y prendre)(?: pour)?|quelles? (?:sont les )?demarches?|la marche a suivre|les demarches|la demarche", "demarche"),
    (r"(?:m a|m ont|nous a|nous ont|ne m a|ne m ont) (?:jamais|rien|pas) (?:dit|parle|informe|explique|presente)|(?:jamais|rien) dit", "parler"),
    (r"aurait du|auraient du|aurait pas du|aurai du", "obligatoire"),
    (r"(?:doit|doivent|devrait|devraient|est tenue? de|sont tenus de|est obligee? de|sont obliges de|a l obligation de|est cense|est censee) (?:me |nous |vous |les |leur |lui )?(?:presenter|parler|informer|expliquer|proposer|dire|prevenir)", "obligatoire informer"),
    (r"tout le monde|n importe qui|n importe quel(?:le)? (?:actif|active|personne|salariee?|travailleur|travailleuse)|tout travailleur|tous les travailleurs|toute personne|tous les actifs|tout actif|tout salariee?|tous les salaries|n importe quel salariee?|chaque salariee?|toutes les personnes|pour qui|accessible a qui|ouvert a qui|reserve a qui|qui peut (?:le |en )?(?:faire|beneficier|avoir|profiter|demander)|qui a (?:le )?droit|qui y a droit|qui est concerne|quelles? personnes?", "toutlemonde"),
    (r"qui (?:paie|paye|finance|payent|paient|regle|rembourse|prend en charge|casque|raque|sort l argent)|finance par qui|paye par qui|payee? par qui|(?:payee?|financee?|pris en charge|prise en charge|remuneree?s?) par (?:l etat|la region|les regions|les entreprises|le gouvernement|les employeurs|france competences)|pris en charge par qui|d ou vient l argent|qui met l argent|c est qui qui paye|c est qui qui paie", "quifinance"),
    (r"prend(?:re)? en charge|prise en charge|pris en charge|prendra en charge", "financ"),
    (r"mes (?:infos|informations|donnees|confidences|propos|echanges)|ce que je (?:lui |leur )?(?:dis|raconte|confie|dirai|raconterai)|garde(?:r)? (?:ca )?pour (?:lui|elle|soi)|vie privee|donnees personnelles|rgpd", "confidentiel"),
    (r"(?:1[4-9]|2[0-5]) ans|moins de 2[56] ans|age minimum|age limite|limite d age|a partir de quel age|trop jeune|sans diplome|pas de diplome|aucun diplome|(?:sors|sorti|sortie|sortant|sortante|viens de finir|viens de terminer) (?:de l ecole|du lycee|des etudes|d etudes|de la fac|de mes etudes|de formation)|(?:arrete|lache|quitte|abandonne|stoppe)\w* (?:l ecole|les etudes|mes etudes|ses etudes|la fac|le lycee|les cours)", "jeune"),
    (r"quel age (?:as tu|avez vous|tu as|t as)", " "),
    (r"en tant que|en tant qu|(?:ce|hier|demain) soir|(?:ou )?pas (?:tres |trop )?loin|non loin", " "),
    (r"(?:je suis|suis|en tant que) (?:manager|responsable d equipe|chef d equipe|chef de service|chef de projet|directeur|directrice)", "cadre"),
    (r"un seul (?:entretien|rdv|rendez vous|echange)", "ponctuel"),
    (r"(?:le |la |les |l )?faire (?:valider|reconnaitre)", "vae"),
    (r"quels (?:documents|papiers|justificatifs)|quelles pieces", "preparer document"),
    (r"(?:venir|viens|vient|venez|venons|aller|vais|passer) avec (?:mon|ma|mes|son|sa|ses|un|une|des|le|la|les|quoi|quels?|quelles?)", "preparer"),
    (r"ca (?:marche|fonctionne|s applique|vaut) (?:aussi|pour moi|pour nous|pour les|pour un|pour une|dans mon cas|egalement|quand meme)", "droit"),
    (r"sans (?:m |s )?engag\w*|(?:m |s |nous |vous )engager|engagement|vite fait|rapide|rapidos|juste une question|une seule question|(?:une )?petite question|question ponctuelle|juste un conseil|juste un avis|un coup de main", "ponctuel"),
    (r"(?:un |une |le |mon )?(?:nouveau|autre|2e|2eme|deuxieme|second|seconde) cep|a nouveau|une nouvelle fois|encore un cep|combien de fois|dans (?:sa|ma|une) vie|(?:en )?(?:faire|refaire|avoir|demander|commencer) un autre|encore un cep|encore une fois|deux cep|2 cep|plusieurs cep|un de plus|plusieurs fois|une (?:seule )?fois dans", "refaire"),
    (r"c est qui|c est quel organisme|c est quelle structure", "aquiadresser"),
    (r"(?:je dois |dois je |faut il |on doit )?passer par qui|(?:je )?(?:m |s )?adresse(?:r)? a qui|je (?:vais|dois aller|m adresse|dois m adresser) ou|(?:m |s )adresser ou|on va ou|je vais ou|a qui (?:je dois |dois je |faut il )?(?:m |s )?adresser|vers qui (?:me |se )tourner|qui (?:dois je |je dois |faut il )?contacter|a qui (?:je dois |dois je )?(?:m |s )?adresse|je vais voir qui|je contacte qui|je m adresse a qui|je demande a qui|a qui (?:je )?demander|qui (?:s occupe|s occupera) de (?:moi|mon cas)|qui (?:me fait|me fera|fait|fera) (?:mon |le |un )?cep", "aquiadresser"),
    (r"etre recue?s?", "delai rdv"),
    (r"(?:c est |c )?long pour (?:avoir|obtenir|decrocher)|(?:c est|c) long (?:avant|pour)", "delai"),
    (r"suivi long|accompagnement long|suivi complet|accompagnement complet|plusieurs (?:rdv|seances|entretiens|rendez vous)", "accompagnement"),
    (r"(?:etre|sera|seront|serait|seraient|soit|soient|est|sont|serai|etait)(?:(?: t)? (?:il|elle|ils|elles|on))? (?:mise? |tenue? )?(?:informee?s?|prevenue?s?|avertie?s?)", "courant"),
    (r"(?:de )?longue duree", " "),
    (r"(?:je |j )?(?:ne )?(?:comprends|comprend|saisis) (?:pas|rien)|(?:j ai )?pas (?:bien |trop )?compris|(?:je )?sais pas ce que c est", "questce"),
    (r"(?:va|vont|pourra|pourrait|risque|risquent)(?:(?: t)? (?:il|elle|ils|elles|on))? (?:de )?(?:le |l )?(?:savoir|apprendre|decouvrir|etre au courant)|le sache|le saura|le sauront|sera au courant|l apprenne|l apprendra|le decouvre|sera prevenue?|sera informee?", "courant"),
    (r"en plein milieu|au milieu|a mi chemin|a mi parcours", "arreter"),
    (r"(?:suis|etre|est|sommes|serai|serais|reste|rester) (?:engagee?s?|tenue?s?|lie|liee|bloquee?s?|coincee?s?) (?:jusqu|pour|sur|a)|en cours de route|laisser tomber|en plan|arreter en cours(?: de route| de cep| d accompagnement)?|tout stopper|m arreter|jusqu au bout|jusqu a la fin|aller au bout|en cours de cep|lacher l affaire|plus continuer|pas continuer|arreter quand je veux|arreter a tout moment", "arreter"),
    (r"arret maladie|arret de travail|longue maladie|accident du travail|en arret|arret longue|burn out|burnout|maladie professionnelle|indemnites journalieres|mi temps therapeutique", "maladie"),
    (r"mi temps|temps partiel|a temps partiel|contrat court|contrats courts|contrat pro|contrat de professionnalisation|contrat d apprentissage|en mission", "contrat"),
    (r"temps de travail|heures de travail|heures de boulot|heures de taf|heures de bureau|pendant le boulot|pendant le travail|pendant le taf|pendant mes heures|sur mon temps|(?:pos|pren|pri)\w* (?:un|une|des|mon|ma|mes) (?:jour|journee|conges?|rtt|demi journee|matinee|aprem|apres midi)|(?:accord|don|laiss|liber)\w* (?:du|le|des|un|une) (?:temps|heures?|jours?|journees?|conges?|creneau)|jour de conge|jours de conge|sur mes conges|apres (?:le|mon) (?:travail|boulot|taf)|en dehors des heures|hors (?:du )?temps de travail|hors de mes heures|en dehors (?:du|de mon|de mes) (?:travail|boulot|taf|heures)", "tempstravail"),
    (r"fonction publique(?: territoriale| hospitaliere| d etat)?|agents? publics?|agents? de l etat|agents? de la fonction publique|dans le public|secteur public|education nationale|employeur public|hopital public|collectivite territoriale|mairie|ministere", "fonctionnaire"),
    (r"mission locale|missions locales|pacea|contrat d engagement jeune|cej", "missionlocale"),
    (r"cap emploi|travailleurs? handicapes?|situation de handicap|reconnaissance travailleur handicape|en invalidite|pension d invalidite", "handicap"),
    (r"(?:je )?(?:cherche|recherche) (?:du |un )?(?:travail|boulot|emploi|job|taf|poste)|en recherche d emploi|recherche d emploi|sans travail|sans boulot|sans job|sans activite|fin de droits|fin de contrat", "chomage"),
    (r"france travail|pole emploi|demandeurs? d emploi|demandeuse d emploi|sans emploi|inscrite? au chomage|au chomage|touche le chomage|toucher le chomage|mon conseiller france travail", "chomage"),
    (r"devenir (?:auto|micro) entrepreneur|(?:me |se )?(?:lancer|mettre) (?:a|a mon|a son) compte|(?:me |se )lancer|creer (?:une|mon|ma|son|sa) (?:propre |petit |petite |nouveau |nouvelle |nouvel |premier |premiere )?(?:entreprise|boite|societe|activite|commerce|startup|structure|micro entreprise|auto entreprise)|creation d (?:entreprise|activite)|creation de (?:boite|societe|ma boite|mon entreprise)|monter (?:ma|mon|une|un|leur|sa|son) (?:propre |petit |petite |nouveau |nouvelle |nouvel |premier |premiere )?(?:boite|entreprise|societe|activite|commerce|affaire|business|projet d entreprise)|me mettre a mon compte|reprendre (?:une|un|l|la|le|ma|mon|sa|son|cette|ce|leur) (?:entreprise|boite|affaire|societe|commerce|boulangerie|boutique|restaurant|resto|garage|cabinet|salon|magasin|hotel|bar|librairie|pharmacie|epicerie|franchise|fonds de commerce)|reprise d entreprise|lancer (?:ma|mon|une|un|son|sa) (?:propre |petit |petite |nouveau |nouvelle |nouvel |premier |premiere )?(?:boite|entreprise|activite|business|commerce|societe)|ouvrir (?:ma|mon|une|un) (?:propre |petit |petite |nouveau |nouvelle |nouvel |premier |premiere )?(?:boite|entreprise|commerce|restaurant|resto|cabinet|salon|boutique|societe)|entreprendre|entrepreneuriat", "creationentreprise"),
    (r"mon propre patron|ma propre boite|ma propre entreprise|chef d entreprise|auto entrepreneurs?|auto entreprise|micro entrepreneurs?|micro entreprise|a mon compte|a son compte|profession liberale|en liberal|travailleurs? independants?|non salariee?s?", "independant"),
    (r"outre mer|d outre mer|ultra marins?|ultramarins?|ultramarines?|les dom|dom tom|les drom|un dom|les antilles", "outremer"),
    (r"(?:le |son |notre |leur |un |mon )?(?:code|droit) du travail (?:est |qui est |y est )?(?:local|propre|different|specifique|particulier|autonome)|propre code du travail|son propre code|notre propre code|propre droit du travail|collectivites? (?:d outre mer|du pacifique|ultramarines?)|pays d outre mer|territoire du pacifique|le pacifique", "caledonie"),
    (r"hors de france|en dehors de (?:la )?france|pas en france|un autre pays|a l international|depuis l etranger|a l etranger|l etranger", "etranger"),
    (r"bilans? de compet\w*|bilans? compet\w*", "bilancompetences"),
    (r"compte personnel de formation|compte formation|mon compte formation|moncompteformation|mes droits (?:a la )?formation", "cpf"),
    (r"validation des acquis(?: de l experience)?|faire (?:valider|reconnaitre) (?:mon|mes|son|ses) (?:experience|acquis|competences)|valider (?:mon|mes|son|ses) (?:experience|acquis|annees d experience)|diplome grace a (?:mon|mon|son) experience|diplome avec (?:mon|son) experience", "vae"),
    (r"transitions? collectives?|transco|plan social|postes? supprimes?|suppression de (?:mon )?poste|mon poste (?:va etre|est) supprime|licenciement economique|licencie economique|pse|restructuration|plan de depart", "transco"),
    (r"projets? de transition professionnelle|transitions? pro(?:fessionnelle)?s?|ptp|cif|ex cif|ancien cif", "ptp"),
    (r"quitter (?:mon|son|ma) (?:travail|emploi|poste|boulot|job|cdi|taf|entreprise|boite)|donner (?:ma|sa) demission|poser (?:ma|sa) demission|dispositif demissionnaire", "demission"),
    (r"changer de (?:metier|voie|boulot|job|travail|taf|domaine|secteur|carriere|branche|vie professionnelle|orientation)|changement de (?:metier|voie|carriere)|nouveau metier|autre metier|me reconvertir|se reconvertir|reconversion professionnelle", "reconversion"),
    (r"entre nous|entre (?:moi|vous) et (?:le|la|mon|ma|vous|moi)|reste secret|restent secretes?|secret professionnel|tenu au secret|tenue au secret", "confidentiel"),
    (r"numero vert|numero de telephone|numero de tel|quel numero|un numero|joindre par telephone|appeler par telephone|au bout du fil|une hotline|un standard", "numero"),
    (r"pres de chez (?:moi|nous|vous)|chez (?:moi|nous)|ma region|mon departement|ma ville|mon coin|mon secteur|dans le coin|par chez (?:moi|nous)|ma commune|mon territoire|localement|en local", "region"),
    (r"combien de (?:personnes|gens|beneficiaires|salaries|actifs|cep|dossiers)|beaucoup de (?:monde|gens|personnes)|nombre de (?:personnes|beneficiaires|gens|cep)|combien (?:de|d) (?:utilisateurs|usagers)", "frequentation"),
    (r"(?:ca )?sert (?:vraiment )?a (?:quelque chose|rien|qqch)|ca sert vraiment|sert vraiment|(?:ca )?aide vraiment|ca marche vraiment|ca vaut le coup|ca vaut la peine|vaut le coup|taux de satisfaction|perte de temps|des retours|avis des gens", "efficace"),
    (r"pay\w* en (?:plusieurs|deux|trois|quatre|[2-9]) fois", "payant"),
    (r"ca coute|ca coutera|ca coute combien|combien ca coute|c est combien(?! de| d)|combien c est|0 euro|zero euro|un sou|des frais|a ma charge|de ma poche|porte monnaie|sortir (?:des sous|de l argent|un centime)|un centime|reste a charge|sans frais|des sous", "gratuit"),
    (r"idees? de metiers?|(?:me )?dire quoi faire|decider pour moi|quel metier|me proposer des metiers|proposer des metiers|choisir (?:un|mon) metier|trouver (?:un|mon) (?:metier|nouveau metier)|pistes? de metiers?|des pistes|quoi faire comme metier|decider a ma place|choisir a ma place", "proposemetier"),
    (r"(?:trouv\w*|rencontr\w*|parler a|parler avec|contact\w*|joindre) (?:un |une |mon |ma |le |la )?(?:conseiller|conseillere|interlocuteur|quelqu un)|avoir quelqu un|prendre (?:un )?rdv|prendre rendez vous|ou aller|ou m adresser", "contact conseiller"),
    (r"en visio|par visio|a distance|en distanciel|par telephone|au telephone|en ligne|par internet|sans me deplacer|se deplacer|me deplacer|depuis chez moi|de chez moi|en presentiel|face a face|sur place|en personne|en agence", "distance"),
    (r"premier rdv|premier entretien|premier rendez vous|1er rdv|1er rendez vous|premiere rencontre|premier echange", "premier rdv"),
    (r"entretien professionnel|entretien annuel|entretien pro|entretien de parcours", "entretienpro"),
    (r"a droit|ai droit|y a droit|avoir droit|le droit|ont droit|y ont acces|ont acces|ai acces|a acces|avoir acces|peut en beneficier|peuvent en beneficier|en beneficier|en profiter|est ouvert|ouvert a|ouvert aux|ca me concerne|me concerne|pour moi|c est pour moi|eligible|eligibilite|accessible", "droit"),
]

# one pass over the text: at each place, the first expression of the list that matches wins
_PHRASE_RX = re.compile(r"\b(?:" + "|".join(f"({p})" for p, _ in PHRASES) + r")\b")
_PHRASE_REPLACEMENTS = [f" {r} " for _, r in PHRASES]


def _replace_phrase(match: re.Match[str]) -> str:
    return _PHRASE_REPLACEMENTS[(match.lastindex or 1) - 1]

# Everyday words mapped to the word the phrasings use.
SYNONYMS = {
    # cost
    "gratos": "gratuit", "gratuite": "gratuit", "gratuitement": "gratuit", "offert": "gratuit", "offerte": "gratuit",
    "payer": "payant", "paye": "payant", "payes": "payant", "paie": "payant", "payant": "payant", "payante": "payant",
    "payez": "payant", "payons": "payant", "payerai": "payant", "payerais": "payant", "paierai": "payant", "paies": "payant",
    "prix": "gratuit", "tarif": "gratuit", "tarifs": "gratuit", "tarification": "gratuit", "cout": "gratuit", "coute": "gratuit",
    "couter": "gratuit", "coutera": "gratuit", "couteux": "gratuit", "frais": "gratuit", "arnaque": "fiable", "escroquerie": "fiable", "arnaques": "fiable", "serieux": "fiable", "officiel": "fiable", "officielle": "fiable", "fiables": "fiable", "legal": "fiable", "cher": "gratuit",
    "chere": "gratuit", "euros": "gratuit", "euro": "gratuit", "facture": "payant", "facturer": "payant",
    "debourser": "payant", "thune": "gratuit", "fric": "gratuit", "pognon": "gratuit", 
    # employer
    "boss": "employeur", "patron": "employeur", "patronne": "employeur", "chef": "employeur", "cheffe": "employeur",
    "direction": "employeur", "directeur": "employeur", "directrice": "employeur", "rh": "employeur", "drh": "employeur",
    "hierarchie": "employeur", "superieur": "employeur", "superieure": "employeur", "responsable": "employeur",
    "manager": "employeur", "boite": "employeur", "entreprise": "employeur", "societe": "employeur", "employeurs": "employeur",
    "taule": "employeur", "encadrement": "employeur", "n+1": "employeur",
    # work
    "taf": "travail", "boulot": "travail", "job": "travail", "emploi": "travail", "taff": "travail", "bosse": "travail",
    "bosser": "travail", "bosses": "travail", "bossez": "travail", "travaille": "travail", "travailler": "travail",
    "travailles": "travail", "poste": "travail",
    # remote
    "visio": "distance", "visioconference": "distance", "zoom": "distance", "teams": "distance", "skype": "distance",
    "internet": "distance", "distanciel": "distance", "presentiel": "distance", "deplacer": "distance", "deplacement": "distance",
    "bouger": "distance", "webcam": "distance", "telephone": "telephone", "tel": "telephone", "appeler": "telephone",
    "appelle": "telephone", "telephoner": "telephone",
    # unemployment, change of career
    "chomdu": "chomage", "chomeur": "chomage", "chomeuse": "chomage", "allocations": "chomage", "are": "chomage",
    "licencie": "chomage", "licenciee": "chomage", "licenciement": "chomage", "inscrit": "chomage", "inscrite": "chomage",
    "reconvertir": "reconversion", "reconverti": "reconversion", "reconvertie": "reconversion", "reorienter": "reconversion",
    "reorientation": "reconversion",
    "demissionner": "demission", "demissionne": "demission", "demissionnaire": "demission", "demissionnant": "demission",
    # statuses
    "autoentrepreneur": "independant", "microentrepreneur": "independant", "freelance": "independant", "freelances": "independant",
    "artisan": "independant", "artisane": "independant", "commercant": "independant", "commercante": "independant",
    "liberal": "independant", "liberale": "independant", "independante": "independant", "independants": "independant",
    "gerant": "independant", "gerante": "independant", "indep": "independant", "entrepreneur": "independant",
    "entrepreneuse": "independant", 
    "fonctionnaires": "fonctionnaire", "contractuel": "fonctionnaire", "contractuelle": "fonctionnaire",
    "titulaire": "fonctionnaire", "territorial": "fonctionnaire", "territoriale": "fonctionnaire", "hospitalier": "fonctionnaire",
    "hospitaliere": "fonctionnaire", "hopital": "fonctionnaire", "vacataire": "fonctionnaire", "prof": "fonctionnaire",
    "professeur": "fonctionnaire", "professeure": "fonctionnaire", "enseignant": "fonctionnaire", "enseignante": "fonctionnaire",
    "instit": "fonctionnaire", "policier": "fonctionnaire", "policiere": "fonctionnaire", "gendarme": "fonctionnaire",
    "militaire": "fonctionnaire", "atsem": "fonctionnaire", 
    "rqth": "handicap", "esat": "handicap", "handicape": "handicap", "handicapee": "handicap", "invalidite": "handicap", "mdph": "handicap",
    "aah": "handicap", "handicaps": "handicap",
    "ingenieur": "cadre", "ingenieure": "cadre", "cadres": "cadre", "apec": "apec",
    # confidentiality
    "confidentielle": "confidentiel", "confidentialite": "confidentiel", "secret": "confidentiel", "secrete": "confidentiel",
    "discret": "confidentiel", "discretement": "confidentiel", "discrete": "confidentiel", "discretion": "confidentiel", "anonyme": "confidentiel",
    "anonymat": "confidentiel", "transmis": "confidentiel", "transmises": "confidentiel", "transmise": "confidentiel",
    "transmettre": "confidentiel", "repeter": "confidentiel", "divulguer": "confidentiel", "partager": "confidentiel",
    "partagees": "confidentiel", "partagee": "confidentiel", "fuiter": "confidentiel", "protegees": "confidentiel",
    "protegee": "confidentiel", "proteges": "confidentiel", 
    "donnees": "confidentiel",
    # employer knows, employer allows
    "prevenu": "courant", "prevenue": "courant", "prevenir": "courant", "previent": "courant", "averti": "courant",
    "avertie": "courant", "avertir": "courant", "sache": "courant", "saura": "courant", "sauront": "courant", "sachent": "courant", "apprendra": "courant",
    "decouvrira": "courant", "collegue": "employeur", "collegues": "employeur", "apprenne": "courant", "decouvre": "courant",
    "decouvrir": "courant", "signaler": "courant", 
    "informe": "informer", "informee": "informer", "informes": "informer", "parle": "parler", "parlé": "parler",
    "presente": "expliquer", "presenter": "expliquer", "mentionner": "parler", "propose": "proposer",
    "autorisation": "accord", "permission": "accord", "accepter": "accord", "accepte": "accord", "signer": "accord",
    "valider": "accord", "autoriser": "accord", "autorise": "accord", "approuver": "accord", "aval": "accord",
    "consentement": "accord", "empecher": "accord", "empeche": "accord", "bloquer": "accord", "opposer": "accord", "refuser": "accord", "refuse": "accord", "interdire": "accord",
    # time, delays
    "delai": "delai", "delais": "delai", "attendre": "delai", "attente": "delai", "rapidement": "delai", "vite": "delai",
    "urgent": "delai", "urgence": "delai", "presse": "delai", "pressee": "delai", "tarder": "delai", "dispo": "delai",
    "creneau": "rdv", "creneaux": "rdv", "entretiens": "rdv", "entretien": "rdv",
    "seance": "rdv", "seances": "rdv", "rencontre": "rdv",
    "soir": "horaire", "soiree": "horaire", "samedi": "horaire", "weekend": "horaire", "horaires": "horaire",
    "fermer": "fermetur", "fermee": "fermetur", "fermees": "fermetur", "fermeture": "fermetur", "fermera": "fermetur",
    "ferment": "fermetur", "fermerait": "fermetur", "budget": "gratuit", "gros": "",
    "phase": "etape", "phases": "etape", "suggerer": "proposer", "suggere": "proposer", "suggerera": "proposer",
    "sigle": "questce", "acronyme": "questce", "signifie": "questce", "signification": "questce",
    "sarl": "", "eurl": "", "sasu": "", "eirl": "", "sas": "", "precisement": "", "joue": "", "jouer": "",
    "role": "lien", "roles": "lien", "beneficier": "droit", "beneficierai": "droit", "beneficierais": "droit", "beneficiez": "droit",
    "wesh": "", "delire": "",
    "conges": "conge", "rtt": "conge", "absence": "conge", "absenter": "conge", "sabbatique": "conge", "recup": "conge",
    # stop, redo
    "abandonner": "arreter", "abandon": "arreter", "stopper": "arreter", "interrompre": "arreter", "arret": "arreter",
    "arrete": "arreter", 
    "obliger": "arreter", "lacher": "arreter", "continuer": "arreter",
    "plait": "convient", "plaire": "convient", "plaira": "convient", "plaisait": "convient", "convenir": "convient",
    "conviendra": "convient", "convenait": "convient",
    "recommencer": "refaire", "deuxieme": "refaire", "second": "refaire", "seconde": "refaire", "renouveler": "refaire",
    "revenir": "refaire", "retourner": "refaire",
    "vit": "habite", "vis": "habite", "vivre": "habite", "vivons": "habite", "reside": "habite", "resides": "habite", "resider": "habite", "residant": "habite", "residons": "habite", 
    # document, preparation
    "synthese": "document", "ecrit": "document", "resume": "document", "attestation": "document", 
    "documents": "document", "recevoir": "donner", "recevrai": "donner", "remettre": "donner", "remet": "donner",
    "remis": "donner", "remise": "donner", "fournir": "donner", "fournit": "donner", "donnera": "donner",
    "apporter": "preparer", "amener": "preparer", "ramener": "preparer", "cv": "preparer",
    "preparation": "preparer", "prevoir": "preparer", "papier": "document", "justificatifs": "preparer",
    "pieces": "preparer", "bulletins": "preparer",
    # training and funding
    "cap": "formation", "bts": "formation", "certification": "formation", "caces": "formation", "diplomant": "formation",
    "diplomante": "formation", "stage": "formation", "cursus": "formation", "etudes": "formation", "former": "formation",
    "formations": "formation",
    "financer": "financ", "financement": "financ", "finance": "financ", "financee": "financ", "finances": "financ",
    "financements": "financ", "rembourser": "financ", "rembourse": "financ", "prise": "financ", "subventionner": "financ",
    "aides": "financ", "aide": "aider", "argent": "gratuit",
    # people
    "etudiant": "etudiant", "etudiante": "etudiant", "etudiants": "etudiant", "eleve": "etudiant", "fac": "etudiant",
    "universite": "etudiant", "master": "etudiant", "licence": "etudiant", "lyceen": "etudiant", "lyceenne": "etudiant",
    "lycee": "etudiant", "bac": "etudiant", "doctorant": "etudiant", "doctorante": "etudiant", "these": "etudiant",
    "retraite": "retraite", "retraitee": "retraite", "retraites": "retraite", "pensionne": "retraite", 
    "interim": "contrat", "interimaire": "contrat", "interimaires": "contrat", "cdd": "contrat", "apprenti": "contrat",
    "apprentie": "contrat", "apprentissage": "contrat", "alternance": "contrat", "alternant": "contrat", "alternante": "contrat",
    "saisonnier": "contrat", "saisonniere": "contrat", "intermittent": "contrat", "intermittente": "contrat",
    "agriculteurs": "agriculteur", "agricultrice": "agriculteur", "exploitant": "agriculteur", "exploitante": "agriculteur",
    "eleveur": "agriculteur", "eleveuse": "agriculteur", "paysan": "agriculteur", "paysanne": "agriculteur",
    "viticulteur": "agriculteur", "viticultrice": "agriculteur", "vigneron": "agriculteur", "vigneronne": "agriculteur",
    "maraicher": "agriculteur", "maraichere": "agriculteur", "cultivateur": "agriculteur", "arboriculteur": "agriculteur",
    "agricole": "agriculteur", "apiculteur": "agriculteur", "apicultrice": "agriculteur", "ostreiculteur": "agriculteur", "berger": "agriculteur", "bergere": "agriculteur", "fermier": "agriculteur", "fermiere": "agriculteur", "sylviculteur": "agriculteur", "pisciculteur": "agriculteur", "cerealier": "agriculteur", "cerealiere": "agriculteur", "horticulteur": "agriculteur", "ferme": "agriculteur", "msa": "agriculteur", "exploitation": "agriculteur",
    "conjointe": "conjoint", "collaborateur": "conjoint", "collaboratrice": "conjoint", "epouse": "conjoint", "mari": "conjoint",
    "femme": "conjoint", "compagnon": "conjoint", "compagne": "conjoint", "concubin": "conjoint", "familial": "conjoint",
    "familiale": "conjoint", "epoux": "conjoint",
    "livreur": "plateforme", "livreuse": "plateforme", "livraison": "plateforme", "livraisons": "plateforme", "livrer": "plateforme",
    "livre": "plateforme", "vtc": "plateforme", "uber": "plateforme", "deliveroo": "plateforme", "coursier": "plateforme",
    "coursiere": "plateforme", "appli": "plateforme", "application": "plateforme", "plateformes": "plateforme",
    "chauffeur": "plateforme", "bolt": "plateforme", "heetch": "plateforme", "stuart": "plateforme",
    "pacifique": "caledonie", "expatrie": "etranger", "expatriee": "etranger", "expat": "etranger", "expatriation": "etranger", "etrangere": "etranger",
    "frontalier": "monaco", "frontaliere": "monaco", "principaute": "monaco", "monegasque": "monaco",
    "jeunes": "jeune", "age": "jeune", "mineur": "jeune", "mineure": "jeune", "diplome": "jeune", "decrocheur": "jeune",
    "ado": "jeune", "adolescent": "jeune",
    # results, numbers
    "efficace": "efficace", "efficacite": "efficace", "utile": "efficace", "resultats": "efficace", "resultat": "efficace",
    "satisfaits": "efficace", "satisfaites": "efficace", "satisfait": "efficace", "contents": "efficace",
    "satisfaction": "efficace", "retours": "efficace", 
    "interessant": "efficace", 
    "statistiques": "frequentation", "stats": "frequentation", "chiffres": "frequentation", "chiffre": "frequentation",
    "utilisent": "frequentation", "beneficiaires": "frequentation", "connu": "frequentation", "populaire": "frequentation",
    # who does it, where
    "organisme": "operateur", "organismes": "operateur", "prestataire": "operateur", "structure": "operateur",
    "gere": "operateur", "gerer": "operateur", "occupe": "operateur", "operateurs": "operateur", "regional": "operateur",
    "regionale": "operateur",
    "contacter": "contact", "joindre": "contact", "reserver": "contact", "inscrire": "contact", "rencontrer": "contact",
    "contacte": "contact", "ecrire": "contact", "mail": "contact", "email": "contact", "site": "contact",
    "conseillere": "conseiller", "conseillers": "conseiller", "consultant": "conseiller", "coach": "conseiller",
    "interlocuteur": "conseiller", "delivrer": "proposer", "dispenser": "proposer",
    "etapes": "etape", "deroule": "deroulement", "derouler": "deroulement", "niveaux": "niveau", "programme": "deroulement",
    "methode": "deroulement", "contenu": "deroulement",
    "ponctuel": "ponctuel", "ponctuelle": "ponctuel", "fois": "ponctuel", "seul": "ponctuel", "seule": "ponctuel",
    "simple": "ponctuel", "unique": "ponctuel", "suffit": "ponctuel", "suffira": "ponctuel", 
    "suivi": "accompagnement", "suivie": "accompagnement", "accompagne": "accompagnement", "accompagner": "accompagnement",
    "accompagnee": "accompagnement", "complet": "accompagnement", "vrai": "accompagnement", 
    "obligatoire": "obligatoire", "oblige": "obligatoire", "obligee": "obligatoire", "obligation": "obligatoire",
    "necessaire": "obligatoire", "imposer": "obligatoire", "impose": "obligatoire", "indispensable": "obligatoire",
    "exige": "obligatoire", "requis": "obligatoire",
    "explique": "expliquer", "expliquez": "expliquer", "eclairer": "expliquer", "decrire": "expliquer",
    "presentation": "expliquer", "definition": "expliquer", "kesako": "questce",
    "acces": "droit", "acceder": "droit", "conditions": "condition", "criteres": "condition", "critere": "condition",
    "reserve": "condition", "reservee": "condition",
    "rapport": "lien", "lie": "lien", "liee": "lien", "lies": "lien", "relation": "lien",
    "loin": "distance",
    "vieux": "jeune", "vieille": "jeune", "ages": "jeune", "agee": "jeune",
    "metiers": "metier", "pistes": "piste", "voie": "metier", "orientation": "metier", "orienter": "metier",
    "dispositif": "cep", "service": "cep", "truc": "cep", "machin": "cep", "accompagnement": "accompagnement",
}

# What each question is about: groups of words (alternatives separated by "|"), each group naming
# one concept the message must touch. A question about cost needs a cost word; one about what the
# employer knows needs an employer word and a word for knowing. A group that starts with "!" names
# what the message must not touch, even in the situation it tells: the general answer ("which
# organisation near me?") is not the one for a person who says she has a RQTH. Written as everyday
# words: they go through the same expressions, synonyms and stems as messages.
# What a person may ask about whatever her situation: a question about a status ("je suis au
# chômage, qui fait mon CEP ?") gives way to these ("je suis au chômage, c'est gratuit ?").
TOPICS = (
    "!gratuit|payant|quifinance|confidentiel|accord|courant|temps de travail|conge|deroulement|etape|duree|distance|delai|"
    "document|arreter|refaire|proposemetier|preparer|demission|ptp|transco|financ|bilan de competences|vae|"
    "creation d entreprise|cpf|numero|efficace|frequentation"
)
# What a duration, a delay or a count is of: the CEP, its meetings, its advisers ("le délai de
# livraison" is not the delay for a meeting).
OF_THE_CEP = "cep|rdv|entretien|premier rdv|conseiller|accompagnement|delai rdv|beneficier|utiliser|reconversion"
CONCEPTS: dict[str, tuple[str, ...]] = {
    "qu_est_ce_que_cep": ("questce|expliquer|definition|kesako|connais pas|comprends pas|consiste", "!avenir actifs|ptp|transco|mission locale|apec|bilan de competences|vae|cpf"),
    "eligibilite_qui": ("droit|tout le monde|condition|pour qui|beneficier|profiter|possible|concerne|eligible", "!etudiant|retraite|contrat|independant|fonctionnaire|cadre|apec|handicap|jeune|maladie|agriculteur|conjoint|plateforme|outremer|caledonie|etranger|monaco|chomage|mission locale"),
    "etudiant_retraite": ("etudiant|retraite", TOPICS),
    "cdd_interim_apprenti": ("contrat|cdd|interim|apprenti|alternance|temps partiel", TOPICS),
    "independant": ("independant|auto entrepreneur|artisan|commercant|freelance|a mon compte", TOPICS),
    "fonctionnaire": ("fonctionnaire|agent public", TOPICS),
    "cadre": ("cadre|apec", TOPICS),
    "handicap": ("handicap|rqth|cap emploi", TOPICS),
    "jeune": ("jeune|age|diplome|ecole", TOPICS),
    "arret_maladie": ("maladie|arret",),
    "agriculteur": ("agriculteur", TOPICS),
    "conjoint_collaborateur": ("conjoint|mari", TOPICS),
    "travailleur_plateforme": ("plateforme", TOPICS),
    "outre_mer": ("outremer", "cep|droit|conseiller|reconversion|possible|toutlemonde|beneficier|existe|applique|qui contacter|aquiadresser|operateur|pareil|disponible|accompagnement|marche", "!caledonie"),
    "nouvelle_caledonie_polynesie": ("caledonie", "cep|droit|conseiller|reconversion|possible|toutlemonde|beneficier|existe|applique|qui contacter|aquiadresser|operateur|pareil|disponible|accompagnement|marche"),
    "etranger": ("etranger", "cep|droit|conseiller|reconversion|possible|toutlemonde|beneficier|existe|applique|qui contacter|aquiadresser|operateur|pareil|disponible|accompagnement|marche"),
    "monaco": ("monaco", "cep|droit|conseiller|reconversion|possible|toutlemonde|beneficier|existe|applique|qui contacter|aquiadresser|operateur|pareil|disponible|accompagnement|marche"),
    "gratuit": ("gratuit|payant",),
    "financement_cep": ("financ|quifinance|payant",),
    "confidentialite": ("confidentiel",),
    "accord_employeur": ("employeur", "accord"),
    "employeur_informe": ("employeur", "courant|informer|confidentiel"),
    "temps_de_travail": ("temps de travail|conge|travail|horaire",),
    "employeur_doit_informer": ("employeur|entretien professionnel", "informer|parler|expliquer|entretien professionnel"),
    "deroulement_niveaux": ("deroulement|etape|niveau|fonctionnement", "!outremer|caledonie|etranger|monaco"),
    "ponctuel_ou_accompagnement": ("ponctuel|accompagnement",),
    "duree_rendez_vous": ("duree|longtemps", OF_THE_CEP),
    "duree_accompagnement": ("duree|longtemps",),
    "distance": ("distance|telephone",),
    "delai_rendez_vous": ("delai|longtemps", OF_THE_CEP),
    "document_synthese": ("document",),
    "arreter": ("arreter",),
    "refaire": ("refaire",),
    "propose_metiers": ("proposemetier|metier|idee|decider|choisir|projet|immersion",),
    "preparer_rendez_vous": ("preparer|document",),
    "demission_reconversion": ("demission",),
    "demission_timing": ("demission",),
    "transition_professionnelle": ("ptp",),
    "transco": ("transco",),
    "finance_formation": ("formation", "financ|payant|quifinance"),
    "bilan_competences": ("bilan de competences|bilan",),
    "vae": ("vae|diplome",),
    "creation_entreprise": ("creation d entreprise|a mon compte",),
    "cpf": ("cpf",),
    "trouver_conseiller": ("contact|rdv|trouver|conseiller|demarche", "!etudiant|retraite|contrat|independant|fonctionnaire|cadre|apec|handicap|jeune|maladie|agriculteur|conjoint|plateforme|caledonie|etranger|monaco|chomage|mission locale"),
    "operateur_region": ("operateur|aquiadresser", "!etudiant|retraite|contrat|independant|fonctionnaire|cadre|apec|handicap|jeune|maladie|agriculteur|conjoint|plateforme|caledonie|etranger|monaco|chomage|mission locale"),
    "avenir_actifs": ("avenir actifs",),
    "numero_telephone": ("numero|telephone",),
    "demandeur_emploi": ("chomage", "!demission", TOPICS),
    "mission_locale": ("mission locale",),
    "efficacite": ("efficace",),
    "frequentation": ("frequentation", OF_THE_CEP),
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


def concept_groups(groups: tuple[str, ...]) -> list[list[frozenset[str]]]:
    """Each group of :data:`CONCEPTS` as alternatives, each alternative the stems it needs (all of them)."""
    out = []
    for group in groups:
        alternatives = [frozenset(content_stems(words)) for words in group.split("|")]
        out.append([a for a in alternatives if a])
    return out


_REGION = "region"
_ANCHOR = "cep"  # "le cep", "le conseil en évolution professionnelle", "ce dispositif"...
# stems that say how a question is asked, not what it is about
CUES = QUESTION_WORDS | {c for c in map(_canonical, ("demarche", "droit", "toutlemonde")) if c is not None}
# Pieces of a message: sentences and comma-separated parts, a "?" kept with its piece.
_PIECES = re.compile(r"[^.?!;,\n]+[?]*")
# where a clause that asks begins inside a sentence ("je suis au chômage à Lille est-ce que c'est
# gratuit"): a piece starts there too
_ASKS_HERE = re.compile(
    r"\s(?=(?:est[- ]ce qu|j'aimerais savoir|j’aimerais savoir|je voudrais savoir|je souhaiterais savoir|je me demande|"
    r"mais |du coup ))",
    re.IGNORECASE,
)


def _spelled_out(text: str) -> str:
    """``normalize`` plus the texting spellings of :data:`SMS`: "ki paye" -> "qui paye"."""
    words = normalize(text).split()
    return _SA_CA.sub("ca ", " ".join(SMS.get(w, w) for w in words))


def content_stems(text: str) -> list[str]:
    """The stems of ``text`` that count for matching, in order."""
    return _stems(_spelled_out(text))


def _stems(spelled: str, words: dict[str, str] | None = None) -> list[str]:
    """The stems of a spelled-out text; ``words`` receives, for each stem, the word it came from."""
    out = []
    for word in _PHRASE_RX.sub(_replace_phrase, spelled).split():
        canonical = _canonical(word)
        if canonical is not None:
            out.append(canonical)
            if words is not None:
                words.setdefault(canonical, word)
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
        question_freq: dict[str, set[str]] = defaultdict(set)
        for qid, stems in phrasings:
            for s in stems:
                question_freq[s].add(qid)
        # how rare a word is among phrasings, and among questions: a word that many phrasings of one
        # question use ("transco") says more than one a single phrasing uses in passing
        nq = max(len(self.snapshot.questions), 1)
        scale = math.log(1 + total) / math.log(1 + nq)
        mix = QUESTION_IDF_SHARE
        self.idf = {
            s: ((1 - mix) * math.log(1 + total / df) + mix * scale * math.log(1 + nq / len(question_freq[s])))
            * (0.35 if s in QUESTION_WORDS else 1.0)
            for s, df in doc_freq.items()
        }
        self.vocab = sorted(s for s in self.idf if len(s) >= 4)
        # typos rarely touch the first two letters: "mission" is not a typo of "demission", nor
        # "campagne" of "compagne"
        self.vocab_by_prefix: dict[str, list[str]] = defaultdict(list)
        for s in self.vocab:
            self.vocab_by_prefix[s[:2]].append(s)
        # the words themselves, for typos in a word whose stem is short ("formaton": "form")
        self.lexicon: dict[str, str] = {}
        surface = [w for q in self.snapshot.questions.values() for p in q.phrasings for w in _spelled_out(p).split()]
        for word in [*surface, *SYNONYMS]:
            canonical = _canonical(word)
            if len(word) >= TYPO_LENGTH and canonical in self.idf:
                self.lexicon.setdefault(word, canonical)
        self.lexicon_by_prefix: dict[str, list[str]] = defaultdict(list)
        for word in sorted(self.lexicon):
            self.lexicon_by_prefix[word[:2]].append(word)
        self.phrasings = []  # (question, stem weights, total weight, heaviest weight)
        for qid, stems in phrasings:
            weights = {s: self.idf[s] for s in set(stems)}
            self.phrasings.append((qid, weights, sum(weights.values()), max(weights.values())))
        self.by_stem: dict[str, list[int]] = defaultdict(list)
        for index, (_, weights, _, _) in enumerate(self.phrasings):
            for s in weights:
                self.by_stem[s].append(index)
        self.question_vocab: dict[str, set[str]] = defaultdict(set)
        for qid, weights, _, _ in self.phrasings:
            self.question_vocab[qid].update(weights)
        self.concepts = {qid: concept_groups(tuple(g for g in CONCEPTS.get(qid, ()) if not g.startswith("!"))) for qid in self.snapshot.questions}
        self.excluded = {qid: concept_groups(tuple(g[1:] for g in CONCEPTS.get(qid, ()) if g.startswith("!"))) for qid in self.snapshot.questions}
        # words that say what a piece of a message asks about, however common
        topics = (groups[0] for groups in self.concepts.values() if groups)  # the first concept says the topic
        self.concept_stems = frozenset(next(iter(alt)) for group in topics for alt in group if len(alt) == 1) - {_ANCHOR}

    def _read(
        self, stems: list[str], lookup: dict[str, str | None] | None = None, words: dict[str, str] | None = None
    ) -> tuple[set[str], int, int]:
        """Known stems (typos corrected), the count of unknown ones, and of unknown long ones.

        ``lookup`` remembers, for the pieces of one message, what each stem was read as;
        ``words`` gives the word each stem came from.
        """
        if lookup is None:
            lookup = {}
        known: set[str] = set()
        unknown = long_unknown = 0
        for s in dict.fromkeys(stems):
            if s not in lookup:
                lookup[s] = self._correct(s, (words or {}).get(s, s))
            found = lookup[s]
            if found is not None:
                known.add(found)
            elif s not in QUESTION_WORDS:  # "combien" says little, whether the phrasings use it or not
                unknown += 1
                long_unknown += len(s) >= 4
        return known, unknown, long_unknown

    def _correct(self, s: str, word: str) -> str | None:
        """``s`` if the phrasings use it, else the known stem it is a typo of, else None."""
        if s in self.idf:
            return s
        for text, index in ((s, self.vocab_by_prefix), (word, self.lexicon_by_prefix)):
            if len(text) >= TYPO_LENGTH:
                edits = 1 if len(text) < 10 else 2
                match = process.extractOne(text, index.get(text[:2], ()), scorer=Levenshtein.distance, score_cutoff=edits)
                if match is not None:
                    return match[0] if index is self.vocab_by_prefix else self.lexicon[match[0]]
        return None

    def match(
        self,
        text: str,
        ignore: frozenset[str] = frozenset(),
        extra: tuple[str, ...] = (),
        situated: bool = False,
        need: bool = False,
    ) -> QuestionMatch | None:
        """The closest question to ``text`` and its score in [0, 1], or None if nothing shares a word.

        ``ignore`` holds stems to leave out of the message (the place, already understood);
        ``extra`` stems stand for it ("outremer", "etranger"...). A message in several pieces
        that tells a situation and then asks ("salarié à Lyon, en CDI, je dois prévenir mon
        patron ?") is also read piece by piece: the pieces that ask are matched on their own,
        and the best reading wins. ``situated`` says that the other pieces were understood (a
        situation); when they were not, the words of theirs the knowledge base never uses still
        count a little against the piece ("ma voiture est en panne, je fais comment ?" asks
        nothing of the CEP). ``need`` says that the message tells a need ("juste un conseil
        rapide"): without a question mark or a question word, it asks nothing.
        """
        text = text[:2000]
        kinds = [k for k in (_canonical(e) for e in extra) if k is not None]
        lookup: dict[str, str | None] = {}
        words: dict[str, str] = {}
        # each piece is read once; the whole message is the pieces end to end
        readings = []
        for piece in _PIECES.findall(_ASKS_HERE.sub("\n", text)):
            piece_spelled = _spelled_out(piece)
            if piece_spelled:
                readings.append((piece, piece_spelled, _stems(piece_spelled, words)))
        all_stems = [s for _, _, piece_stems in readings for s in piece_stems]
        stems = [s for s in all_stems if s not in ignore]
        asking_pieces = [r for r in readings if "?" in r[0] or _ASKING.search(r[1])]
        to_bot = any(_TO_BOT.search(sp) for _, sp, _ in readings)
        asking = bool(asking_pieces)
        if not asking and need:
            situated = True  # a need told, not a question asked
        best = self._match(stems, kinds, asking, lookup, situated=situated, to_bot=to_bot, words=words)
        if len(readings) > 1 and len(all_stems) >= LONG_MESSAGE:
            context = frozenset(stems) | set(kinds)
            for _, _, piece_stems in asking_pieces[-3:]:
                if _ANCHOR in stems and _ANCHOR not in piece_stems:
                    piece_stems = [*piece_stems, _ANCHOR]  # "j'ai vu le cep sur facebook, c'est quoi ?": "c'est" is the CEP
                here = set(piece_stems)
                weights = sorted((self.idf[t] for t in here if t in self.idf), reverse=True)
                if not weights or (weights[0] < TOPICAL and (len(weights) < 2 or weights[1] < 1.5) and not here & self.concept_stems):
                    continue  # too little said in that piece alone ("je peux faire un cep ?")
                elsewhere = 0
                if not situated:
                    elsewhere = sum(1 for s in dict.fromkeys(stems) if s not in here and len(s) >= 4 and lookup.get(s, s) is None)
                    if elsewhere and not any(t == _ANCHOR or (t not in CUES and self.idf.get(t, 0.0) >= TOPICAL) for t in here):
                        continue  # "ma voiture est en panne, je fais comment ?": the piece only asks how
                found = self._match(
                    [s for s in piece_stems if s not in ignore], kinds if ignore & here else [], True, lookup, context, elsewhere, situated, to_bot, words
                )
                if found is not None and (best is None or found.score * PIECE_FACTOR > best.score):
                    best = QuestionMatch(found.id, round(found.score * PIECE_FACTOR, 4), found.runner_up, round(found.runner_up_score * PIECE_FACTOR, 4))
        return best

    def _match(
        self,
        stems: list[str],
        kinds: list[str],
        asking: bool,
        lookup: dict[str, str | None],
        context: frozenset[str] = frozenset(),
        elsewhere: int = 0,
        situated: bool = False,
        to_bot: bool = False,
        words: dict[str, str] | None = None,
    ) -> QuestionMatch | None:
        """``stems`` scored against every question; ``elsewhere`` unknown words stand around them."""
        if kinds and kinds != [_REGION]:
            stems = [s for s in stems if s != _REGION]  # "chez nous" is the overseas place already given
        stems = stems + [k for k in kinds if k in self.idf]
        if not stems:
            return None
        known, unknown, long_unknown = self._read(stems, lookup, words)
        if not known - set(kinds):
            return None  # the place alone asks nothing
        # the kind of a French place ("region") helps the phrasings that name one, but a place
        # given with a situation says nothing of what is asked
        free = _REGION if kinds == [_REGION] and _REGION not in stems[: len(stems) - 1] else None
        known_weight = sum(self.idf[s] for s in known if s != free)
        lone_word = long_unknown > 0 and len({t for t in known if self.idf[t] >= 1.5 and t not in QUESTION_WORDS and t != free}) <= 1
        # the words of a person's situation (her job, her employer) are not off-topic words
        message_weight = known_weight + (SITUATED_UNKNOWN_WEIGHT if situated else UNKNOWN_WEIGHT) * unknown + ELSEWHERE_WEIGHT * elsewhere
        # the phrasings that share a telling word with the message (all that share one if it has none)
        telling = [s for s in known if self.idf[s] >= TELLING] or list(known)
        minor = [s for s in known if s not in telling]
        shared: dict[int, float] = defaultdict(float)
        for s in telling:
            weight = self.idf[s]
            for index in self.by_stem.get(s, ()):
                shared[index] += weight
        scores: dict[str, float] = {}
        phrasings = self.phrasings
        for index, common in shared.items():
            qid, weights, total, heaviest = phrasings[index]
            for s in minor:
                common += weights.get(s, 0.0)
            base = BASE if len(weights) > 1 else BASE_SINGLE
            score = common / total * (base + (1 - base) * common / message_weight)
            if len(weights) > 1 and common < heaviest * 1.01 and common < total * 0.5:
                score *= SINGLE_WORD  # one word shared, and not the phrasing's most telling one
            if score > scores.get(qid, 0.0):
                scores[qid] = score
        if not scores:
            return None
        topic = max(known, key=lambda t: self.idf[t])
        present = known | set(stems)
        for qid in scores:
            vocab = self.question_vocab[qid]
            explained = sum(self.idf[s] for s in known if s in vocab) / message_weight
            factor = 0.8 + 0.3 * explained
            if topic not in vocab:
                factor *= TOPIC_PENALTY  # the message's rarest word is not what this question is about
            for group in self.concepts.get(qid, ()):
                if not any(alternative <= present for alternative in group):
                    factor *= CONCEPT_MISSING  # "le prix de l'essence" is not about the employer
            for group in self.excluded.get(qid, ()):
                if any(alternative <= present or alternative <= context for alternative in group):
                    factor *= CONCEPT_EXCLUDED  # "j'ai une RQTH, quel organisme ?" is not the general case
            scores[qid] = min(1.0, scores[qid] * factor)
        if long_unknown:
            # one known word among words the knowledge base never uses: "le prix de l'essence";
            # the less so when the message names the CEP ("le cep, je peux en bénéficier ?").
            # Known words another question uses do not help: "refaire une cuisine, ça coûte ?"
            factor = LONE_WORD if _ANCHOR in known else LONE_WORD_ELSEWHERE
            strong = {t for t in known if self.idf[t] >= 1.5 and t not in QUESTION_WORDS and t != free}
            for qid in scores:
                if lone_word or (not situated and len(strong & self.question_vocab[qid]) <= 1):
                    scores[qid] *= factor
        if not asking:
            # "je suis en arrêt maladie": a situation told, not a question asked
            factor = NOT_ASKED_SITUATED if situated else NOT_ASKED
            for qid in scores:
                scores[qid] *= factor
        if to_bot and _ANCHOR not in known:
            # "t'es gratuit toi ?", "c'est quoi ton numéro ?": about the bot, not about the CEP
            for qid in scores:
                scores[qid] *= TO_BOT
        ranked = sorted(scores.items(), key=lambda item: -item[1])
        best_id, best = ranked[0]
        runner_id, runner = ranked[1] if len(ranked) > 1 else (None, 0.0)
        return QuestionMatch(best_id, round(best, 4), runner_id, round(runner, 4))
