"""Any text, up to 4,096 characters: understanding never raises and returns consistent objects."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.kb.model import CONDITIONS
from bot.nlu.places import CONFIRM_BELOW, PlaceRef, PlaceResult
from bot.nlu.questions import QuestionMatch
from bot.nlu.situation import Situation
from bot.nlu.understand import Understanding, understand
from shipped import shipped_knowledge

KNOWLEDGE = shipped_knowledge()  # the session's one copy; a module constant, not a fixture, for hypothesis
SNAPSHOT = KNOWLEDGE.snapshot
TRAITS = set(CONDITIONS)  # the situations and their details (bot.kb.model)
KINDS = {"region", "departement", "commune", "outside"}

# Words that reach the interesting paths: places, numbers, traits, questions, typos.
WORDS = st.sampled_from(
    [
        "je",
        "suis",
        "à",
        "au",
        "dans",
        "le",
        "la",
        "en",
        "de",
        "j'habite",
        "Paris",
        "paris",
        "15e",
        "Lyon",
        "Saint-Denis",
        "les Antilles",
        "Bretagne",
        "29",
        "9-3",
        "75015",
        "20000",
        "97500",
        "Monaco",
        "Toulouze",
        "ans",
        "CDI",
        "cadre",
        "RQTH",
        "chômage",
        "fonctionnaire",
        "pas",
        "plus",
        "ne",
        "?",
        ",",
        "cep",
        "combien",
        "coûte",
        "gratuit",
        "employeur",
        "reconversion",
        "juste",
        "question",
        "arrondissement",
        "Marseille",
        "8",
        "Réunion",
        "974",
        "\n",
        "😀",
        "l'",
        "St",
        "Ste",
        "-",
        "1er",
        "xv",
        "2A",
    ]
)
MESSAGES = st.one_of(
    st.text(max_size=4096),
    st.lists(WORDS, max_size=60).map(" ".join),
)


def _check_ref(ref: PlaceRef) -> None:
    assert ref.kind in KINDS
    if ref.kind == "outside":
        assert ref.region is None and ref.departement is None and ref.commune is None
        return
    assert ref.region in SNAPSHOT.regions
    if ref.departement is not None:
        assert SNAPSHOT.departements[ref.departement].region == ref.region
    if ref.kind == "commune":
        assert ref.commune and ref.departement
    if ref.kind == "region":
        assert ref.commune is None


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MESSAGES)
def test_understand_any_text(text: str) -> None:
    u = understand(text, KNOWLEDGE)
    assert isinstance(u, Understanding)
    assert isinstance(u.place, PlaceResult) and isinstance(u.situation, Situation)
    place = u.place
    assert not (place.place is not None and place.candidates)
    if place.place is not None:
        _check_ref(place.place)
    for cand in place.candidates:
        _check_ref(cand)  # a choice may include a place outside the regions ("Marigot", issue 10)
    if place.candidates:
        assert len(place.candidates) >= 2
        assert place.confidence == 0.0 and not place.confirm
    assert 0.0 <= place.confidence <= 1.0
    assert place.confirm == (place.place is not None and place.confidence < CONFIRM_BELOW)
    if place.found:
        assert place.how in {
            "nom",
            "code_postal",
            "numero",
            "faute",
            "tete",
            "ancien_nom",
            "gentile",
            "autre_nom",
            "lieu_connu",
            "pays",
            "arrondissement",
            "deux_lieux",
            "abrev",
            "debut",
        }
        assert place.span is not None and 0 <= place.span[0] < place.span[1]
    else:
        assert place.place is None and not place.candidates
    assert place.outside == (place.place is not None and place.place.kind == "outside")
    situation = u.situation
    assert situation.traits <= TRAITS and situation.denied <= TRAITS
    assert not situation.traits & situation.denied
    assert situation.need in (None, "ponctuel", "accompagnement")
    assert situation.age is None or 14 <= situation.age <= 80
    if u.question is not None:
        assert isinstance(u.question, QuestionMatch)
        assert u.question.id in SNAPSHOT.questions
        assert 0.0 <= u.question.runner_up_score <= u.question.score <= 1.0
        assert u.question.runner_up is None or u.question.runner_up in SNAPSHOT.questions
    assert u.confident_question is None or u.confident_question in SNAPSHOT.questions
    assert isinstance(u.anything, bool)


@settings(max_examples=200, deadline=None)
@given(st.floats(allow_nan=True, allow_infinity=True), st.floats(allow_nan=True, allow_infinity=True))
def test_locate_any_point(lat: float, lon: float) -> None:
    result = KNOWLEDGE.places.locate(lat, lon)
    assert result.how == "localisation" and result.place is not None
    _check_ref(result.place)
