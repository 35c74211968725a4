"""Running for real: Telegram faults, knowledge reload, staff commands, secrets in logs."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from bot.nlu.knowledge import load
from fakebotapi import FakeBotApi
from harness import RunningBot, button_data, copy_knowledge, make_config, texts

pytestmark = pytest.mark.slow

TOKEN = "424242:SECRET-token-never-logged"
STAFF = 9001
USEFUL = "Cette réponse vous a-t-elle été utile ?"


def _answers(fake: FakeBotApi, chat_id: int) -> list[str]:
    return [m.get("text", "") for m in fake.sent(chat_id) if m.get("method") == "sendMessage"]


async def _play(fake: FakeBotApi, users: list[int], script: list[tuple[str, int]]) -> None:
    """Each step by every user, then its replies (the number of messages the step gets) for each."""
    for step, replies in script:
        for user in users:
            if step.startswith("/"):
                fake.send_command(user, step)
            else:
                fake.send_text(user, step)
        for user in users:
            await fake.areplies(user, replies, timeout=60)


async def test_flood_control_and_bad_gateway_deliver_every_reply_once_in_order(
    tmp_path: Path, knowledge: object
) -> None:
    """With 20 % of sends answered 429 and 10 % 502, every user gets every reply exactly once, in order."""
    script = [  # (what the person writes, messages the bot sends back)
        ("/start", 1),  # the welcome and the place question
        ("salariée à Rennes", 1),
        ("je veux changer de métier", 1),  # the answer, with its satisfaction question
        ("c'est payant ?", 1),  # the answer to the question, then "Reprenons :"
        ("non en fait je suis à Lyon", 1),
        ("non en fait je suis dans les Antilles", 1),  # "même lot", then only the new contact (same door: issue 12)
    ]
    with FakeBotApi() as fake:
        async with RunningBot(make_config(tmp_path, fake), knowledge, token=TOKEN):
            reference = 200
            await _play(fake, [reference], script)
            await asyncio.sleep(0.5)
            expected = _answers(fake, reference)
            assert len(expected) == sum(n for _, n in script) == 6
            assert (
                "même lot" in expected[-1]
                and "même porte" in expected[-1]
                and "https://antillesguyane.avenir-actifs.org" in expected[-1]
            )
            fake.set_faults(fail_rate_429=0.2, fail_rate_5xx=0.1, retry_after=1, seed=7)
            users = [101, 102, 103]
            await _play(fake, users, script)
            for user in users:
                await fake.auntil(lambda u=user: len(_answers(fake, u)) >= len(expected), timeout=90)
            await asyncio.sleep(1.5)  # a duplicate sent late would show up now
            failed = [c for c in fake.calls if c.failed]
            assert any(c.status == 429 for c in failed), "the run must have met flood control"
            assert any(c.status == 502 for c in failed), "the run must have met 502 answers"
            for user in users:
                assert _answers(fake, user) == expected


async def test_a_broken_knowledge_file_keeps_the_last_good_version_and_tells_staff(
    tmp_path: Path, small_knowledge: Path
) -> None:
    """A broken file during a conversation: answers keep coming from the last good version, staff get the error."""
    knowledge = copy_knowledge(tmp_path, small_knowledge)
    current = load(knowledge)
    with FakeBotApi() as fake:
        config = make_config(tmp_path, fake, knowledge_dir=knowledge, staff_ids=frozenset({STAFF}))
        async with RunningBot(config, current, token=TOKEN) as bot:
            fake.send_text(5, "salarié à Brest")
            first = await fake.areplies(5, 1)
            assert "accompagné" in texts(first)
            market = knowledge / "marches" / "2024-2027.yaml"
            market.write_text(
                market.read_text(encoding="utf-8").replace('regions: ["53"]', 'regions: ["99"]'), encoding="utf-8"
            )
            fake.send_command(STAFF, "/reload")
            report = await fake.areplies(STAFF, 1)
            assert "Rechargement refusé" in texts(report)
            assert "2024-2027.yaml:" in texts(report) and "99" in texts(report)
            assert bot.assistant.knowledge is current
            fake.press(5, button_data(first[-1], "accompagnement"))
            (answer,) = await fake.areplies(5, 1)  # the answer carries its satisfaction question
            assert "https://bretagne.avenir-actifs.org" in answer["text"] and answer["text"].endswith(USEFUL)
            assert button_data(answer, "Oui, utile").endswith("|u|y")


async def test_reload_swaps_the_snapshot_while_messages_keep_being_answered(
    tmp_path: Path, small_knowledge: Path
) -> None:
    """/reload by staff builds a new snapshot off the loop; messages sent meanwhile are answered."""
    knowledge = copy_knowledge(tmp_path, small_knowledge)
    current = load(knowledge)
    with FakeBotApi() as fake:
        config = make_config(tmp_path, fake, knowledge_dir=knowledge, staff_ids=frozenset({STAFF}))
        async with RunningBot(config, current, token=TOKEN) as bot:
            texts_file = knowledge / "textes.yaml"
            texts_file.write_text(
                texts_file.read_text(encoding="utf-8").replace(
                    "Je n'ai pas bien compris", "Pardon, je n'ai pas compris", 1
                ),
                encoding="utf-8",
            )
            fake.send_command(STAFF, "/reload")
            for user in range(300, 310):
                fake.send_text(user, "Quimper")
            for user in range(300, 310):
                assert "situation" in texts(await fake.areplies(user, 1)).lower()
            report = await fake.areplies(STAFF, 1)
            assert "Connaissances rechargées" in texts(report)
            assert bot.assistant.knowledge is not current
            assert bot.assistant.reloads == 1


async def test_reload_runs_in_the_background_and_reports_to_the_staff_chat(
    tmp_path: Path, small_knowledge: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While a /reload is still building (held here), people and the staff themselves keep being answered;
    the report comes to the staff chat, once, when the build ends."""
    import threading

    import bot.service

    knowledge = copy_knowledge(tmp_path, small_knowledge)
    current = load(knowledge)
    release, building = threading.Event(), threading.Event()
    real_check = bot.service.check_knowledge

    def held_check(*args, **kwargs):  # type: ignore[no-untyped-def]
        building.set()
        assert release.wait(30), "the test never released the reload"
        return real_check(*args, **kwargs)

    monkeypatch.setattr(bot.service, "check_knowledge", held_check)
    with FakeBotApi() as fake:
        config = make_config(tmp_path, fake, knowledge_dir=knowledge, staff_ids=frozenset({STAFF}))
        async with RunningBot(config, current, token=TOKEN) as running:
            try:
                fake.send_command(STAFF, "/reload")
                await fake.auntil(building.is_set, timeout=10, message="the reload never started")
                for user in range(400, 405):
                    fake.send_text(user, "Quimper")
                for user in range(400, 405):
                    (question,) = await fake.areplies(user, 1)
                    assert "situation" in question["text"].lower()
                fake.send_command(STAFF, "/version")
                (version,) = await fake.areplies(STAFF, 1)
                assert "Connaissances : version" in version["text"], "the staff chat is answered too, before the report"
                assert running.assistant.reloads == 0 and running.assistant.knowledge is current
            finally:
                release.set()
            (report,) = await fake.areplies(STAFF, 1, timeout=30)
            assert "Connaissances rechargées (commande /reload)" in report["text"]
            assert running.assistant.reloads == 1 and running.assistant.knowledge is not current
            await asyncio.sleep(0.3)
            assert len(fake.sent(STAFF)) == 2, "one report, nothing else"


async def test_staff_commands_are_refused_to_others_and_logged(tmp_path: Path, knowledge: object, caplog) -> None:  # type: ignore[no-untyped-def]
    """/reload by a non-staff user gets the ordinary help; the attempt is logged without the id."""
    caplog.set_level(logging.WARNING)
    with FakeBotApi() as fake:
        config = make_config(tmp_path, fake, staff_ids=frozenset({STAFF}))
        async with RunningBot(config, knowledge, token=TOKEN) as bot:
            fake.send_command(77, "/reload")
            (message,) = await fake.areplies(77, 1)  # the help, then the current question, in one message
            reply = message["text"]
            assert reply.startswith("Je ne connais pas cette commande") and "\n\nReprenons : Où habitez-vous" in reply
            assert bot.assistant.reloads == 0
            fake.send_command(STAFF, "/version")
            assert "Connaissances : version" in texts(await fake.areplies(STAFF, 1))
            fake.send_command(STAFF, "/apercu 2023-06-01 salarié à Lyon")
            preview = texts(await fake.areplies(STAFF, 1))
            assert "2023-06-01" in preview and "2020-2023" in preview
    refused = [r for r in caplog.records if "refused staff command" in r.getMessage()]
    assert refused and all("77" not in r.getMessage() for r in refused)


async def test_a_file_change_is_picked_up_by_the_watch_and_a_broken_one_reported(
    tmp_path: Path, small_knowledge: Path
) -> None:
    """Saving a knowledge file triggers a reload; saving a broken one keeps the old snapshot and warns staff."""
    knowledge = copy_knowledge(tmp_path, small_knowledge)
    current = load(knowledge)
    with FakeBotApi() as fake:
        config = make_config(
            tmp_path, fake, knowledge_dir=knowledge, knowledge_watch_seconds=0.2, staff_ids=frozenset({STAFF})
        )
        async with RunningBot(config, current, token=TOKEN) as bot:
            await asyncio.sleep(0.5)
            texts_file = knowledge / "textes.yaml"
            original = texts_file.read_text(encoding="utf-8")
            texts_file.write_text(original.replace("Reprenons", "Reprenons donc", 1), encoding="utf-8")
            await fake.auntil(lambda: bot.assistant.reloads == 1, timeout=10)
            good = bot.assistant.knowledge
            assert good is not current
            texts_file.write_text(original.replace("accueil:", "acceuil:", 1), encoding="utf-8")
            warning = texts(await fake.areplies(STAFF, 1, timeout=10))
            assert "Rechargement refusé" in warning and "textes.yaml:" in warning and "acceuil" in warning
            assert bot.assistant.knowledge is good
            fake.send_command(12, "/start")
            (welcome,) = await fake.areplies(12, 1)  # the welcome and the place question: one message
            assert "Bonjour" in welcome["text"] and "\n\nOù habitez-vous" in welcome["text"]


async def test_a_network_cut_of_several_seconds_loses_no_reply(tmp_path: Path, knowledge: object) -> None:
    """Telegram unreachable for 4 s, while a reply is due and while people write: polling resumes by itself,
    and every reply arrives once, in order."""
    with FakeBotApi() as fake:
        async with RunningBot(make_config(tmp_path, fake), knowledge, token=TOKEN):
            fake.send_command(61, "/start")
            await fake.areplies(61, 1)
            fake.send_text(61, "salariée à Nantes")  # its reply meets the cut
            fake.pause(4)
            fake.send_text(62, "/start")  # written during the cut, read when polling resumes
            await asyncio.sleep(1)
            fake.send_text(61, "je veux changer de métier")
            first = await fake.areplies(61, 2, timeout=40)
            assert "ponctuelle" in first[0]["text"] and "Pays de la Loire" in first[1]["text"]
            assert await fake.areplies(62, 1, timeout=40)
            await asyncio.sleep(1)
            answers = _answers(fake, 61)
            assert len(answers) == len(set(answers)) == 3
            assert any(c.failed for c in fake.calls), "the cut must have been met"
