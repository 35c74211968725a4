"""Questions: match the knowledge base's questions whatever the phrasing; stay silent otherwise.

The paraphrases below are not in knowledge/questions.yaml nor in the labelled set: they check
that matching generalises (synonyms, stems, expressions), not that phrasings were copied.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot.nlu.questions import CONFIDENT, POSSIBLE, QuestionMatch
from bot.nlu.understand import understand

ROOT = Path(__file__).resolve().parent.parent

PARAPHRASES = [
    ("bonjour, le conseil en évolution professionnelle, concrètement, qu'est-ce que c'est ?", "qu_est_ce_que_cep"),
    ("qui a le droit de faire un cep ?", "eligibilite_qui"),
    ("est-ce que les étudiants peuvent faire un cep ?", "etudiant_retraite"),
    ("je suis intérimaire, est-ce que j'ai accès au cep ?", "cdd_interim_apprenti"),
    ("je suis micro-entrepreneur, le cep me concerne ?", "independant"),
    ("agent de la fonction publique territoriale, je m'adresse à qui pour un cep ?", "fonctionnaire"),
    ("est-ce que l'apec s'occupe des cadres ?", "cadre"),
    ("je suis travailleuse handicapée, vers qui me tourner pour un cep ?", "handicap"),
    ("j'ai 17 ans, je peux faire un cep ?", "jeune"),
    ("je suis en arrêt maladie depuis 2 mois, je peux quand même voir un conseiller ?", "arret_maladie"),
    ("je suis agricultrice, est-ce que le cep est pour moi ?", "agriculteur"),
    ("je livre pour deliveroo, j'ai droit au cep ?", "travailleur_plateforme"),
    ("le cep existe en outre-mer ?", "outre_mer"),
    ("j'habite à Papeete, le cep existe chez nous ?", "nouvelle_caledonie_polynesie"),
    ("c'est payant ou c'est gratuit ?", "gratuit"),
    ("qui paye le conseiller cep ?", "financement_cep"),
    ("le conseiller garde pour lui ce que je lui dis ?", "confidentialite"),
    ("faut-il l'autorisation de mon employeur pour faire un cep ?", "accord_employeur"),
    ("est-ce que mon patron va savoir que je fais un cep ?", "employeur_informe"),
    ("je peux faire le cep pendant mes heures de boulot ?", "temps_de_travail"),
    ("mon employeur doit-il m'informer de l'existence du cep ?", "employeur_doit_informer"),
    ("comment se déroule un cep ?", "deroulement_niveaux"),
    ("je veux juste un rendez-vous, pas un suivi, c'est possible ?", "ponctuel_ou_accompagnement"),
    ("combien de temps dure un entretien avec le conseiller ?", "duree_rendez_vous"),
    ("combien de mois dure l'accompagnement en tout ?", "duree_accompagnement"),
    ("je peux faire les rendez-vous en visio ?", "distance"),
    ("il faut combien de temps pour avoir un premier rendez-vous ?", "delai_rendez_vous"),
    ("à la fin, j'aurai un document écrit ?", "document_synthese"),
    ("si ça ne me plaît pas, je peux arrêter en cours de route ?", "arreter"),
    ("j'ai déjà fait un cep il y a longtemps, je peux en refaire un ?", "refaire"),
    ("le conseiller peut me donner des idées de métier ?", "propose_metiers"),
    ("qu'est-ce que je dois préparer pour le premier rendez-vous ?", "preparer_rendez_vous"),
    (
        "je veux démissionner pour me reconvertir, le cep est obligatoire pour avoir le chômage ?",
        "demission_reconversion",
    ),
    ("est-ce que je peux démissionner avant la fin du cep ?", "demission_timing"),
    ("le cep est-il obligatoire pour un projet de transition professionnelle ?", "transition_professionnelle"),
    ("mon entreprise fait une transco, qui m'accompagne ?", "transco"),
    ("le cep peut-il financer ma formation ?", "finance_formation"),
    ("quelle est la différence entre un cep et un bilan de compétences ?", "bilan_competences"),
    ("le cep peut m'aider à faire une vae ?", "vae"),
    ("je veux créer mon entreprise, le cep peut m'aider ?", "creation_entreprise"),
    ("je dois passer par un cep pour utiliser mon cpf ?", "cpf"),
    ("comment je fais pour prendre rendez-vous avec un conseiller ?", "trouver_conseiller"),
    ("quel est l'opérateur cep dans ma région ?", "operateur_region"),
    ("c'est quoi avenir actifs exactement ?", "avenir_actifs"),
    ("vous avez un numéro de téléphone pour le cep ?", "numero_telephone"),
    ("je suis demandeur d'emploi, qui fait mon cep ?", "demandeur_emploi"),
    ("la mission locale propose le cep ?", "mission_locale"),
    ("le cep, ça marche vraiment ? les gens sont satisfaits ?", "efficacite"),
    ("combien de gens font un cep chaque année ?", "frequentation"),
    ("conjoint collaborateur de mon mari artisan, le cep est ouvert ?", "conjoint_collaborateur"),
    ("je travaille à Monaco, j'ai droit au cep ?", "monaco"),
    ("je vis à l'étranger depuis 5 ans, est-ce que je peux faire un cep ?", "etranger"),
]

OFF_TOPIC = [
    "tu connais une bonne pizzeria ?",
    "t'as vu le match hier ?",
    "quel temps fera-t-il ce week-end ?",
    "combien coûte un café ?",
    "tu peux me donner la recette du tiramisu ?",
    "c'est quoi la capitale de l'Australie ?",
    "combien de temps pour aller à la plage ?",
    "tu es un humain ?",
    "comment on change une roue de voiture ?",
    "le prix du gasoil a encore augmenté",
    "je peux amener mon chien ?",
    "quelle heure est-il à New York ?",
    "t'as vu le prix de l'essence ?",
    "tu connais un bon resto pas cher ?",
    "c'est quoi ton prénom",
    "raconte moi une blague",
]


@pytest.mark.parametrize(("text", "question"), PARAPHRASES)
def test_paraphrases(knowledge, text, question):
    assert understand(text, knowledge).confident_question == question


def test_every_question_has_a_paraphrase(knowledge):
    assert {q for _, q in PARAPHRASES} == set(knowledge.snapshot.questions)


@pytest.mark.parametrize("text", OFF_TOPIC)
def test_off_topic_does_not_match(knowledge, text):
    assert understand(text, knowledge).confident_question is None


def test_phrasings_match_their_own_question(knowledge):
    total = right = 0
    for question in knowledge.snapshot.questions.values():
        for phrasing in question.phrasings:
            total += 1
            right += understand(phrasing, knowledge).confident_question == question.id
    assert right / total >= 0.97


@pytest.mark.parametrize(
    ("text", "question"),
    [
        # a long message that tells a situation and a place, then asks
        ("jeune de 20 ans sans diplôme à amiens, la mission locale fait aussi du cep ?", "mission_locale"),
        # the place says what is asked: overseas, abroad, Monaco, a collectivity with its own labour code
        ("ça existe aussi dans les DOM ?", "outre_mer"),
        ("je suis expat en allemagne, j'y ai droit ?", "etranger"),
        ("et en nouvelle calédonie c'est possible ?", "nouvelle_caledonie_polynesie"),
        ("qui gère ça en bretagne ?", "operateur_region"),
        # texting spellings
        ("c koi le cep", "qu_est_ce_que_cep"),
        ("cb ça coûte", "gratuit"),
    ],
)
def test_in_context(knowledge, text, question):
    assert understand(text, knowledge).confident_question == question


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("je suis aide à domicile à limoges, j'ai une rqth, faut-il l'accord de mon employeur ?", "accord_employeur"),
        ("bonjour, salarié d'une pme à dijon, je voudrais savoir si c'est confidentiel", "confidentialite"),
        ("auto-entrepreneur dans le 13, je voudrais changer d'activité, combien ça coûte ?", "gratuit"),
        ("cadre au chômage près de lille, je me demande si je peux faire ça en visio", "distance"),
    ],
)
def test_in_context_answered_or_offered_first(knowledge, text, question):
    """A situation and a place told, then a question: the words and the letters name it; the third
    reader, which has learnt from the example messages that such stories also come with the regional
    operator's question or with work questions the bot does not cover, may doubt it. The question is
    then the first choice offered. (Answering despite that doubt, on messages written after the
    change, gave more answers to another question: issue 11's fourth sitting.)"""
    u = understand(text, knowledge)
    assert u.confident_question == question or u.suggestions[:1] == (question,)


@pytest.mark.parametrize(
    "text",
    [
        "je suis salariée en cdi à nantes",  # a situation, not a question
        "paris",  # a place alone asks nothing
        "je vis en guadeloupe",
        "j'ai 33 ans",
        "j'ai une RQTH",  # a situation told
        "un conseil rapide svp",  # a need told
        "moi je suis en bourgogne, dans la campagne",  # "campagne" is no typo of "compagne"
        "oui",
        "",
    ],
)
def test_statements_are_not_questions(knowledge, text):
    assert understand(text, knowledge).confident_question is None


def test_below_the_threshold_no_answer(knowledge):
    u = understand("et pour le reste ?", knowledge)
    assert u.confident_question is None
    weak = QuestionMatch("gratuit", CONFIDENT - 0.01)
    assert not weak.confident and weak.possible == (CONFIDENT - 0.01 >= POSSIBLE)
    assert QuestionMatch("gratuit", 0.9, "financement_cep", 0.89).confident  # clear winner
    assert not QuestionMatch("gratuit", 0.6, "financement_cep", 0.59).confident  # too close to call


def test_stems_and_expressions(knowledge):
    lex = knowledge.questions.lex
    stem, content_stems = lex.stem, lex.content_stems
    assert stem("financement") == stem("financer") == stem("finance")
    assert stem("demissionner") == stem("demission")
    assert "rdv" in content_stems("un rendez-vous")
    assert content_stems("mon boss") == content_stems("mon patron") == content_stems("mon employeur")
    assert content_stems("en visio") == content_stems("par téléphone") == content_stems("à distance")
    # « dans le cadre du CEP » says nothing of an executive (expressions.yaml)
    assert content_stems("dans le cadre du CEP") == content_stems("le CEP")
    assert content_stems("éligibles") == content_stems("accessibles") == content_stems("avoir droit")
    # « réservé aux CDI ? » asks about the kind of contract; « CFP » is the CPF written in a hurry
    assert content_stems("réservé aux salariés en CDI") == content_stems("un contrat")
    assert content_stems("mon CFP") == content_stems("mon CPF")
    # ways of saying the cost, who bears it, getting in touch, how long a meeting takes (expressions.yaml)
    assert content_stems("de sa poche") == content_stems("de ma poche") == content_stems("des frais")
    assert "quifin" in content_stems("qui en assume le coût ?")
    assert content_stems("entrer en relation avec un conseiller") == content_stems("contacter un conseiller")
    assert content_stems("ça dure ?")[0] in content_stems("l'entretien prend toute la matiné ?")
    assert content_stems("qui s'en charge ?") == content_stems("qui s'en occupe ?") == content_stems("qui s'occupe ?")
    assert content_stems("je suis cadre") == content_stems("cadre") != []


@pytest.mark.parametrize(
    ("text", "question"),
    [
        # « cv » after a greeting, or alone, is « ça va » (textos.yaml); elsewhere still a CV
        ("slt cv ?", None),
        ("coucou cv", None),
        ("je dois apporter mon cv ?", "preparer_rendez_vous"),
        # « num » is a number (textos.yaml)
        ("donne moi le num du cep stp", "numero_telephone"),
        # « je trouve où un conseiller » (expressions.yaml)
        ("jtrouve ou un conseiller ?", "trouver_conseiller"),
    ],
)
def test_everyday_forms(knowledge, text, question):
    u = understand(text, knowledge)
    assert u.confident_question == question
    if question is None:
        assert u.suggestions == ()


def test_a_doctor_who_stops_you_is_sick_leave(knowledge):
    # « mon docteur m'a arrêtée » is sick leave (expressions.yaml), not stopping the CEP (« arreter »)
    u = understand(
        "Mon docteur m'a arrêtée un mois, est-ce que je peux démarrer un accompagnement malgré ça ? "
        "et mon chef sera au courant ?",
        knowledge,
    )
    assert u.questions == ("arret_maladie", "employeur_informe")


@pytest.mark.parametrize("text", ["", "?", "cep " * 3000, "\u0000", "🙂🙂", "combien combien combien"])
def test_never_raises(knowledge, text):
    knowledge.questions.match(text)


@pytest.mark.parametrize(
    ("text", "question"),
    [
        # texting spellings the shared normalizer leaves alone
        ("ki paye le cep ?", "financement_cep"),
        ("sa coute combien le cep ?", "gratuit"),
        ("cmt ça se passe un cep ?", "deroulement_niveaux"),
        ("jpeux le faire en visio ?", "distance"),
        # a general question gives way to the case the message names, even in its situation
        ("je suis reconnu rqth, quel organisme pour le cep ?", "handicap"),
        ("pour les cadres c'est quel organisme ?", "cadre"),
        # a short message in two pieces: the piece that asks is read alone
        ("c'est payant ? je suis fauché en ce moment", "gratuit"),
        # "mission" is no typo of "démission"
        ("intérimaire dans le 59, je peux faire un cep pendant une mission ?", "cdd_interim_apprenti"),
        # the words of a situation (a job, a workplace) do not count as off-topic words
        (
            (
                "Bonjour, je suis infirmier en CDI dans une clinique privée à Dijon et j'aimerais savoir si le CEP est "
                "confidentiel."
            ),
            "confidentialite",
        ),
        # being informed is knowing; informing is telling
        ("mon patron va-t-il être informé que je fais un cep ?", "employeur_informe"),
        ("mon employeur doit m'informer sur le cep ?", "employeur_doit_informer"),
        ("on m'a parlé du cep mais je comprends pas trop ce que c'est", "qu_est_ce_que_cep"),
        # "il faut un cep ?" alone says nothing of what is asked: the whole message is read
        (
            "salariée en cdi à bordeaux, je voudrais démissionner pour me reconvertir, il faut un cep ?",
            "demission_reconversion",
        ),
        # a territory with its own labour code is not the overseas departments
        (
            "j'habite dans un territoire d'outre-mer avec son propre code du travail, le cep s'applique ?",
            "nouvelle_caledonie_polynesie",
        ),
        # a lone word among unknown ones still counts when the message names the CEP
        ("retraité actif, cep ok ?", "etudiant_retraite"),
        # speaking to the bot is fine when the message names the CEP
        ("tu peux m'expliquer ce qu'est le cep ?", "qu_est_ce_que_cep"),
        ("c'est payé par l'état le cep ?", "financement_cep"),
        ("tout reste entre moi et le conseiller ?", "confidentialite"),
        # polite formulas and request verbs say nothing of what is asked
        ("Pourriez-vous m'indiquer si le conseil en évolution professionnelle est payant ?", "gratuit"),
        ("Je souhaiterais savoir si mon employeur doit m'accorder du temps pour le CEP.", "temps_de_travail"),
        # typos in a word whose stem is short: the word itself is compared with the phrasings' words
        ("c gratuis le cep ?", "gratuit"),
        ("le cep peut financé ma formaton ?", "finance_formation"),
        # a piece that asks without naming what it is about speaks of the CEP the message named
        # how the person heard of it is not what she asks
        ("mon beau-frère m'a parlé du cep, je ne vois pas bien ce que c'est, vous m'expliquez ?", "qu_est_ce_que_cep"),
        # the adviser reaching the employer: what the employer will know
        ("je reste discrète sur mon projet, vous allez prévenir ma hiérarchie ?", "employeur_informe"),
        # paid during the meeting is working time, not cost
        ("le rdv est en pleine journée, je serai rémunéré pendant ce temps ?", "temps_de_travail"),
        # using a service is having the right to it
        ("mon voisin est retraité, il peut avoir recours au cep ?", "etudiant_retraite"),
        # a length in minutes or hours is a duration; "this week" is a delay
        ("un entretien avec le conseiller, c'est 45 min ou 2h ?", "duree_rendez_vous"),
        ("on peut me recevoir la semaine prochaine ?", "delai_rendez_vous"),
        # going back after a first CEP is doing it again
        ("j'ai déjà fait un cep il y a 5 ans, je peux y revenir ?", "refaire"),
        # launching one's project is creating a business
        ("j'ai un projet de boulangerie, le conseiller peut m'aider à le monter ?", "creation_entreprise"),
        # money out of one's pocket is cost; "now" says nothing
        ("j'ai peu de sous, je dois payer le conseiller de ma poche ?", "gratuit"),
        ("en ce moment je suis en cdd, j'ai droit au cep ?", "cdd_interim_apprenti"),
        # an interview is a meeting; "on average" says nothing
        ("un entretien ça dure combien de temps en moyenne ?", "duree_rendez_vous"),
        # costs to plan are costs, not preparation; one's working hours are working time
        ("y a des frais à prévoir pour un cep ?", "gratuit"),
        ("je peux caler les rendez-vous sur mes horaires de boulot ?", "temps_de_travail"),
        ("artisan boulanger, je suis concerné par le cep ?", "independant"),
        # a secret that does not get out; the manager as "n+1"; one's days off; the time before a meeting
        ("ce que je raconte au conseiller, rien ne sortira ?", "confidentialite"),
        ("mon n+1 pourrait-il le savoir ?", "employeur_informe"),
        ("je dois faire le cep sur mes jours de repos ?", "temps_de_travail"),
        ("quel délai entre mon inscription et le premier rdv ?", "delai_rendez_vous"),
        ("les étapes, les phases d'un cep, c'est quoi ?", "deroulement_niveaux"),
        # whom it is for is not whom to contact; "c'est combien de" is a count, not a price
        ("le conseil en évolution pro, il est destiné à qui ?", "eligibilite_qui"),
        ("c'est combien de rendez-vous au total, un cep ?", "duree_accompagnement"),
        ("ça coûte les yeux de la tête un cep ?", "gratuit"),
        ("je passe avec quels papiers au rdv ?", "preparer_rendez_vous"),
        ("je voudrais reprendre le garage de mon père, le cep peut m'aider ?", "creation_entreprise"),
        # "bénéficier" is having the right; a legal form says nothing; an acronym asks what it is
        ("Je suis gérant d'une EURL, puis-je bénéficier du conseil en évolution professionnelle ?", "independant"),
        ("que signifie le sigle CEP ?", "qu_est_ce_que_cep"),
        ("ma direction sera-t-elle informée si je fais un cep ?", "employeur_informe"),
        # slang and short forms
        ("cep ou bilan de compét, je choisis quoi ?", "bilan_competences"),
        ("les rdv peuvent se faire par tel ?", "distance"),
        # "son propre", "une petite": the business is still a business
        (
            "Je suis fleuriste salariée et je veux ouvrir ma propre boutique. Le CEP peut m'accompagner ?",
            "creation_entreprise",
        ),
        ("je veux me casser de ma boîte pour changer de métier, il faut un cep ?", "demission_reconversion"),
    ],
)
def test_mechanisms(knowledge, text, question):
    assert understand(text, knowledge).confident_question == question


@pytest.mark.parametrize(
    "text",
    [
        "mon patron est sympa ?",  # an employer word, but neither permission nor knowledge
        "j'ai vu le prix des pizzas",
        "combien de personnes vivent en chine ?",  # "vivent" is no typo of "vient"
        "comment ça va ?",
        "ma voiture est en panne, je fais comment ?",  # the piece that asks is read with the words around it
        "tu peux me donner la météo à lyon ?",  # a French place alone does not ask for the regional operator
        "le restaurant est payant ?",  # one known word, an unknown one, and no word of the CEP
        "qui paie l'addition ce soir ?",  # a phrasing of one word ("c'est financé par qui ?") says little alone
        "quel est le prix du pain à Berlin ?",  # a place abroad, but nothing asked of the CEP there
        "t'as le numéro de la mairie ?",  # speaks to the bot and does not name the CEP
        "t'es payé combien ?",
        "combien ça coûte de refaire une cuisine ?",  # two known words, each of another question, and an unknown one
        "je peux arrêter mon abonnement internet quand je veux ?",
        "quel est le délai de livraison ?",  # a delay, but not of a CEP meeting
        "c'est dispo en rouge ?",  # available, but nothing of the CEP
        "je peux faire appel d'une décision du tribunal ?",
        "le match dure une heure ?",
        "mon frère m'a parlé d'un bon restaurant, c'est où ?",
        # a place abroad, a question of something else: declined by the gate (taxes) since the seventh sitting
        "j'habite à Berlin, comment ça se passe pour les impôts ?",
        "je serai payé quand ce mois-ci ?",  # a person paid is not a person paying
        "ma boîte va fermer ?",  # closing is no farm
        "ça prend combien de temps de cuire un gâteau, 30 min ?",  # an amount of minutes alone asks nothing of the CEP
        "mon patron m'a parlé de ses vacances, c'est normal ?",  # being told of something is not the employer's duty to tell
    ],
)
def test_concepts_reject(knowledge, text):
    assert understand(text, knowledge).confident_question is None


def test_concepts_are_well_formed(knowledge):
    """Every question has concepts, and every alternative of them reads as at least one stem."""
    from bot.kb.langue import expand_group

    for question in knowledge.snapshot.questions.values():
        assert question.concepts, question.id
        for group in (*question.concepts, *question.excludes):
            words = expand_group(group, knowledge.snapshot.language.groups).split("|")
            [alternatives] = knowledge.questions.lex.concept_groups((group,))
            assert len(alternatives) == len(words), group


def test_speaking_to_the_bot_is_only_possible(knowledge):
    """A message that speaks to the bot and does not name the CEP is not answered outright; a close
    one is offered as a possible question."""
    match = understand("tu sais si c'est gratuit ?", knowledge).question
    assert match is not None and match.id == "gratuit" and match.possible and not match.confident
    assert understand("t'as quel âge ?", knowledge).confident_question is None


@pytest.mark.parametrize(
    ("text", "question"),
    [
        # an example message about Facebook, under another question, is nearer by letters than any phrasing
        ("hello, j'ai vu une pub pour le cep sur facebook, c'est quoi exactement ?", "qu_est_ce_que_cep"),
        # « Où est-ce qu'on s'inscrit ? », an example of where to go, shares « inscri » and little else
        ("si je m'inscris aujourd'hui, on me propose un rdv quand ?", "delai_rendez_vous"),
    ],
)
def test_an_example_of_another_question_nearer_by_letters_makes_choices_not_a_wrong_answer(knowledge, text, question):
    """The letter-group reader compares the example messages too (eleventh sitting); where one of another
    question is the nearest, the readers disagree: the question is offered first, nothing else answered."""
    u = understand(text, knowledge)
    assert set(u.questions) <= {question}
    assert u.questions == (question,) or u.suggestions[:1] == (question,)


def test_where_the_two_readers_disagree_both_questions_are_offered(knowledge):
    """The word reader says who has the right, the letter reader fixed-term contracts: two buttons, no guess."""
    u = understand("Il faut être en CDI pour y avoir droit ?", knowledge)
    assert u.question is not None and u.question.lexically_confident
    assert u.question.surface is not None and u.question.surface.id != u.question.id
    assert u.confident_question is None
    assert u.suggestions[0] == u.question.id and u.question.surface.id in u.suggestions


def test_a_tie_at_the_top_is_settled_by_the_other_readers_or_not_answered(knowledge):
    from bot.nlu.bayes import Likeliest
    from bot.nlu.questions import _break_tie
    from bot.nlu.surface import Nearest

    tied = QuestionMatch(
        "nouvelle_caledonie_polynesie",
        1.0,
        "operateur_region",
        1.0,
        ranked=(("nouvelle_caledonie_polynesie", 1.0), ("operateur_region", 1.0), ("gratuit", 0.2)),
        surface=Nearest("qu_est_ce_que_cep", 0.5),
        third=Likeliest("qu_est_ce_que_cep", 0.3),
    )
    assert not tied.confident  # scores capped at 1: a tie is no answer
    assert _break_tie(tied) == tied  # the other readers name none of the tied questions
    settled = _break_tie(replace(tied, surface=Nearest("operateur_region", 0.7)))
    assert settled.id == "operateur_region" and settled.runner_up == "nouvelle_caledonie_polynesie"
    assert settled.confident
    # « c ki » in a texting message made three questions reach 1; the place is a French region
    assert understand("c ki en auvergne rhone alpes pr le cep ?", knowledge).questions == ("operateur_region",)


def test_a_concept_line_is_touched_by_any_of_its_alternatives() -> None:
    from bot.nlu.questions import _Group

    group = _Group.of([frozenset({"employeur"}), frozenset({"patron"}), frozenset({"accord", "hierarch"})])
    assert group.singles == {"employeur", "patron"} and group.multis == (frozenset({"accord", "hierarch"}),)
    assert group.touched({"patron", "cep"})
    assert group.touched({"accord", "hierarch"}) and not group.touched({"accord"})
    assert not _Group.of([]).touched({"patron"})
