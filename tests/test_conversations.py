"""End-to-end conversations: the real python-telegram-bot Application, polling the fake Bot API.

Every test talks to the bot like a person would (messages, commands, button taps, locations)
and reads what the fake server received. After every test, the ``e2e`` fixture checks what
must always hold over Telegram: no request refused by the fake server (HTML, lengths, button
data...), every inline button's callback data under 64 bytes, and exactly one
``answerCallbackQuery`` per button tap.
"""

from __future__ import annotations

import html
import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.ext import ContextTypes, TypeHandler

from bot.dialogue.engine import Reply, Turn
from fakebotapi import FakeBotApi
from handlers.app import PUBLIC_COMMANDS, build_application
from harness import RunningBot, make_config

pytestmark = pytest.mark.slow

MAX_CALLBACK_BYTES = 64
MAX_TEXT = 4096
HDF = "https://hdf.avenir-actifs.org"
PACA = "https://pacacorse.avenir-actifs.org"
ARA = "https://ara.avenir-actifs.org"
BOOK_PONCTUEL = "dites que c'est pour une question précise"
BOOK_ACCOMPAGNEMENT = "dites que vous souhaitez être accompagné sur un projet"
GENERIC_ERROR = "Désolé, un problème technique"
USEFUL = "Cette réponse vous a-t-elle été utile ?"
NEED_CHOICES = ["Une question ponctuelle", "Un accompagnement dans la durée"]


# -- helpers --------------------------------------------------------------------------------


def inline_buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    markup = message.get("reply_markup") or {}
    return [b for row in markup.get("inline_keyboard") or [] for b in row]


def labels(messages: list[dict[str, Any]]) -> list[str]:
    return [b["text"] for m in messages for b in inline_buttons(m)]


def joined(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


def rows(message: dict[str, Any]) -> list[list[str]]:
    markup = message.get("reply_markup") or {}
    return [[b["text"] for b in row] for row in markup.get("inline_keyboard") or []]


def check_answer_message(message: dict[str, Any], *, need_row: bool = True) -> None:
    """The final answer: one message, its satisfaction question at the end, 👍/👎 first, then the change rows."""
    assert message["text"].startswith("<b>À qui vous adresser"), "the title, in bold"
    text = html.unescape(message["text"])
    assert text.endswith("\n\n" + USEFUL) and text.count(USEFUL) == 1
    expected = [["👍 Oui, utile", "👎 Non"], ["Changer de lieu", "Changer de situation"]] + (
        [["Changer de besoin"]] if need_row else []
    )
    got = rows(message)
    # the details of the answer (« Comment réserver »...) come between the rating and the change rows
    details = [
        row
        for row in got[1:]
        if row[0] in ("Comment réserver", "Autres possibilités", "Questions fréquentes")
        or row[0].startswith(("L'État", "Une collectivité", "Un hôpital", "Les armées"))
    ]
    assert ["Comment réserver", "Que préparer"] in details
    assert [got[0], *got[1 + len(details) :]] == expected
    datas = [b["callback_data"] for b in inline_buttons(message)]
    assert datas[0].endswith("|u|y") and datas[1].endswith("|u|n")


def check_callback_data(fake: FakeBotApi) -> int:
    """Every inline button the bot sent carries callback data of 1 to 64 bytes; returns the count."""
    count = 0
    for call in fake.calls:
        if call.method not in ("sendMessage", "editMessageText", "editMessageReplyMarkup"):
            continue
        for button in inline_buttons(call.params):
            data = button.get("callback_data")
            assert isinstance(data, str) and 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_BYTES, button
            count += 1
    return count


class Done:
    """Records which updates the Application has finished with (handlers and error handler)."""

    def __init__(self) -> None:
        self.ids: set[int] = set()

    async def __call__(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        self.ids.add(update.update_id)


class Chat:
    """One person talking to the bot (chat id = user id, as in a private chat)."""

    def __init__(self, world: World, chat_id: int) -> None:
        self.world = world
        self.fake = world.fake
        self.id = chat_id
        self.cursor = 0
        self.last: list[dict[str, Any]] = []
        self.all: list[dict[str, Any]] = []

    # sending without waiting (to interleave people)
    def send(self, text: str) -> int:
        return self.fake.send_text(self.id, text)

    def send_command(self, command: str) -> int:
        return self.fake.send_command(self.id, command)

    def send_press(self, label_part: str) -> int:
        data, message_id = self.button(label_part)
        return self.send_data(data, message_id)

    def send_data(self, data: str, message_id: int | None = None) -> int:
        self.world.presses += 1
        return self.fake.press(self.id, data, message_id=message_id)

    async def collect(self, update_id: int) -> list[dict[str, Any]]:
        """Wait until the bot is done with the update; return what it sent since last time."""
        await self.fake.auntil(
            lambda: update_id in self.world.done.ids, timeout=15, message=f"update {update_id} not handled"
        )
        sent = self.fake.sent(self.id)
        self.last = sent[self.cursor :]
        self.cursor = len(sent)
        self.all.extend(self.last)
        assert self.last, "the bot never stays silent"
        return self.last

    # sending and waiting
    async def say(self, text: str) -> list[dict[str, Any]]:
        return await self.collect(self.send(text))

    async def command(self, command: str) -> list[dict[str, Any]]:
        return await self.collect(self.send_command(command))

    async def press(self, label_part: str) -> list[dict[str, Any]]:
        return await self.collect(self.send_press(label_part))

    async def locate(self, lat: float, lon: float) -> list[dict[str, Any]]:
        return await self.collect(self.fake.send_location(self.id, lat, lon))

    def button(self, label_part: str, messages: list[dict[str, Any]] | None = None) -> tuple[str, int]:
        """(callback data, message id) of the last offered button whose label contains ``label_part``."""
        for message in reversed(messages if messages is not None else self.last):
            for button in inline_buttons(message):
                if label_part.lower() in button["text"].lower():
                    return button["callback_data"], message["message_id"]
        raise AssertionError(f"no button containing {label_part!r} in {labels(self.last)}")

    @property
    def text(self) -> str:
        return joined(self.last)

    @property
    def buttons(self) -> list[str]:
        return labels(self.last)


class World:
    """The fake server, the running bot, and the people talking to it."""

    def __init__(self, fake: FakeBotApi, bot: RunningBot, done: Done) -> None:
        self.fake = fake
        self.bot = bot
        self.done = done
        self.presses = 0

    def chat(self, chat_id: int = 42) -> Chat:
        return Chat(self, chat_id)


@pytest.fixture
def fake() -> Iterator[FakeBotApi]:
    with FakeBotApi() as server:
        yield server
    assert server.internal_errors == []


@pytest.fixture
async def world(fake: FakeBotApi, tmp_path: Path, knowledge: Any) -> AsyncIterator[World]:
    bot = RunningBot(make_config(tmp_path, fake), knowledge)
    done = Done()
    bot.app.add_handler(TypeHandler(Update, done), group=99)
    async with bot:
        world = World(fake, bot, done)
        yield world
        # let any last answerCallbackQuery land before counting
        await fake.auntil(
            lambda: len(fake.calls_of("answerCallbackQuery")) >= world.presses,
            timeout=5,
            message=f"{world.presses} button taps, {len(fake.calls_of('answerCallbackQuery'))} answerCallbackQuery",
        )
    refused = [(c.method, c.reason) for c in fake.calls if c.failed and c.method != "getUpdates"]
    assert refused == [], "the fake Bot API refused requests"
    check_callback_data(fake)
    answered = fake.calls_of("answerCallbackQuery", failed=False)
    assert len(answered) == world.presses, "every callback query is answered exactly once"


# -- start-up -------------------------------------------------------------------------------


async def test_commands_are_set_in_french_at_start_up(world: World) -> None:
    commands = {c["command"]: c["description"] for c in world.fake.commands}
    assert set(commands) == {"start", "aide", "recommencer", "confidentialite", "supprimer"}
    assert commands == dict(PUBLIC_COMMANDS)
    assert commands["recommencer"] == "Repartir de zéro"
    assert all(3 <= len(d) <= 256 for d in commands.values())


# -- conversations --------------------------------------------------------------------------


async def test_everything_in_one_message(world: World) -> None:
    chat = world.chat()
    await chat.command("/start affiche_ajaccio")
    assert "Bonjour" in chat.text
    await chat.say("Je suis indépendant à Ajaccio et je voudrais être accompagné dans la durée")
    (answer,) = chat.last  # the answer and its satisfaction question: one message
    assert answer["parse_mode"] == "HTML"
    assert answer["text"].startswith("<b>À qui vous adresser : Votre opérateur régional")
    check_answer_message(answer)
    text = html.unescape(chat.text)
    assert "Corse" in text
    assert PACA in text and "https://mon-cep.org" in text
    assert BOOK_ACCOMPAGNEMENT in text and BOOK_PONCTUEL not in text
    assert {"Changer de lieu", "Changer de situation", "Changer de besoin"} <= set(chat.buttons)
    # the campaign source of the deep link is kept with the conversation_started event
    events = await world.bot.store.events()
    started = [data for _, _, kind, data in events if kind == "conversation_started"]
    assert started == [{"source": "affiche_ajaccio"}]
    answers = [data for _, _, kind, data in events if kind == "answer"]
    assert answers[-1]["lot"] == "2024-paca-corse"


async def test_one_thing_at_a_time_with_buttons(world: World) -> None:
    chat = world.chat()
    await chat.command("/start")
    (welcome,) = chat.last  # the welcome and the place question: one message
    assert welcome["text"].startswith("Bonjour") and "\n\nOù habitez-vous" in welcome["text"]
    keyboard = welcome["reply_markup"]
    assert keyboard["keyboard"][0][0]["request_location"] is True, "a location button beside free text"
    await chat.say("Lyon")
    assert len(chat.last) == 1
    assert chat.buttons == [
        "Salarié(e) du privé",
        "Indépendant(e)",
        "Demandeur d'emploi",
        "Agent public",
        "Une autre situation",
    ]
    situation_message = chat.last[-1]["message_id"]
    situation_keyboard = chat.last[-1]["reply_markup"]
    await chat.press("Salarié")
    assert len(chat.last) == 1 and chat.buttons == NEED_CHOICES
    await chat.press("ponctuelle")
    (answer,) = chat.last  # the answer carries the satisfaction question and its buttons
    text = html.unescape(answer["text"])
    assert ARA in text and "09 72 01 02 03" in text and BOOK_PONCTUEL in text
    check_answer_message(answer)
    # the pressed keyboard is left as it was (one request less per tap) ...
    pressed = next(m for m in world.fake.messages(chat.id) if m["message_id"] == situation_message)
    assert pressed["reply_markup"] == situation_keyboard
    assert world.fake.calls_of("editMessageReplyMarkup") == []
    # ... so it can be pressed again: the old button says it has expired, and nothing changes
    await chat.collect(chat.send_data(*chat.button("Indépendant", [pressed])))
    (stale,) = chat.last
    assert stale["text"].startswith("Ce bouton a expiré. Voici où nous en sommes.\n\n")
    assert chat.buttons == [
        "Comment réserver",
        "Que préparer",
        "Questions fréquentes",
        "Changer de lieu",
        "Changer de situation",
        "Changer de besoin",
    ]
    state = await world.bot.store.load_state(world.bot.store.person(chat.id))
    assert state["traits"] == ["salarie"] and state["step"] == "answered"


async def test_a_rating_tapped_twice_is_counted_once(world: World) -> None:
    """Keyboards stay on their messages: a second tap on 👍 is an expired button, not a second rating."""
    chat = world.chat()
    await chat.say("Je suis salarié à Lille, j'ai juste une question ponctuelle")
    (answer,) = chat.last
    check_answer_message(answer)
    useful = chat.button("Oui, utile")
    await chat.collect(chat.send_data(*useful))
    (offer,) = chat.last
    assert "rappelle" in offer["text"] and chat.buttons == ["Oui, dans 3 jours", "Non merci"]
    await chat.collect(chat.send_data(*useful))
    (stale,) = chat.last
    assert stale["text"].startswith("Ce bouton a expiré")
    events = [kind for _, _, kind, _ in await world.bot.store.events()]
    assert events.count("satisfaction") == 1 and events.count("stale_button") == 1


async def test_ambiguous_place_resolved_by_button(world: World) -> None:
    chat = world.chat()
    await chat.say("Je suis salariée à Saint-Denis")
    assert {"Saint-Denis (93)", "Saint-Denis (La Réunion)", "Un autre lieu"} <= set(chat.buttons)
    await chat.press("La Réunion")
    assert chat.buttons == ["Une question ponctuelle", "Un accompagnement dans la durée"]
    await chat.press("accompagnement")
    assert "https://oceanindien.avenir-actifs.org" in chat.text and "La Réunion" in chat.text


async def test_a_shared_location_gives_the_region(world: World) -> None:
    chat = world.chat()
    await chat.command("/start")
    await chat.locate(50.6292, 3.0573)  # Lille
    assert "Quelle est votre situation" in chat.text
    await chat.press("Indépendant")
    await chat.press("accompagnement")
    assert HDF in chat.text and "Hauts-de-France" in chat.text


async def test_correction_after_the_answer(world: World) -> None:
    chat = world.chat()
    await chat.say("Je suis salarié à Lille, j'ai juste une question ponctuelle")
    assert HDF in chat.text
    await chat.say("non, en fait je suis à Lyon")
    assert ARA in chat.text and HDF not in chat.text
    await chat.say("je me suis trompé, je suis indépendant")
    assert "travailleurs indépendants" in chat.text and ARA in chat.text
    # and the buttons of the answer
    await chat.press("Changer de lieu")
    assert "Où habitez-vous" in chat.text
    await chat.say("Marseille")
    assert PACA in chat.text and "même porte" in html.unescape(chat.text), (
        "only what changed: the contact for this place"
    )


async def test_a_question_in_the_middle(world: World) -> None:
    chat = world.chat()
    await chat.say("Je suis salarié à Lille")
    assert "Une question ponctuelle" in chat.buttons
    await chat.say("c'est payant ?")
    (message,) = chat.last  # the answer, then "Reprenons :" and the question, in one message
    answer, sep, resumed = message["text"].partition("\n\nReprenons : ")
    assert sep and "gratuit" in answer and "Reprenons" not in answer
    assert resumed.startswith("Que souhaitez-vous ?")
    assert chat.buttons == [*NEED_CHOICES, "Ce n'était pas ma question"]  # the runners-up, one tap away
    await chat.press("accompagnement")
    assert HDF in chat.text
    check_answer_message(chat.last[-1])


async def test_job_seeker(world: World) -> None:
    chat = world.chat()
    await chat.say("Lyon")
    await chat.press("Demandeur d'emploi")
    text = html.unescape(chat.text)
    assert "À qui vous adresser : France Travail" in text and "3949" in text and "mon-cep.org" in text
    assert "avenir-actifs" not in text


async def test_public_agent(world: World) -> None:
    chat = world.chat()
    await chat.say("Je suis fonctionnaire à Rennes")
    text = html.unescape(chat.text)
    assert "À qui vous adresser : Votre employeur public" in text
    assert "ressources humaines" in text and "mon-cep.org" in text
    assert "Une collectivité (mairie...)" in chat.buttons, "the employer's kind is offered"


@pytest.mark.parametrize(("text", "name"), [("Je suis salarié à Monaco", "Monaco"), ("Nouméa", "Nouvelle-Calédonie")])
async def test_a_place_outside_the_regions(world: World, text: str, name: str) -> None:
    chat = world.chat()
    await chat.say(text)
    assert f"Pour {name}" in chat.text and "18 régions" in chat.text and "mon-cep.org" in chat.text
    await chat.say("Toulouse")
    assert chat.buttons, "the conversation goes on with the next question"
    state = await world.bot.store.load_state(world.bot.store.person(chat.id))
    assert state["region"] == "76"


async def test_recommencer(world: World) -> None:
    chat = world.chat()
    await chat.command("/start pub")
    await chat.say("Je suis salarié à Lille")
    await chat.command("/recommencer")
    assert "reparti de zéro" in chat.text and "Où habitez-vous" in chat.text
    (restarted,) = chat.last
    assert restarted["text"].startswith("C'est reparti de zéro.\n\nOù habitez-vous")
    assert restarted["reply_markup"]["keyboard"][0][0]["request_location"] is True
    await chat.say("Lyon")
    assert "Quelle est votre situation" in chat.text, "the old situation is forgotten"
    events = await world.bot.store.events()
    assert [d for _, _, k, d in events if k == "conversation_restarted"] == [{"source": "pub"}]


async def test_a_stale_button(world: World) -> None:
    chat = world.chat()
    await chat.say("Je suis salarié à Lille")
    old_need = chat.button("ponctuelle")
    await chat.say("c'est payant ?")
    await chat.collect(chat.send_data(*old_need))
    (stale,) = chat.last  # one message: expired, then the current step with its buttons
    assert stale["text"].startswith("Ce bouton a expiré. Voici où nous en sommes.\n\nQue souhaitez-vous ?")
    assert chat.buttons == NEED_CHOICES, "and the current step again"
    await chat.collect(chat.send_data("garbage|from|elsewhere"))
    assert len(chat.last) == 1
    assert "Ce bouton a expiré" in chat.text and chat.buttons == NEED_CHOICES
    await chat.press("ponctuelle")
    assert HDF in chat.text


async def test_two_people_interleaved_never_see_each_others_state(world: World) -> None:
    anne, bruno = world.chat(101), world.chat(202)
    first_a = anne.send("Je suis salariée à Lille")
    first_b = bruno.send("Je suis indépendant à Marseille")
    await anne.collect(first_a)
    await bruno.collect(first_b)
    assert "Une question ponctuelle" in anne.buttons and "Une question ponctuelle" in bruno.buttons
    second_b = bruno.send_press("accompagnement")
    second_a = anne.send_press("ponctuelle")
    await bruno.collect(second_b)
    await anne.collect(second_a)
    text_a, text_b = html.unescape(joined(anne.all)), html.unescape(joined(bruno.all))
    assert HDF in text_a and BOOK_PONCTUEL in text_a
    assert PACA not in text_a and "Marseille" not in text_a and BOOK_ACCOMPAGNEMENT not in text_a
    assert PACA in text_b and BOOK_ACCOMPAGNEMENT in text_b
    assert HDF not in text_b and "Lille" not in text_b and BOOK_PONCTUEL not in text_b
    store = world.bot.store
    state_a = await store.load_state(store.person(anne.id))
    state_b = await store.load_state(store.person(bruno.id))
    assert (state_a["region"], state_a["traits"], state_a["need"]) == ("32", ["salarie"], "ponctuel")
    assert (state_b["region"], state_b["traits"], state_b["need"]) == ("93", ["independant"], "accompagnement")


async def test_a_very_long_message(world: World) -> None:
    chat = world.chat()
    await chat.say("Je suis salarié à Lille " + "et encore " * 500)  # about 5,000 characters
    assert len(chat.last) >= 1
    for message in chat.last:
        assert len(message["text"]) <= MAX_TEXT


async def test_a_message_full_of_html(world: World) -> None:
    chat = world.chat()
    await chat.say("<b>salut</b> & <script>alert(1)</script> <a href='x'>")
    assert "Je n'ai pas bien compris" in chat.text
    (reply,) = chat.last  # not understood, the help and the place question: one message
    assert reply["text"].startswith("Je n'ai pas bien compris.") and "\n\nReprenons : Où habitez-vous" in reply["text"]
    for message in chat.all:
        assert "<script>" not in message["text"] and "<b>salut</b>" not in message["text"]
        assert "<a href" not in message["text"]


async def test_long_replies_are_split_and_user_text_is_escaped(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """A reply that quotes the person's text (several times) goes out in pieces, escaped."""
    assistant = world.bot.assistant
    original = assistant.process

    async def echoing(
        user_id: int, chat_id: int, user_input: Any, update_id: int | None = None, *, outbox: Any = None
    ) -> Turn:
        echo = Reply("\n".join([user_input.text] * 200), title="Vous avez écrit <moi> :")
        # the replies go out through the outbox: the echo is rendered first, with the turn's own
        turn = await original(user_id, chat_id, user_input, update_id, outbox=lambda replies: outbox((echo, *replies)))
        return Turn(turn.state, (echo, *turn.replies), turn.events, turn.actions)

    monkeypatch.setattr(assistant, "process", echoing)
    chat = world.chat()
    said = "<b>salut</b> & <script> 😀"
    await chat.say(said)
    echo = [m for m in chat.last if "salut" in m["text"]]
    assert len(echo) >= 3, "200 lines of 30 characters, escaped, need several messages"
    rendered = [m for m in world.fake.messages(chat.id) if m["from"]["is_bot"] and "salut" in m["text"]]
    assert sum(m["text"].count(said) for m in rendered) == 200, "every line arrives, shown as typed"
    for message in echo:
        assert "<b>salut</b>" not in message["text"] and "<script>" not in message["text"]
        assert "&lt;b&gt;salut&lt;/b&gt; &amp; &lt;script&gt;" in message["text"]
    assert echo[0]["text"].startswith("<b>Vous avez écrit &lt;moi&gt; :</b>")
    assert "reply_markup" not in echo[0], "buttons only on the last piece"


async def test_an_error_is_logged_and_the_person_gets_a_plain_message(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(*args: Any, **kwargs: Any) -> Turn:
        raise RuntimeError("database password is hunter2")

    chat = world.chat()
    with monkeypatch.context() as patch:
        patch.setattr(world.bot.assistant, "process", broken)
        with caplog.at_level(logging.ERROR, logger="handlers"):
            await chat.say("Je suis salarié à Lille")
    assert len(chat.last) == 1
    message = chat.last[0]["text"]
    assert message.startswith(GENERIC_ERROR) and "mon-cep.org" in message
    for secret in ("hunter2", "RuntimeError", "Traceback", "database"):
        assert secret not in message
    assert any(r.exc_info and "hunter2" in str(r.exc_info[1]) for r in caplog.records), "the details go to the log"
    # the bot keeps working
    await chat.say("Je suis salarié à Lille")
    assert "Une question ponctuelle" in chat.buttons


async def test_a_failing_button_is_still_answered(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    chat = world.chat()
    await chat.say("Lyon")
    monkeypatch.setattr(world.bot.assistant, "process", _raise)
    await chat.press("Salarié")
    assert chat.last[-1]["text"].startswith(GENERIC_ERROR)


async def _raise(*args: Any, **kwargs: Any) -> Turn:
    raise ValueError("boom")


async def test_privacy_help_and_deletion(world: World) -> None:
    chat = world.chat()
    await chat.say("Je suis salarié à Lille")
    await chat.command("/aide")
    (helped,) = chat.last  # the help, then "Reprenons :" and the current question, in one message
    help_text, sep, resumed = helped["text"].partition("\n\nReprenons : ")
    assert sep and "/recommencer" in help_text and resumed.startswith("Que souhaitez-vous ?")
    assert chat.buttons == NEED_CHOICES
    await chat.command("/confidentialite")
    (privacy,) = chat.last
    assert "180 jours" in chat.text and "\n\nReprenons : Que souhaitez-vous ?" in privacy["text"]
    assert chat.buttons == NEED_CHOICES
    await chat.command("/supprimer")
    assert chat.buttons == ["Oui, tout supprimer", "Non, garder"], "deletion asks for confirmation"
    store = world.bot.store
    person = store.person(chat.id)
    assert await store.load_state(person) is not None
    await chat.press("Oui")
    assert "supprimé" in chat.text and len(chat.last) == 1
    assert await store.load_state(person) is None
    assert [e for e in await store.events() if e[1] == person] == []


async def test_a_sticker_gets_help(world: World) -> None:
    chat = world.chat()
    update_id = world.fake.push_update(
        {
            "message": {
                "message_id": 9999,
                "from": {"id": chat.id, "is_bot": False, "first_name": "Test"},
                "chat": {"id": chat.id, "type": "private", "first_name": "Test"},
                "date": 1_700_000_000,
                "sticker": {
                    "file_id": "s1",
                    "file_unique_id": "u1",
                    "type": "regular",
                    "width": 512,
                    "height": 512,
                    "is_animated": False,
                    "is_video": False,
                },
            }
        }
    )
    await chat.collect(update_id)
    assert "Je n'ai pas bien compris" in chat.text


def test_live_location_updates_are_not_answered_again(fake: FakeBotApi, tmp_path: Path, knowledge: Any) -> None:
    """Bug fixed: a live location sends an edited message every few seconds; each one got a full answer."""
    app = build_application(make_config(tmp_path, fake), object(), token="1:x")  # type: ignore[arg-type]
    location = {"latitude": 50.63, "longitude": 3.06, "live_period": 900}
    base = {
        "message_id": 5,
        "date": 0,
        "chat": {"id": 1, "type": "private"},
        "from": {"id": 1, "is_bot": False, "first_name": "a"},
        "location": location,
    }
    fresh = Update.de_json({"update_id": 1, "message": base}, app.bot)
    edited = Update.de_json({"update_id": 2, "edited_message": {**base, "edit_date": 1}}, app.bot)

    def handled(update: Update) -> bool:
        return any(h.check_update(update) not in (None, False) for group in app.handlers.values() for h in group)

    assert handled(fresh)
    assert not handled(edited)
