"""Situation traits, their combinations through the routing rules, negations, wishes, needs."""

from __future__ import annotations

import pytest

from bot.nlu.situation import find_situation as _find_situation
from bot.routing import pick_rule
from shipped import shipped_knowledge


@pytest.fixture(scope="module")
def reader(knowledge):
    return knowledge.questions.situation


def find_situation(text: str):
    """The situation read with the shipped language knowledge."""
    return _find_situation(text, shipped_knowledge().questions.situation)


def profile(snapshot, text: str) -> str | None:
    rule = pick_rule(find_situation(text).traits, snapshot)
    return rule.profile if rule is not None else None


@pytest.mark.parametrize(
    ("text", "trait"),
    [
        ("je suis salariée en cdi dans une pme", "salarie"),
        ("je bosse chez leclerc en caisse", "salarie"),
        ("aide-soignante en clinique privée", "salarie"),  # a job name at the start
        ("je fais les 3x8 à l'usine", "salarie"),
        ("j'ai grandi en franche-comté et j'y bosse toujours", "salarie"),
        ("chui en cdi", "salarie"),  # texting spelling
        ("je suis auto entrepreneur", "independant"),
        ("kiné en libéral", "independant"),
        ("gérant majoritaire de ma SARL", "independant"),
        ("je suis inscrite à France Travail", "demandeur_emploi"),
        ("inscrit france travail", "demandeur_emploi"),
        ("jsuis au chomdu", "demandeur_emploi"),
        ("fonctionnaire territoriale", "agent_public"),
        ("prof des écoles à l'éducation nationale", "agent_public"),
        ("infirmiere a l'hopital public", "agent_public"),
        # « au CHU » is the hospital, not the texting « chu » (je suis) (tenth sitting)
        ("infirmière au CHU de Brest", "agent_public"),
        ("je travaille dans le CHU de Rennes", "fp_hospitaliere"),
        ("chu salarié à Lyon", "salarie"),
        # a contract with a local authority, a municipal service: a territorial public agent (tenth sitting)
        ("je suis en CDD au conseil départemental du Gard", "agent_public"),
        ("auxiliaire de puériculture à la crèche municipale de Nîmes", "fp_territoriale"),
        ("je suis secrétaire à la mairie de Brest", "agent_public"),
        ("contractuelle dans un ministère depuis 4 ans", "agent_public"),
        ("j'ai 19 ans je cherche ma voie", "jeune"),
        ("je sors du lycée sans diplôme", "jeune"),
        ("j'ai une RQTH", "handicap"),
        ("je suis reconnu travailleur handicapé", "handicap"),
        ("cadre dans l'industrie pharma", "cadre"),
        ("mon fils est en terminale", "etudiant"),  # a class of the lycée after « en »
        ("je suis en master 2 de droit", "etudiant"),
        ("je suis en seconde année de BTS", "etudiant"),  # a year of study, « seconde » too (tenth sitting)
        ("elle est en 4e année d'école d'ingénieurs", "etudiant"),
    ],
)
def test_traits(text, trait):
    assert trait in find_situation(text).traits


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("je suis fonctionnaire et j'ai une rqth", "agent_public"),
        ("cadre en cdi avec une reconnaissance travailleur handicapé", "handicap"),
        ("cadre au chômage depuis 4 mois", "cadre"),
        ("je suis RQTH et au chômage", "handicap"),
        ("auto-entrepreneur à côté de mon CDI", "independant"),
        ("j'ai 22 ans je suis en alternance", "salarie"),
        ("j'ai 20 ans et je suis au chômage", "jeune"),
        ("jeune diplômée de 23 ans, au chômage depuis la fin de mon master", "demandeur_emploi"),
        ("intérimaire, inscrit à france travail entre deux missions", "demandeur_emploi"),
        ("cadre de santé à l'hôpital public", "agent_public"),
        ("j'ai 45 ans et 3 enfants", None),
    ],
)
def test_profiles_from_rules(snapshot, text, expected):
    assert profile(snapshot, text) == expected


def test_first_matching_rule_wins(snapshot):
    # cadre + demandeur_emploi: the rule [cadre, demandeur_emploi] comes before [demandeur_emploi]
    rule = pick_rule({"cadre", "demandeur_emploi"}, snapshot)
    assert rule is not None and rule.traits == frozenset({"cadre", "demandeur_emploi"})
    assert pick_rule(set(), snapshot) is None


@pytest.mark.parametrize(
    ("text", "expected", "denied"),
    [
        ("je ne suis plus salarié, je suis au chômage", "demandeur_emploi", "salarie"),
        ("je ne suis pas fonctionnaire, je suis salariée d'une association", "salarie", "agent_public"),
        ("j'ai quitté la fonction publique, maintenant artisan", "independant", "agent_public"),
        ("j'ai quitté la fonction publique, aujourd'hui je suis salarié dans le privé", "salarie", "agent_public"),
        ("je suis pas cadre, je suis technicien en cdi", "salarie", "cadre"),
        ("non je suis pas au chomage, j'ai un cdi", "salarie", "demandeur_emploi"),
        ("pas de rqth, je suis juste salariée", "salarie", "handicap"),
        ("je n'ai pas le statut cadre, je suis employé en cdi", "salarie", "cadre"),
        ("ex cadre, maintenant j'ai ma propre boite, gérant majoritaire", "independant", "cadre"),
        ("j'étais artisan, j'ai fermé, maintenant je suis au chômage", "demandeur_emploi", "independant"),
    ],
)
def test_negations(snapshot, text, expected, denied):
    situation = find_situation(text)
    assert profile(snapshot, text) == expected
    assert denied not in situation.traits and denied in situation.denied


def test_a_wish_is_not_a_situation(snapshot):
    situation = find_situation("je suis pas indépendant, je suis en cdi mais je veux me lancer à mon compte")
    assert "independant" not in situation.traits and "salarie" in situation.traits
    assert situation.need == "accompagnement"
    assert "salarie" not in find_situation("je veux devenir infirmière").traits
    # « créer ma boîte » is the business to come, not the one the person works for (tenth sitting)
    assert "salarie" not in find_situation("créer ma boîte, le CEP peut m'aider ?").traits
    assert "salarie" not in find_situation("Mon projet : monter mon entreprise de paysagisme").traits
    assert "salarie" in find_situation("ma boîte va fermer").traits


def test_age():
    assert find_situation("j'ai 45 ans").age == 45
    assert "jeune" not in find_situation("j'ai 45 ans").traits
    assert find_situation("20 ans d'expérience dans la banque").age is None
    assert find_situation("je travaille de nuit depuis 17 ans").age is None


@pytest.mark.parametrize(
    ("text", "need"),
    [
        ("j'ai juste une question", "ponctuel"),
        ("une info vite fait", "ponctuel"),
        ("un conseil rapide svp", "ponctuel"),
        ("pas besoin d'un suivi, juste un conseil", "ponctuel"),
        ("juste un avis sur mon projet de formation, pas besoin de plus", "ponctuel"),
        ("une seule séance ça me suffira largement", "ponctuel"),
        ("je veux me reconvertir", "accompagnement"),
        ("je voudrais changer complètement de voie", "accompagnement"),
        ("monter mon propre salon de coiffure", "accompagnement"),
        ("ouvrir un food truck, je sais pas par où commencer", "accompagnement"),
        ("j'ai envie de tout plaquer et de faire un autre taf", "accompagnement"),
        ("j'ai besoin de quelqu'un qui me suive le temps que je trouve ma voie", "accompagnement"),
        ("un seul rdv ça suffira pas, j'ai besoin d'être vraiment accompagné", "accompagnement"),
        ("je voudrais créer une autre activité à côté de la ferme", "accompagnement"),
        ("je suis salariée en cdi", None),
    ],
)
def test_needs(text, need):
    assert find_situation(text).need == need


@pytest.mark.parametrize("text", ["", "   ", "???", "😀" * 50, "a" * 5000, "\x00\n\t"])
def test_never_raises(text):
    situation = find_situation(text)
    assert isinstance(situation.traits, frozenset)


def test_a_town_hall_named_is_no_job_there():
    # « à la mairie » alone says where something was seen, not where the person works
    assert "agent_public" not in find_situation("j'ai vu une affiche sur le cep à la mairie").traits


def test_first_in_line_is_no_school_class():
    # « en première » alone is no class: « en première ligne »
    assert "etudiant" not in find_situation("je suis en première ligne au boulot").traits
    # a year of apprenticeship is not a year of study (tenth sitting)
    assert "etudiant" not in find_situation("je suis en 2e année d'apprentissage en boulangerie").traits


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("infirmière à l'hôpital public, je fais comment pour avoir un conseiller ?", "agent_public"),
        ("aide-soignante dans la fonction publique hospitalière", "agent_public"),
        ("infirmière libérale à Annecy", "independant"),
    ],
)
def test_a_job_named_first_is_no_employee_beside_another_status_told(text: str, status: str) -> None:
    # the job name at the start means employed only when no other work status is told (ninth sitting)
    traits = find_situation(text).traits
    assert status in traits and "salarie" not in traits
