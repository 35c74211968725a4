"""Unit tests of the dialogue engine: state in, user input in, replies and events out.

No Telegram, no event loop: a :class:`Talk` drives one conversation through
:meth:`Engine.handle` and checks, at every turn, what must always hold (at least one
reply, no empty text, callback data under 64 bytes).
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.dialogue.engine import (
    MERGE_LIMIT,
    Button,
    Conversation,
    Engine,
    Reply,
    Turn,
    UserInput,
)
from bot.dialogue.render import question_answer
from shipped import TEXTS

NOT_MINE = TEXTS["bouton_pas_ma_question"]

TODAY = dt.date(2026, 3, 2)  # inside the 2024-2027 market
MAX_CALLBACK_BYTES = 64

SITUATION_LABELS = (
    "Salarié(e) du privé",
    "Indépendant(e)",
    "Demandeur d'emploi",
    "Agent public",
    "Une autre situation",
)
NEED_LABELS = ("Une question ponctuelle", "Un accompagnement dans la durée")
CHANGE_LABELS = ("Changer de lieu", "Changer de situation", "Changer de besoin")
CHANGE_ROWS = [["Changer de lieu", "Changer de situation"], ["Changer de besoin"]]
USEFUL = "Cette réponse vous a-t-elle été utile ?"
RATING_ROW = [("👍 Oui, utile", "u|y"), ("👎 Non", "u|n")]
REPRENONS = "Reprenons : "
BOOK_PONCTUEL = "dites que c'est pour une question précise"
BOOK_ACCOMPAGNEMENT = "dites que vous souhaitez être accompagné sur un projet"
DETAIL_ROWS = [["Comment réserver", "Que préparer"], ["Questions fréquentes"]]
DETAIL_ROWS_ALT = [["Comment réserver", "Que préparer"], ["Autres possibilités", "Questions fréquentes"]]
SHORT_LIMIT = 700


@pytest.fixture(scope="module")
def engine(knowledge: Any) -> Engine:
    return Engine(knowledge, today=TODAY)


def all_buttons(turn: Turn) -> list[Button]:
    return [b for reply in turn.replies for row in reply.buttons for b in row]


def row_labels(reply: Reply) -> list[list[str]]:
    return [[b.label for b in row] for row in reply.buttons]


def check_turn(turn: Turn) -> None:
    """What every turn must respect, whatever the input."""
    assert turn.replies, "the engine never stays silent"
    for reply in turn.replies:
        assert reply.plain().strip(), "no empty message"
        # the satisfaction question always comes with its two buttons, as the first row
        first_row = [(b.label, b.data.split("|", 1)[-1]) for b in reply.buttons[0]] if reply.buttons else []
        assert (USEFUL in reply.text) == (first_row == RATING_ROW), reply
        if USEFUL in reply.text:
            assert reply.title and reply.text.endswith("\n\n" + USEFUL) and reply.text.count(USEFUL) == 1, reply
    for before, after in zip(turn.replies, turn.replies[1:], strict=False):
        # fewer messages: a reply without choices is joined to the next, unless a title or the length stops it
        if not before.buttons and not before.request_location:
            assert after.title or len(before.text) + len(after.text) >= MERGE_LIMIT, (before, after)
    for button in all_buttons(turn):
        assert button.label.strip()
        assert 1 <= len(button.data.encode("utf-8")) <= MAX_CALLBACK_BYTES, button


class Talk:
    """One conversation with the engine."""

    def __init__(self, engine: Engine, state: Conversation | None = None) -> None:
        self.engine = engine
        self.state = state
        self.turn: Turn | None = None

    def _do(self, user: UserInput) -> Talk:
        self.turn = self.engine.handle(self.state, user)
        check_turn(self.turn)
        self.state = self.turn.state
        return self

    def say(self, text: str) -> Talk:
        return self._do(UserInput.from_text(text))

    def command(self, text: str) -> Talk:
        return self._do(UserInput("command", text))

    def locate(self, lat: float, lon: float) -> Talk:
        return self._do(UserInput("location", lat=lat, lon=lon))

    def press(self, label_part: str) -> Talk:
        return self._do(UserInput("button", self.data(label_part)))

    def data(self, label_part: str) -> str:
        for button in self.buttons_obj:
            if label_part.lower() in button.label.lower():
                return button.data
        raise AssertionError(f"no button containing {label_part!r} in {self.buttons}")

    @property
    def buttons_obj(self) -> list[Button]:
        assert self.turn is not None
        return all_buttons(self.turn)

    @property
    def buttons(self) -> list[str]:
        return [b.label for b in self.buttons_obj]

    @property
    def text(self) -> str:
        assert self.turn is not None
        return "\n".join(r.plain() for r in self.turn.replies)

    @property
    def last(self) -> Any:
        assert self.turn is not None
        return self.turn.replies[-1]

    def one_message(self) -> Reply:
        """The turn's only reply (merging leaves one message where there is one choice to offer)."""
        assert self.turn is not None
        replies = self.turn.replies
        assert len(replies) == 1, f"one message expected, got {len(replies)}: {[r.plain()[:60] for r in replies]}"
        return replies[0]

    def merged(self, first: str, then: str) -> bool:
        """One message: ``first``, a blank line, then ``then`` (e.g. "Reprenons : " and the step's question)."""
        text = self.one_message().text
        assert text == f"{first}\n\n{then}", f"expected {first[:50]!r} then {then[:50]!r}, got {text!r}"
        return True

    def texts(self, key: str) -> str:
        return self.engine.snapshot.text(key)

    @property
    def events(self) -> list[dict[str, Any]]:
        assert self.turn is not None
        return list(self.turn.events)

    def event(self, kind: str) -> dict[str, Any]:
        found = [e for e in self.events if e["type"] == kind]
        assert found, f"no {kind!r} event in {self.events}"
        return found[-1]

    @property
    def step(self) -> str:
        assert self.state is not None
        return self.state.step

    def asks_place(self) -> bool:
        return self.last.request_location and "Où habitez-vous" in self.last.text

    def asks_situation(self) -> bool:
        return [b.label for row in self.last.buttons for b in row] == list(SITUATION_LABELS)

    def asks_need(self) -> bool:
        # the row « Ce n'était pas ma question » may follow an answer
        return [b.label for row in self.last.buttons for b in row if b.label != NOT_MINE] == list(NEED_LABELS)


@pytest.fixture
def talk(engine: Engine) -> Talk:
    return Talk(engine)


def answered_in_lyon(engine: Engine) -> Talk:
    talk = Talk(engine).say("Je suis salarié à Lyon").press("ponctuelle")
    assert talk.step == "answered"
    return talk


# -- slot filling ---------------------------------------------------------------------------


def test_everything_in_one_message_goes_straight_to_the_answer(talk: Talk) -> None:
    talk.say("Je suis indépendant à Ajaccio et je voudrais être accompagné dans la durée")
    assert talk.step == "answered"
    assert talk.turn.replies[0].title.startswith("À qui vous adresser")
    assert "Corse :" in talk.text
    assert "https://pacacorse.avenir-actifs.org" in talk.text
    assert BOOK_ACCOMPAGNEMENT in talk.text and BOOK_PONCTUEL not in talk.text
    answer = talk.event("answer")
    assert answer["door"] == "operateur_regional" and answer["lot"] == "2024-paca-corse" and answer["region"] == "94"


def test_start_asks_the_place_first_with_a_location_button(talk: Talk) -> None:
    talk.command("/start")
    assert talk.merged(talk.texts("accueil"), talk.texts("question_lieu")), (
        "the welcome and the first question: one message"
    )
    assert talk.asks_place()
    assert not talk.last.buttons, "the place is free text (plus the location button), no inline choice"


def test_one_thing_at_a_time_with_buttons(talk: Talk) -> None:
    talk.command("/start").say("Lyon")
    assert talk.asks_situation() and talk.step == "situation"
    assert len(talk.turn.replies) == 1, "only one question per turn"
    talk.press("Salarié")
    assert talk.asks_need() and talk.step == "need"
    assert len(talk.turn.replies) == 1
    talk.press("ponctuelle")
    assert talk.step == "answered"
    assert "Auvergne-Rhône-Alpes" in talk.text and BOOK_PONCTUEL in talk.text
    assert talk.one_message().title, "the answer and its satisfaction question: one message"


def test_situation_first_then_place_only_asks_what_is_missing(talk: Talk) -> None:
    talk.say("Je suis salariée")
    assert talk.asks_place() and not talk.asks_situation()
    talk.say("Lille")
    assert talk.asks_need(), "the situation is known: the need comes next"
    talk.press("accompagnement")
    assert "https://hdf.avenir-actifs.org" in talk.text and BOOK_ACCOMPAGNEMENT in talk.text


def test_need_first_is_remembered_and_never_asked_again(talk: Talk) -> None:
    talk.say("je voudrais être accompagné dans la durée")
    assert talk.state.need == "accompagnement"
    assert talk.asks_place()
    talk.say("Marseille")
    assert talk.asks_situation()
    talk.press("Indépendant")
    assert talk.step == "answered", "the need was given in the first message"
    assert BOOK_ACCOMPAGNEMENT in talk.text


def test_two_slots_at_once_then_the_third(talk: Talk) -> None:
    talk.say("indépendant à Lyon")
    assert talk.state.region == "84" and talk.state.traits == ["independant"]
    assert talk.asks_need()


def test_free_text_is_accepted_instead_of_a_button(talk: Talk) -> None:
    talk.say("Lyon")
    assert talk.asks_situation()
    talk.say("je suis auto-entrepreneur")
    assert talk.state.traits == ["independant"] and talk.asks_need()
    talk.say("j'ai juste une question ponctuelle")
    assert talk.step == "answered" and BOOK_PONCTUEL in talk.text


def test_situation_question_offers_the_five_choices(talk: Talk) -> None:
    talk.say("Bordeaux")
    assert talk.buttons == list(SITUATION_LABELS)


def test_another_situation_offers_more_choices_and_never_a_dead_end(talk: Talk) -> None:
    talk.say("Lyon").press("autre situation")
    assert talk.step == "situation_other"
    assert {"Cadre", "Aucune de ces situations"} <= set(talk.buttons)
    talk.press("Aucune")
    assert "mon-cep.org" in talk.text and talk.buttons == ["Choisir ma situation"]
    talk.press("Choisir ma situation")
    assert talk.asks_situation()


# -- place ----------------------------------------------------------------------------------


def test_ambiguous_place_asks_with_one_button_per_candidate(talk: Talk) -> None:
    talk.say("Saint-Denis")
    assert talk.step == "ambiguous"
    assert {"Saint-Denis (93)", "Saint-Denis (La Réunion)"} <= set(talk.buttons)
    assert "Un autre lieu" in talk.buttons
    assert "existe à plusieurs endroits" in talk.text
    talk.press("(93)")
    assert talk.state.region == "11" and talk.asks_situation()


def test_ambiguous_place_resolved_by_typing(engine: Engine) -> None:
    talk = Talk(engine).say("Saint-Denis").say("La Réunion")
    assert talk.state.region == "04" and talk.asks_situation()


def test_ambiguous_place_other_place_goes_back_to_the_place_question(talk: Talk) -> None:
    talk.say("Saint-Denis").press("Un autre lieu")
    assert talk.asks_place() and talk.state.candidates == []


def test_location_gives_the_region(talk: Talk) -> None:
    talk.locate(50.6292, 3.0573)  # Lille
    assert talk.state.region == "32"
    assert talk.event("place")["how"] == "localisation"
    assert talk.asks_situation()


def test_coordinates_typed_as_text_are_a_location(talk: Talk) -> None:
    assert UserInput.from_text("43.6047, 1.4442").kind == "location"
    assert UserInput.from_text("48,85 2,35").kind == "location"
    talk.say("43.6047, 1.4442")  # Toulouse
    assert talk.state.region == "76"


def test_two_departement_numbers_are_not_coordinates() -> None:
    # bug fixed: "59, 62" used to be read as a point in the middle of Russia
    assert UserInput.from_text("59, 62").kind == "text"
    assert UserInput.from_text("13 84").kind == "text"


@pytest.mark.parametrize(("text", "name"), [("Je suis salarié à Monaco", "Monaco"), ("Nouméa", "Nouvelle-Calédonie")])
def test_outside_the_regions_says_what_the_service_covers(talk: Talk, text: str, name: str) -> None:
    talk.say(text)
    assert f"Pour {name}" in talk.text
    assert "18 régions" in talk.text and "Martinique" in talk.text and "mon-cep.org" in talk.text
    assert talk.state.region is None and talk.step == "place"
    assert talk.event("place")["outside"] is True
    talk.say("Nice")
    assert talk.state.region == "93"


def test_outside_location(talk: Talk) -> None:
    talk.locate(-22.2758, 166.458)  # Nouméa
    assert "18 régions" in talk.text and talk.state.region is None


# -- corrections ----------------------------------------------------------------------------


def test_place_correction_after_the_answer(engine: Engine) -> None:
    talk = Talk(engine).say("Je suis salarié à Lille").press("ponctuelle")
    assert "https://hdf.avenir-actifs.org" in talk.text
    talk.say("non, en fait je suis à Lyon")
    assert talk.state.region == "84" and talk.step == "answered"
    assert "https://ara.avenir-actifs.org" in talk.text and "hdf.avenir-actifs" not in talk.text


def test_place_correction_in_the_middle(talk: Talk) -> None:
    talk.say("Je suis salarié à Lille")
    assert talk.asks_need()
    talk.say("non, en fait je suis à Lyon")
    assert talk.state.region == "84" and talk.asks_need()


def test_situation_correction(engine: Engine) -> None:
    talk = answered_in_lyon(engine)
    talk.say("je me suis trompé, je suis indépendant")
    assert talk.state.traits == ["independant"]
    assert "Les travailleurs indépendants" in talk.text and talk.step == "answered"


def test_correction_drops_the_old_status_and_extras(engine: Engine) -> None:
    talk = Talk(engine).say("je suis cadre salarié à Lyon")
    assert talk.step == "answered" and "APEC" in talk.text
    talk.say("je me suis trompé, je suis indépendant")
    assert talk.state.traits == ["independant"] and talk.asks_need()


@pytest.mark.parametrize(
    ("label", "check"),
    [
        ("Changer de lieu", Talk.asks_place),
        ("Changer de situation", Talk.asks_situation),
        ("Changer de besoin", Talk.asks_need),
    ],
)
def test_change_buttons_on_the_answer(engine: Engine, label: str, check: Any) -> None:
    talk = answered_in_lyon(engine)
    answer = talk.one_message()
    assert answer.title and row_labels(answer) == [[label for label, _ in RATING_ROW], *DETAIL_ROWS, *CHANGE_ROWS]
    talk.press(label)
    assert check(talk)


def test_the_answer_carries_the_satisfaction_question_and_its_buttons(engine: Engine) -> None:
    """One message: the answer, then "Cette réponse vous a-t-elle été utile ?", 👍/👎 first, then the change rows."""
    talk = answered_in_lyon(engine)
    answer = talk.one_message()
    assert answer.title.startswith("À qui vous adresser") and answer.text.endswith("\n\n" + USEFUL)
    assert answer.text.count(USEFUL) == 1
    rev = talk.state.rev
    assert [[(b.label, b.data) for b in row] for row in answer.buttons] == [
        [("👍 Oui, utile", f"{rev}|u|y"), ("👎 Non", f"{rev}|u|n")],
        [("Comment réserver", f"{rev}|d|r"), ("Que préparer", f"{rev}|d|p")],
        [("Questions fréquentes", f"{rev}|d|f")],
        [("Changer de lieu", f"{rev}|c|place"), ("Changer de situation", f"{rev}|c|sit")],
        [("Changer de besoin", f"{rev}|c|need")],
    ]
    talk.press("👎")
    assert talk.event("satisfaction")["value"] == "no" and "rappelle" in talk.text


def test_the_satisfaction_buttons_come_before_the_change_rows_for_every_door(engine: Engine) -> None:
    """Without a need to change (France Travail), the rows are 👍/👎 then lieu and situation only."""
    talk = Talk(engine).say("Je suis demandeur d'emploi")
    answer = talk.one_message()
    assert "France Travail" in answer.title and answer.text.endswith("\n\n" + USEFUL)
    assert row_labels(answer) == [[label for label, _ in RATING_ROW], *DETAIL_ROWS, CHANGE_ROWS[0]]


def test_a_new_answer_after_rating_does_not_ask_again(engine: Engine) -> None:
    talk = answered_in_lyon(engine).press("Oui, utile")
    assert talk.event("satisfaction")["value"] == "yes"
    talk.say("non, en fait je suis à Lille")
    answer = talk.one_message()
    assert "https://hdf.avenir-actifs.org" in answer.text and USEFUL not in answer.text
    assert row_labels(answer) == [*DETAIL_ROWS, *CHANGE_ROWS]


def test_a_rating_button_pressed_twice_counts_once(engine: Engine) -> None:
    """The pressed keyboard is no longer removed: a second tap on 👍 is a stale button, not a second rating."""
    talk = answered_in_lyon(engine)
    useful = talk.data("Oui, utile")
    talk.press("Oui, utile")
    assert talk.event("satisfaction")
    talk._do(UserInput("button", useful))
    assert "satisfaction" not in [e["type"] for e in talk.events] and talk.event("stale_button")
    assert talk.merged("Ce bouton a expiré. Voici où nous en sommes.", "Voulez-vous autre chose ?")


def test_change_place_then_new_answer_keeps_situation_and_need(engine: Engine) -> None:
    talk = answered_in_lyon(engine).press("Changer de lieu").say("Marseille")
    assert talk.step == "answered" and "https://pacacorse.avenir-actifs.org" in talk.text
    assert "même porte" in talk.text and "ara.avenir-actifs" not in talk.text, "only what changed: the contact"
    talk.press("Comment réserver")
    assert BOOK_PONCTUEL in talk.text and talk.state.need == "ponctuel"


def test_change_need_changes_the_booking_text(engine: Engine) -> None:
    talk = answered_in_lyon(engine).press("Changer de besoin").press("accompagnement")
    assert BOOK_ACCOMPAGNEMENT in talk.text and BOOK_PONCTUEL not in talk.text


def test_change_buttons_still_work_after_rating(engine: Engine) -> None:
    # bug fixed: rating the answer made its "change" buttons expire
    talk = answered_in_lyon(engine)
    change_sit = talk.data("Changer de situation")
    talk.press("Oui")
    assert "rappelle" in talk.text
    talk._do(UserInput("button", change_sit))
    assert talk.asks_situation() and "expiré" not in talk.text


# -- questions at any point -----------------------------------------------------------------


def test_question_mid_flow_then_reprenons(talk: Talk) -> None:
    talk.say("Je suis salarié à Lille")
    assert talk.asks_need()
    talk.say("c'est payant ?")
    assert "gratuit" in talk.text
    # one message: the answer first, then "Reprenons :" and the step's question, with its buttons
    assert talk.merged(question_answer(talk.engine.snapshot, "gratuit"), REPRENONS + talk.texts("question_besoin"))
    assert talk.asks_need() and talk.step == "need"
    assert talk.event("question")["id"] == "gratuit"
    talk.press("ponctuelle")
    assert talk.step == "answered"


def test_question_at_the_place_step(talk: Talk) -> None:
    talk.command("/start").say("c'est payant ?")
    assert "gratuit" in talk.text and talk.asks_place()
    assert talk.merged(question_answer(talk.engine.snapshot, "gratuit"), REPRENONS + talk.texts("question_lieu"))


def test_question_while_choosing_between_places_keeps_the_choices(talk: Talk) -> None:
    talk.say("Saint-Denis")
    choices = talk.buttons
    talk.say("c'est payant ?")
    assert "gratuit" in talk.text
    snap = talk.engine.snapshot
    assert talk.merged(question_answer(snap, "gratuit"), REPRENONS + snap.text("question_ambigu", lieu="Saint-Denis"))
    assert talk.step == "ambiguous" and "Saint-Denis (93)" in talk.buttons and talk.buttons == [*choices, NOT_MINE]
    talk.press("(93)")
    assert talk.state.region == "11"


def test_question_after_the_answer_offers_the_change_buttons(engine: Engine) -> None:
    talk = answered_in_lyon(engine).say("c'est payant ?")
    assert "gratuit" in talk.text
    assert talk.merged(question_answer(engine.snapshot, "gratuit"), REPRENONS + "Voulez-vous autre chose ?")
    assert (
        talk.buttons == ["Comment réserver", "Que préparer", "Questions fréquentes", *CHANGE_LABELS, NOT_MINE]
        and talk.step == "answered"
    )


def test_a_question_that_completes_the_slots_comes_before_the_answer(talk: Talk) -> None:
    """The answer has a title: it starts its own message; the question's answer comes first, without buttons."""
    talk.say("salarié à Lyon, juste une question ponctuelle, c'est payant ?")
    assert talk.step == "answered" and talk.event("question")["id"] == "gratuit"
    first, answer = talk.turn.replies
    assert first == Reply(question_answer(talk.engine.snapshot, "gratuit"))
    assert answer.title.startswith("À qui vous adresser") and "https://ara.avenir-actifs.org" in answer.text
    assert answer.text.endswith("\n\n" + USEFUL) and row_labels(answer)[0] == [label for label, _ in RATING_ROW]


def test_places_in_the_same_lot_are_said_in_the_message_of_the_next_question(talk: Talk) -> None:
    talk.say("salariée dans les Antilles")
    assert talk.merged(
        "Guadeloupe ou Martinique : ces lieux relèvent du même lot, avec les mêmes contacts.",
        talk.texts("question_besoin"),
    )
    assert talk.asks_need()


def test_places_in_the_same_lot_are_said_before_the_answer(talk: Talk) -> None:
    """The notice has no title and no buttons; the answer (a title) keeps its own message, buttons included."""
    talk.say("salariée dans les Antilles, je veux être accompagnée dans la durée")
    assert talk.step == "answered"
    notice, answer = talk.turn.replies
    assert notice == Reply("Guadeloupe ou Martinique : ces lieux relèvent du même lot, avec les mêmes contacts.")
    assert answer.title.startswith("À qui vous adresser") and BOOK_ACCOMPAGNEMENT in answer.text
    assert row_labels(answer) == [[label for label, _ in RATING_ROW], *DETAIL_ROWS, *CHANGE_ROWS]


# -- the final answer -----------------------------------------------------------------------


def test_regional_answer_is_short_with_the_contact_and_the_first_step(engine: Engine) -> None:
    talk = answered_in_lyon(engine)
    answer = talk.turn.replies[0]
    body = answer.text
    assert answer.title == "À qui vous adresser : Votre opérateur régional Mon CEP par Avenir Actifs"
    assert "Auvergne-Rhône-Alpes" in body
    assert "09 72 01 02 03" in body and "https://ara.avenir-actifs.org" in body
    # this contact is « à vérifier » in the knowledge: the answer says so, beside mon-cep.org
    assert engine.knowledge.snapshot.text("a_verifier") in body
    assert "Première étape" in body and BOOK_PONCTUEL in body
    assert len(answer.plain()) <= SHORT_LIMIT, "satisfaction question included"
    assert "Ce que vous pouvez dire" not in body and "Que préparer" not in body, "details are behind buttons"


def test_the_details_are_behind_buttons_and_each_offers_the_others(engine: Engine) -> None:
    talk = answered_in_lyon(engine).press("Comment réserver")
    assert "Ce que vous pouvez dire" in talk.text and "Ensuite" in talk.text
    assert "Rendez-vous en personne, par téléphone, en visio" in talk.text and "Horaires" in talk.text
    assert "Comment réserver" not in talk.buttons and "Que préparer" in talk.buttons
    assert talk.event("detail")["what"] == "book"
    talk.press("Que préparer")
    assert "entretiens professionnels" in talk.text and "CPF" in talk.text
    talk.press("Questions fréquentes")
    assert any("gratuit" in b.lower() or "payant" in b.lower() for b in talk.buttons)


def test_what_to_prepare_fits_the_door_and_the_situation(engine: Engine) -> None:
    young = Talk(engine).say("j'ai 19 ans, sans emploi, j'habite à Lens").press("Que préparer")
    assert "entretiens professionnels" not in young.text and "parcours" in young.text
    disabled = Talk(engine).say("je suis travailleur handicapé et je cherche un emploi à Metz").press("Que préparer")
    assert "RQTH" in disabled.text
    support = Talk(engine).say("salarié à Rennes, je veux me reconvertir").press("Que préparer")
    assert "démissionner" in support.text
    one_off = Talk(engine).say("salarié à Rennes, juste une question").press("Que préparer")
    assert "démissionner" not in one_off.text


def test_detail_buttons_stay_usable_after_a_rating(engine: Engine) -> None:
    talk = answered_in_lyon(engine)
    book = talk.data("Comment réserver")
    talk.press("Oui, utile")
    talk._do(UserInput("button", book))
    assert "Ce que vous pouvez dire" in talk.text and "expiré" not in talk.text


def test_booking_text_follows_the_need(engine: Engine) -> None:
    one_off = Talk(engine).say("salarié à Rennes, juste une question ponctuelle").text
    support = Talk(engine).say("salarié à Rennes, je voudrais être accompagné dans la durée").text
    assert BOOK_PONCTUEL in one_off and BOOK_ACCOMPAGNEMENT not in one_off
    assert BOOK_ACCOMPAGNEMENT in support and BOOK_PONCTUEL not in support


def test_alternatives_when_the_person_may_choose(engine: Engine) -> None:
    talk = Talk(engine).say("je suis cadre")
    assert talk.asks_place(), "the regional operator is one of the choices: its region is needed"
    talk.say("Lyon")
    assert talk.step == "answered"
    assert "À qui vous adresser : L'APEC" in talk.text
    assert "Autre possibilité" in talk.text and "Votre opérateur régional" in talk.text
    talk.press("Autres possibilités")
    assert "https://ara.avenir-actifs.org" in talk.text and "mon-cep.org" in talk.text


def test_job_seeker_goes_to_france_travail_without_a_place(talk: Talk) -> None:
    talk.say("Je suis demandeur d'emploi")
    assert talk.step == "answered"
    assert "À qui vous adresser : France Travail" in talk.text
    assert "3949" in talk.text and "mon-cep.org" in talk.text
    assert talk.event("answer")["door"] == "france_travail"


def test_public_agent_goes_to_the_employer(talk: Talk) -> None:
    talk.say("Je suis fonctionnaire à Rennes")
    assert "À qui vous adresser : Votre employeur public" in talk.text
    assert "mon-cep.org" in talk.text and "avenir-actifs" not in talk.text
    assert "Une collectivité (mairie...)" in talk.buttons, "the employer's kind gives the right door"
    talk.press("Une collectivité")
    assert "centre de gestion" in talk.text and "Ille-et-Vilaine" in talk.text, "the CDG of the département"
    assert talk.event("answer")["door"] == "employeur_territorial"
    talk.press("Comment réserver")
    assert "https://fncdg.com/annuaire_cdg/" in talk.text, "the official finder beside the dated directory"


def test_public_agent_button(engine: Engine) -> None:
    talk = Talk(engine).say("Lyon").press("Agent public")
    assert talk.step == "answered" and "Votre employeur public" in talk.text


def test_young_person_goes_to_the_mission_locale(talk: Talk) -> None:
    talk.say("j'ai 20 ans et je cherche du travail")
    assert "À qui vous adresser : La mission locale" in talk.text and "France Travail" in talk.text


def test_disabled_person_may_choose_cap_emploi_or_the_region(engine: Engine) -> None:
    talk = Talk(engine).say("Lyon").press("autre situation").press("Handicap")
    assert talk.step == "answered"
    assert "Cap emploi" in talk.text and "Autre possibilité" in talk.text
    talk.press("Autres possibilités")
    assert "France Travail" in talk.text and "ara.avenir-actifs" in talk.text


def test_rating_then_reminder(engine: Engine) -> None:
    talk = answered_in_lyon(engine).press("Oui")
    assert talk.event("satisfaction")["value"] == "yes"
    talk.press("Oui, dans")
    assert "schedule_reminder" in talk.turn.actions


def test_rating_button_without_an_answer_is_stale(talk: Talk) -> None:
    talk._do(UserInput("button", "0|u|y"))
    assert "expiré" in talk.text and talk.event("stale_button")


# -- not understood -------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["azertyuiop", "", "???"])
def test_not_understood_gets_a_short_help_with_examples(talk: Talk, text: str) -> None:
    talk.say("Je suis salarié à Lille").say(text)
    assert "Je n'ai pas bien compris" in talk.text
    assert "« Je suis fonctionnaire à Rennes »" in talk.text
    assert talk.asks_need(), "and the current question again"
    # one message: not understood, the help, then the current question with its buttons
    assert talk.merged(
        talk.texts("non_compris") + "\n\n" + talk.texts("aide"), REPRENONS + talk.texts("question_besoin")
    )
    assert talk.event("not_understood")


# -- commands -------------------------------------------------------------------------------


def test_start_payload_is_the_campaign_source(talk: Talk) -> None:
    talk.command("/start affiche_lille-2026")
    assert talk.event("conversation_started")["source"] == "affiche_lille-2026"
    assert talk.state.source == "affiche_lille-2026"
    assert "Bonjour" in talk.text and talk.asks_place()


def test_start_payload_is_sanitised(talk: Talk) -> None:
    talk.command("/start <b>x</b>" + "y" * 200)
    source = talk.event("conversation_started")["source"]
    assert source is not None and len(source) <= 64 and "<" not in source


def test_start_without_payload(talk: Talk) -> None:
    talk.command("/start")
    assert talk.event("conversation_started")["source"] is None


def test_aide_then_resume(talk: Talk) -> None:
    talk.say("Je suis salarié à Lille").command("/aide")
    assert "/recommencer" in talk.text and talk.asks_need()
    assert talk.merged(talk.texts("aide"), REPRENONS + talk.texts("question_besoin"))


def test_recommencer_forgets_everything_but_the_source(engine: Engine) -> None:
    talk = Talk(engine).command("/start campagne").say("Je suis salarié à Lille").command("/recommencer")
    assert talk.state.region is None and talk.state.traits == [] and talk.state.need is None
    assert talk.state.source == "campagne"
    assert talk.event("conversation_restarted")["source"] == "campagne"
    assert "reparti de zéro" in talk.text and talk.asks_place()
    assert talk.merged("C'est reparti de zéro.", talk.texts("question_lieu"))


def test_confidentialite_gives_the_retention(engine: Engine, knowledge: Any) -> None:
    custom = Engine(knowledge, today=TODAY, retention_days=30)
    talk = Talk(custom).command("/confidentialite")
    assert "30 jours" in talk.text and "/supprimer" in talk.text
    assert talk.merged(custom._privacy_text(), REPRENONS + talk.texts("question_lieu")) and talk.asks_place()


def test_supprimer_asks_for_confirmation_then_deletes(engine: Engine) -> None:
    talk = answered_in_lyon(engine).command("/supprimer")
    assert "delete_user" not in talk.turn.actions and talk.step == "confirm_delete"
    assert talk.buttons == ["Oui, tout supprimer", "Non, garder"]
    talk.press("Oui")
    assert "delete_user" in talk.turn.actions
    assert talk.state.region is None and talk.state.traits == []


def test_supprimer_no_keeps_everything(engine: Engine) -> None:
    talk = Talk(engine).say("Je suis salarié à Lille").command("/supprimer").press("Non")
    assert "Rien n'a été supprimé" in talk.text and "delete_user" not in talk.turn.actions
    assert talk.merged("Rien n'a été supprimé.", REPRENONS + talk.texts("question_besoin"))
    assert talk.state.region == "32" and talk.asks_need()


def test_supprimer_then_typing_leaves_the_confirmation(engine: Engine) -> None:
    talk = Talk(engine).say("Je suis salarié à Lille").command("/supprimer").say("Lyon")
    assert "delete_user" not in talk.turn.actions and talk.state.region == "84" and talk.asks_need()


def test_unknown_command_gets_help(talk: Talk) -> None:
    talk.command("/nimportequoi")
    assert "Je ne connais pas cette commande" in talk.text and talk.event("not_understood")
    assert talk.merged(
        "Je ne connais pas cette commande. " + talk.texts("aide"), REPRENONS + talk.texts("question_lieu")
    )


# -- buttons: freshness ---------------------------------------------------------------------


def test_stale_button_says_expired_and_asks_the_current_step(engine: Engine) -> None:
    talk = Talk(engine).say("Lyon")
    old = talk.data("Salarié")
    talk.press("Salarié")
    assert talk.asks_need()
    talk._do(UserInput("button", old))
    assert "Ce bouton a expiré" in talk.text and talk.asks_need()
    assert talk.merged("Ce bouton a expiré. Voici où nous en sommes.", talk.texts("question_besoin")), (
        "one message, no 'Reprenons'"
    )
    assert talk.event("stale_button") and talk.state.traits == ["salarie"]


@pytest.mark.parametrize(
    "data", ["", "x", "|", "abc|s|salarie", "999|s|salarie", "²|s|salarie", "{rev}|p|²", "{rev}|p|7", "{rev}|zz|yy"]
)
def test_foreign_button_data(engine: Engine, data: str) -> None:
    talk = Talk(engine).say("Saint-Denis")
    talk._do(UserInput("button", data.replace("{rev}", str(talk.state.rev))))
    assert "Ce bouton a expiré" in talk.text
    assert talk.one_message().text.startswith("Ce bouton a expiré. Voici où nous en sommes.\n\n")
    assert talk.step == "ambiguous" and "Saint-Denis (93)" in talk.buttons


def test_every_button_is_a_valid_callback(engine: Engine) -> None:
    """Walk many paths, pressing buttons (check_turn checks every button's data at every turn)."""
    seen: set[str] = set()
    for first, presses in (
        (
            "Saint-Denis",
            ["(93)", "autre situation", "Aucune", "Choisir", "Salarié", "accompagnement", "Oui", "Oui, dans"],
        ),
        ("Lyon", ["Indépendant", "ponctuelle", "Non", "Non merci"]),
        ("Lille", ["autre situation", "Cadre", "Changer de lieu"]),
        ("c'est gratuit", []),
    ):
        talk = Talk(engine).say(first)
        seen.update(talk.buttons)
        for label in presses:
            talk.press(label)
            seen.update(talk.buttons)
    assert {"Saint-Denis (93)", "Cadre", "Oui, dans 3 jours", "Non merci"} <= seen


# -- robustness -----------------------------------------------------------------------------


_STATES: dict[int, list[Conversation | None]] = {}


def _states(engine: Engine) -> list[Conversation | None]:
    """A few states to start from (computed once per engine)."""
    if id(engine) in _STATES:
        return _STATES[id(engine)]
    states: list[Conversation | None] = [None]
    for script in (["Lille"], ["Saint-Denis"], ["Je suis salarié à Lille"], ["Je suis salarié à Lyon", "/supprimer"]):
        talk = Talk(engine)
        for text in script:
            talk.say(text)
        states.append(talk.state)
    states.append(answered_in_lyon(engine).state)
    _STATES[id(engine)] = states
    return states


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=300), index=st.integers(min_value=0, max_value=5))
def test_engine_never_raises_on_any_text(engine: Engine, text: str, index: int) -> None:
    state = _states(engine)[index]
    for user in (UserInput.from_text(text), UserInput("text", text), UserInput("command", "/" + text)):
        check_turn(engine.handle(state, user))


_DATA = st.one_of(
    st.text(max_size=80),
    st.builds(
        lambda rev, action, arg: f"{rev}|{action}|{arg}",
        st.one_of(st.integers(min_value=0, max_value=3).map(str), st.text(max_size=3)),
        st.sampled_from(["s", "o", "none", "n", "p", "c", "q", "u", "r", "b", "del", "x", ""]),
        st.one_of(
            st.sampled_from(["salarie", "0", "1", "9", "autre", "place", "sit", "need", "y", "n", "w", "gratuit"]),
            st.text(max_size=8),
        ),
    ),
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=_DATA, index=st.integers(min_value=0, max_value=5))
def test_engine_never_raises_on_any_button(engine: Engine, data: str, index: int) -> None:
    check_turn(engine.handle(_states(engine)[index], UserInput("button", data)))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lat=st.floats(allow_nan=False, allow_infinity=False, min_value=-90, max_value=90),
    lon=st.floats(allow_nan=False, allow_infinity=False, min_value=-180, max_value=180),
)
def test_engine_never_raises_on_any_location(engine: Engine, lat: float, lon: float) -> None:
    check_turn(engine.handle(None, UserInput("location", lat=lat, lon=lon)))


def test_state_round_trips_through_json(engine: Engine) -> None:
    import json

    talk = Talk(engine).say("Saint-Denis")
    restored = Conversation.from_dict(json.loads(json.dumps(talk.state.to_dict())))
    talk.state = restored
    talk.press("(93)")
    assert talk.state.region == "11"


def test_buttons_of_a_deleted_conversation_never_match_a_new_one(knowledge) -> None:  # type: ignore[no-untyped-def]
    """A new conversation starts at a random revision, so an old button (e.g. from before /supprimer) is stale."""
    from bot.dialogue.engine import Conversation, Engine

    revs = {Conversation().rev for _ in range(50)}
    assert len(revs) > 40 and min(revs) >= 1_000_000
    engine = Engine(knowledge)
    old = engine.handle(None, UserInput("text", "salarié à Brest"))
    data = old.replies[-1].buttons[0][0].data
    fresh = engine.handle(None, UserInput("button", data))
    assert "expiré" in fresh.replies[0].text


def test_the_need_button_is_offered_only_where_the_need_matters(knowledge) -> None:  # type: ignore[no-untyped-def]
    """A job seeker's answer has no "Changer de besoin"; an employee's has."""
    from bot.dialogue.engine import Engine

    engine = Engine(knowledge)
    seeker = engine.handle(None, UserInput("text", "je suis demandeur d'emploi à Lyon"))
    labels = [b.label for r in seeker.replies for row in r.buttons for b in row]
    assert "Changer de lieu" in labels and "Changer de besoin" not in labels
    employee = engine.handle(None, UserInput("text", "salariée à Lyon, je veux changer de métier"))
    labels = [b.label for r in employee.replies for row in r.buttons for b in row]
    assert "Changer de besoin" in labels


def test_the_outside_answer_offers_the_location_button(knowledge) -> None:  # type: ignore[no-untyped-def]
    from bot.dialogue.engine import Engine

    turn = Engine(knowledge).handle(None, UserInput("text", "je vis à Monaco"))
    assert any(r.request_location for r in turn.replies)


def test_the_reminder_delay_comes_from_the_configuration(knowledge) -> None:  # type: ignore[no-untyped-def]
    from bot.dialogue.engine import Engine

    engine = Engine(knowledge, reminder_days=5)
    turn = engine.handle(None, UserInput("text", "salariée à Lyon, je veux changer de métier"))
    data = turn.replies[-1].buttons[0][0].data
    rated = engine.handle(turn.state, UserInput("button", data))
    assert "dans 5 jours" in rated.replies[0].text


def test_a_question_about_the_employer_does_not_change_a_self_employed_situation(knowledge) -> None:  # type: ignore[no-untyped-def]
    """After an answer for an independent worker, "mon employeur sera-t-il au courant ?" is answered, not taken as a new status."""
    from bot.dialogue.engine import Engine

    engine = Engine(knowledge)
    turn = engine.handle(None, UserInput("text", "auto-entrepreneur à Ajaccio, je veux me reconvertir"))
    assert turn.state.traits == ["independant"] and turn.state.step == "answered"
    asked = engine.handle(turn.state, UserInput("text", "mon employeur sera-t-il au courant ?"))
    assert asked.state.traits == ["independant"]
    assert any(e["type"] == "question" for e in asked.events)


# -- issue 12: follow-ups, small talk, feedback, no repetition, local offices ------------------


@pytest.mark.parametrize(
    ("text", "door"),
    [
        ("aide-soignante titulaire à l'hôpital de Brest", "employeur_hospitalier"),
        ("agent territorial à la mairie de Nice", "employeur_territorial"),
        ("professeur des écoles à Dijon", "employeur_etat"),
        ("je suis militaire à Toulon", "defense_mobilite"),
        ("je suis en préavis, encore salarié deux mois, à Grenoble, juste une question", "operateur_regional"),
        ("saisonnier à Lyon, juste une question", "operateur_regional"),
        ("je suis handicapé sans emploi à Amiens", "cap_emploi"),
        ("j'ai 23 ans, je viens d'avoir mon master, je cherche du travail à Montpellier", "apec"),
    ],
)
def test_each_person_gets_a_door_a_contact_and_a_first_step_in_one_short_message(
    engine: Engine, text: str, door: str
) -> None:
    talk = Talk(engine).say(text)
    answer = talk.one_message()
    assert talk.event("answer")["door"] == door
    assert "Première étape : " in answer.text
    assert "https://" in answer.text or "Tél." in answer.text, "a contact or an official page"
    assert len(answer.plain()) <= SHORT_LIMIT, "satisfaction question included"


def test_notice_period_and_seasonal_work_offer_france_travail_too(engine: Engine) -> None:
    for text in (
        "je suis en préavis à Lyon, juste une question",
        "intermittent du spectacle à Paris, juste une question",
    ):
        talk = Talk(engine).say(text)
        assert talk.event("answer")["door"] == "operateur_regional" and "France Travail" in talk.text


@pytest.mark.parametrize(
    ("follow_up", "expected"),
    [
        ("et comment je prends rendez-vous ?", "Ce que vous pouvez dire"),
        ("c'est quoi leur numéro ?", "Pour joindre France Travail"),
        ("ils sont où les bureaux ?", "Lyon"),
        ("c'est ouvert le samedi ?", "horaires"),
        ("qu'est-ce que je dois apporter ?", "Que préparer"),
    ],
)
def test_follow_ups_are_answered_for_the_door_just_given(engine: Engine, follow_up: str, expected: str) -> None:
    talk = Talk(engine).say("Je suis demandeur d'emploi à Lyon").say(follow_up)
    assert expected.lower() in talk.text.lower(), talk.text
    assert "Je n'ai pas bien compris" not in talk.text and talk.step == "answered"
    assert talk.event("follow_up")["door"] == "france_travail"


def test_the_nearest_local_office_comes_from_the_dated_directory(engine: Engine) -> None:
    talk = Talk(engine).say("j'ai 20 ans et je cherche du travail à Rennes")
    assert "Mission locale de Rennes" in talk.text and "annuaire de 2015-2016" in talk.text


@pytest.mark.parametrize(
    ("text", "reply"),
    [
        ("bonjour", "Bonjour !"),
        ("salut ça va ?", "Bonjour !"),
        ("slt cv ?", "Bonjour !"),
        ("merci !", "Avec plaisir"),
        ("au revoir", "Au revoir"),
        ("t'es nul", "désolé"),
    ],
)
def test_small_talk_gets_a_brief_natural_reply(engine: Engine, text: str, reply: str) -> None:
    talk = Talk(engine).say(text)
    assert reply in talk.text and "Je n'ai pas bien compris" not in talk.text
    assert talk.event("small_talk")


def test_small_talk_with_a_situation_is_not_small_talk(engine: Engine) -> None:
    talk = Talk(engine).say("bonjour, je suis salarié à Lyon")
    assert talk.asks_need() and not [e for e in talk.events if e["type"] == "small_talk"]


def test_the_full_help_is_shown_once_per_conversation(engine: Engine) -> None:
    talk = Talk(engine).say("azertyuiop")
    assert talk.texts("aide") in talk.text
    talk.say("qsdfghjk")
    assert talk.texts("aide") not in talk.text and talk.texts("non_compris_court") in talk.text


def test_after_a_thumbs_down_the_next_message_is_feedback(engine: Engine) -> None:
    talk = Talk(engine).say("Je suis demandeur d'emploi à Lyon").press("👎")
    talk.say("pas assez précis")
    assert "Merci, c'est noté" in talk.text and "mon-cep.org" in talk.text
    assert talk.event("feedback") and not [e for e in talk.events if e["type"] == "not_understood"]
    talk.say("pas assez précis")
    assert "Merci, c'est noté" not in talk.text, "only the message right after the 👎"


def test_feedback_that_asks_something_is_answered(engine: Engine) -> None:
    talk = Talk(engine).say("Je suis demandeur d'emploi à Lyon").press("👎").say("il manque le numéro")
    assert "Merci, c'est noté" in talk.text and "Pour joindre France Travail" in talk.text


def test_an_unchanged_answer_is_not_sent_again(engine: Engine) -> None:
    talk = Talk(engine).say("salarié à Rennes, juste une question")
    first = talk.text
    talk.say("salarié à Rennes")
    assert talk.text != first and "ne change pas" in talk.text and len(talk.text) < 200


def test_a_student_without_a_job_gets_a_clear_answer_not_a_loop(engine: Engine) -> None:
    talk = Talk(engine).say("je suis étudiant à Lyon")
    assert talk.buttons == ["J'ai un emploi", "Je cherche un emploi", "Ni l'un ni l'autre"]
    talk.press("Ni l'un ni l'autre")
    assert "étudiants" in talk.text and "mon-cep.org" in talk.text
    assert not talk.asks_situation()


def test_a_retiree_who_works_goes_to_the_regional_operator(engine: Engine) -> None:
    talk = Talk(engine).say("je suis retraitée, j'habite à Nantes").press("J'ai un emploi").press("ponctuelle")
    assert talk.event("answer")["door"] == "operateur_regional" and "Pays de la Loire" in talk.text


def test_oui_typed_after_supprimer_confirms(engine: Engine) -> None:
    talk = Talk(engine).say("Je suis salarié à Lille").command("/supprimer").say("oui")
    assert "delete_user" in talk.turn.actions


def test_engine_from_config_takes_retention_and_reminder(knowledge: Any, tmp_path: Any) -> None:
    from bot.config import load_config

    path = tmp_path / "config.yaml"
    path.write_text("privacy:\n  retention_days: 30\nreminders:\n  delay_days: 5\n", encoding="utf-8")
    engine = Engine.from_config(knowledge, load_config(path), today=TODAY)
    assert engine.retention_days == 30 and engine.reminder_days == 5
    assert "30 jours" in Talk(engine).command("/confidentialite").text


def test_chat_command_tells_the_configured_retention(
    tmp_path: Path, small_knowledge: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`cep-bot chat` builds its engine from the configuration: 30 days configured, 30 days told
    (in-process; tests/test_console.py checks the same through a process, in the slow tier)."""
    from bot.cli import main

    path = tmp_path / "config.yaml"
    path.write_text(f"knowledge_dir: {small_knowledge}\nprivacy:\n  retention_days: 30\n", encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.StringIO("/confidentialite\n"))
    assert main(["--config", str(path), "chat"]) == 0
    out = capsys.readouterr().out
    assert "30 jours" in out and "180 jours" not in out


def test_the_same_replies_are_never_sent_twice_in_a_row(engine: Engine) -> None:
    talk = Talk(engine).say("Je suis demandeur d'emploi à Lyon").say("ils sont où les bureaux ?")
    first = talk.text
    talk.say("et c'est quoi leur numéro ?")  # the same contact lines
    assert talk.text != first and "juste au-dessus" in talk.text
    assert "Comment réserver" in talk.buttons, "the same choices stay offered"
    talk.say("c'est ouvert quand ?")
    assert "juste au-dessus" not in talk.text
