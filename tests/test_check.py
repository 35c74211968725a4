"""`cep-bot check`: every rule of the knowledge checker, on a broken copy of the shipped files.

Each test copies the small knowledge folder (``small_knowledge`` in conftest.py: the shipped files, with
the large generated lists cut short, see tests/small_knowledge.py) into ``tmp_path``, breaks one thing with a small textual
edit, runs the checker at a fixed date and asserts the exact problem: file, line, column, message
and hint, as staff see it (``path:line:column: message — hint``). Line numbers are never
hard-coded: they are read from the edited text, so the tests survive staff editing the files.
Edits are anchored on identifiers the files say never to change (lot, question and network ids,
INSEE codes) or replace a whole block with known content.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from bot import yamlfile
from bot.cli import main
from bot.kb import langue, lieux
from bot.kb.load import CheckReport, KnowledgeError, check_knowledge, load_knowledge
from bot.schema import Problem
from bot.yamlpos import load_yaml

if TYPE_CHECKING:
    from bot.kb.model import Snapshot

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
TODAY = dt.date(2026, 11, 26)
MARKET = "marches/2024-2027.yaml"


# -- the fixture: a copy of the shipped knowledge, edited line by line ---------------------------


class KB:
    """A copy of ``knowledge/`` in a temporary folder, with helpers to break it."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def text(self, file: str) -> str:
        return (self.root / file).read_text(encoding="utf-8")

    def lines(self, file: str) -> list[str]:
        return self.text(file).split("\n")

    def write(self, file: str, lines: list[str]) -> None:
        (self.root / file).write_text("\n".join(lines), encoding="utf-8")

    def find(self, file: str, *anchors: str, start: int = 0) -> int:
        """0-based index of the line matching the last anchor, each searched after the previous one.

        An anchor is a fragment of the line, or ``^prefix`` for the start of the stripped line.
        """
        lines = self.lines(file)
        index = start - 1
        for anchor in anchors:
            index += 1
            while index < len(lines) and not _matches(lines[index], anchor):
                index += 1
            assert index < len(lines), f"{anchor!r} not found in {file} (the shipped file changed?)"
        return index

    def set_line(self, file: str, *anchors: str, to: str, keep_indent: bool = True) -> int:
        """Replace the line found by ``anchors``; return its 1-based number."""
        lines = self.lines(file)
        index = self.find(file, *anchors)
        indent = _indent(lines[index]) if keep_indent else ""
        lines[index] = indent + to
        self.write(file, lines)
        return index + 1

    def block_end(self, lines: list[str], index: int) -> int:
        """Index just after the block that starts at line ``index`` (its more-indented lines)."""
        width = len(_indent(lines[index]))
        end = index + 1
        while end < len(lines) and (not lines[end].strip() or len(_indent(lines[end])) > width):
            end += 1
        while end > index + 1 and not lines[end - 1].strip():  # keep the blank lines after it
            end -= 1
        return end

    def set_block(self, file: str, *anchors: str, to: str) -> int:
        """Replace the block found by ``anchors`` (the line and the lines indented under it).

        ``to`` is written at the block's indentation; return the 1-based number of its first line.
        """
        lines = self.lines(file)
        index = self.find(file, *anchors)
        indent = _indent(lines[index])
        new = [indent + line if line else line for line in to.strip("\n").split("\n")] if to else []
        lines[index : self.block_end(lines, index)] = new
        self.write(file, lines)
        return index + 1

    def line_no(self, file: str, *anchors: str) -> int:
        return self.find(file, *anchors) + 1

    def col(self, file: str, line: int, fragment: str) -> int:
        """1-based column of ``fragment`` in line ``line``."""
        text = self.lines(file)[line - 1]
        assert fragment in text, (fragment, text)
        return text.index(fragment) + 1

    def check(self, today: dt.date = TODAY) -> CheckReport:
        return check_knowledge(self.root, today=today)


def _matches(line: str, anchor: str) -> bool:
    return line.strip().startswith(anchor[1:]) if anchor.startswith("^") else anchor in line


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" "))]


def expected(file: str, line: int, column: int, message: str, hint: str) -> str:
    return str(Problem(f"knowledge/{file}", line, column, message, hint))


def errors(report: CheckReport) -> list[str]:
    return [str(p) for p in report.errors]


def warnings(report: CheckReport) -> list[str]:
    return [str(p) for p in report.warnings]


# YAML text -> its parsed tree, for the whole run: each test breaks one file, so the checker re-parses that
# one and reuses the trees of the files it left as they were (the same text gives the same tree; the
# checker only reads them). A third of a check's time goes to parsing unchanged files otherwise.
_PARSED: dict[str, Any] = {}


def _parsed_once(text: str) -> Any:
    if text not in _PARSED:
        _PARSED[text] = load_yaml(text)  # a YamlSyntaxError is raised, never kept
    return _PARSED[text]


@pytest.fixture(name="kb")
def _kb(tmp_path: Path, small_knowledge: Path, monkeypatch: pytest.MonkeyPatch) -> KB:
    root = tmp_path / "knowledge"
    shutil.copytree(small_knowledge, root)
    for module in (yamlfile, langue, lieux):
        monkeypatch.setattr(module, "load_yaml", _parsed_once)
    return KB(root)


def _markets() -> list[tuple[str, dict]]:
    """(file, parsed data) of every shipped market, by start date."""
    found = [
        (f"marches/{p.name}", load_yaml(p.read_text(encoding="utf-8")))
        for p in sorted((KNOWLEDGE / "marches").glob("*.yaml"))
    ]
    return sorted(found, key=lambda item: str(item[1]["debut"]))


# -- the shipped knowledge passes ----------------------------------------------------------------


def _relative(problems: list[Problem], root: Path) -> list[str]:
    return sorted(str(p).removeprefix(f"{root.name}/") for p in problems)


def test_small_knowledge_has_no_error(small_knowledge: Path) -> None:
    report = check_knowledge(small_knowledge, today=TODAY)
    assert errors(report) == []
    assert report.snapshot is not None
    assert report.counts["regions"] == 18
    assert report.snapshot.lieux.demonyms and report.snapshot.language.lemmas


@pytest.mark.slow  # the whole shipped folder: 37 000 communes, every list in full
def test_shipped_knowledge_has_no_error(small_knowledge: Path) -> None:
    report = check_knowledge(KNOWLEDGE, today=TODAY)
    assert errors(report) == []
    assert report.snapshot is not None
    assert report.counts["regions"] == 18
    assert report.counts["lots"] >= 18
    assert report.counts["contacts"] >= report.counts["to_check"]
    rendered = report.render().split("\n")
    assert rendered[-1] == report.summary()
    assert re.fullmatch(
        r"18 régions, \d+ départements, \d+ communes, \d+ marchés, \d+ lots, \d+ contacts dont \d+ à vérifier, "
        r"\d+ questions, \d+ exemples de messages — 0 erreur\(s\), \d+ avertissement\(s\)",
        rendered[-1],
    )
    # the small copy the other tests break stands for the shipped files: the same warnings
    small = check_knowledge(small_knowledge, today=TODAY)
    assert _relative(small.warnings, small_knowledge) == _relative(report.warnings, KNOWLEDGE)


def test_cep_bot_check_knowledge_exits_0_and_prints_the_summary(
    small_knowledge: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--config", str(ROOT / "config.yaml"), "check", str(small_knowledge)])
    out = capsys.readouterr().out.rstrip("\n").split("\n")
    assert code == 0
    assert out[0] == f"Dossier vérifié : {small_knowledge.resolve()}"
    assert re.fullmatch(
        r"18 régions, .* lots, \d+ contacts dont \d+ à vérifier, .* — 0 erreur\(s\), \d+ avertissement\(s\)", out[-1]
    )
    assert all(line.endswith("(avertissement)") for line in out[1:-1])


@pytest.mark.slow
def test_cep_bot_check_knowledge_as_a_process() -> None:
    script = Path(sys.executable).with_name("cep-bot")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "bot"]
    done = subprocess.run(
        [*command, "check", "knowledge"], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    last = done.stdout.rstrip("\n").split("\n")[-1]
    assert re.fullmatch(
        r"18 régions, .* lots, \d+ contacts dont \d+ à vérifier, .* — 0 erreur\(s\), \d+ avertissement\(s\)", last
    )


def test_broken_knowledge_exits_1_errors_before_warnings_summary_last(
    kb: KB, capsys: pytest.CaptureFixture[str]
) -> None:
    # A warning early in the files (an http source) and an error later (a bad phone number).
    kb.set_block(
        MARKET,
        '"2024-bretagne"',
        "^contacts:",
        to='contacts:\n  "53":\n    telephone: "02 99 00 00"\n    source: "http://exemple.fr/cep"\n    verifie: "2026-11-01"',
    )
    code = main(["--config", str(ROOT / "config.yaml"), "check", "--date", TODAY.isoformat(), str(kb.root)])
    out = capsys.readouterr().out.rstrip("\n").split("\n")
    assert code == 1
    assert out[0] == f"Dossier vérifié : {kb.root.resolve()}"
    out = out[1:]
    kinds = ["warning" if line.endswith("(avertissement)") else "error" for line in out[:-1]]
    assert kinds == sorted(kinds), "errors come before warnings"
    assert kinds.count("error") == 1
    assert "n'est pas un numéro de téléphone français" in out[0]
    assert any("source en http « http://exemple.fr/cep »" in line for line in out[:-1])
    assert out[-1].startswith("18 régions, ") and "— 1 erreur(s), " in out[-1]


def test_broken_knowledge_builds_no_snapshot_and_load_raises(kb: KB) -> None:
    kb.set_line(MARKET, '"2024-bretagne"', "^regions:", to='regions: "53"')
    report = kb.check()
    assert report.errors
    assert report.snapshot is None
    with pytest.raises(KnowledgeError) as raised:
        load_knowledge(kb.root, today=TODAY)
    assert [str(p) for p in raised.value.problems if p.severity == "error"] == errors(report)
    assert "1 erreur(s) dans la base de connaissances :" in str(raised.value)


def test_warnings_alone_still_build_the_snapshot(kb: KB) -> None:
    line = kb.set_block(
        MARKET,
        '"2024-bretagne"',
        "^contacts:",
        to='contacts:\n  "53":\n    source: "http://exemple.fr/cep"\n    verifie: "2026-11-01"',
    )
    report = kb.check()
    assert errors(report) == []
    assert expected(
        MARKET,
        line + 2,
        kb.col(MARKET, line + 2, '"'),
        "source en http « http://exemple.fr/cep »",
        "préférez l'adresse en https:// si la page existe en https",
    ) in warnings(report)
    assert report.snapshot is not None


# -- YAML syntax: the line where the staff member made the mistake -------------------------------


def test_yaml_missing_closing_quote_points_at_the_opening_quote(kb: KB) -> None:
    line = kb.set_line(MARKET, '"2024-bretagne"', "^nom:", to='nom: "Lot Bretagne')
    assert errors(kb.check()) == [
        expected(
            MARKET,
            line,
            kb.col(MARKET, line, '"'),
            'guillemet " jamais refermé',
            'ajoutez " à la fin du texte : nom: "Lot Bretagne"',
        )
    ]


def test_yaml_missing_closing_quote_in_a_list(kb: KB) -> None:
    line = kb.set_line(MARKET, '"2024-bretagne"', "^regions:", to='regions: ["53]')
    assert errors(kb.check()) == [
        expected(
            MARKET,
            line,
            kb.col(MARKET, line, '"'),
            'guillemet " jamais refermé',
            'ajoutez " à la fin du texte qui commence ici',
        )
    ]


def test_yaml_quote_inside_a_quoted_text(kb: KB) -> None:
    line = kb.set_line("questions.yaml", "id: eligibilite_qui", "^formulations:", "^-", to='- "qui a droit au "cep""')
    column = kb.col("questions.yaml", line, '"cep')
    assert errors(kb.check()) == [
        expected(
            "questions.yaml",
            line,
            column,
            "ce guillemet \" termine le texte trop tôt : la suite de la ligne n'est pas comprise",
            'dans un texte entre guillemets droits, écrivez « » ou l\'apostrophe \' au lieu de ", par exemple - "qui a droit au « cep »"',
        )
    ]


def test_yaml_apostrophe_inside_a_single_quoted_text(kb: KB) -> None:
    line = kb.set_line(MARKET, '"2024-bretagne"', "^nom:", to="nom: 'L'équipe Bretagne'")
    assert errors(kb.check()) == [
        expected(
            MARKET,
            line,
            kb.col(MARKET, line, "'équipe"),
            "ce guillemet ' termine le texte trop tôt : la suite de la ligne n'est pas comprise",
            (
                "une apostrophe termine un texte commencé par ' : entourez plutôt le texte de guillemets droits, par "
                'exemple nom: "L\'équipe Bretagne"'
            ),
        )
    ]


def test_yaml_tab(kb: KB) -> None:
    lines = kb.lines(MARKET)
    index = kb.find(MARKET, '"2024-bretagne"', "^nom:")
    lines[index] = "\t" + lines[index].lstrip(" ")
    kb.write(MARKET, lines)
    assert errors(kb.check()) == [
        expected(
            MARKET,
            index + 1,
            1,
            "tabulation interdite",
            "remplacez la tabulation par des espaces (2 espaces par niveau de décalage)",
        )
    ]


@pytest.mark.parametrize("shift", [1, -1, -2])
def test_yaml_bad_indentation_says_how_many_spaces(kb: KB, shift: int) -> None:
    lines = kb.lines(MARKET)
    index = kb.find(MARKET, '"2024-bretagne"', "^regions:")
    spaces = len(_indent(lines[index]))
    lines[index] = " " * (spaces + shift) + lines[index].lstrip(" ")
    kb.write(MARKET, lines)
    sibling = kb.line_no(MARKET, '"2024-bretagne"', "^nom:")  # the line just above, well indented
    assert sibling == index
    assert errors(kb.check()) == [
        expected(
            MARKET,
            index + 1,
            1,
            (
                f"ligne mal décalée : elle commence par {spaces + shift} espace{'s' if spaces + shift > 1 else ''}, ce "
                "qui ne la rattache à aucun bloc au-dessus"
            ),
            f"alignez-la sur les lignes du même bloc : {spaces} espaces en début de ligne, comme la ligne {sibling}",
        )
    ]


def test_yaml_bad_indentation_of_a_list_item(kb: KB) -> None:
    lines = kb.lines("questions.yaml")
    index = kb.find("questions.yaml", "id: eligibilite_qui", "^formulations:", "^-", "^-")
    spaces = len(_indent(lines[index]))
    lines[index] = " " * (spaces - 1) + lines[index].lstrip(" ")
    kb.write("questions.yaml", lines)
    assert errors(kb.check()) == [
        expected(
            "questions.yaml",
            index + 1,
            1,
            f"ligne mal décalée : elle commence par {spaces - 1} espaces, ce qui ne la rattache à aucun bloc au-dessus",
            f"alignez-la sur les lignes du même bloc : {spaces} espaces en début de ligne, comme la ligne {index}",
        )
    ]


def test_yaml_colon_inside_an_unquoted_value(kb: KB) -> None:
    line = kb.set_line(MARKET, '"2024-bretagne"', "^note:", to="note: Avant 2024: Catalys Conseil")
    assert errors(kb.check()) == [
        expected(
            MARKET,
            line,
            kb.col(MARKET, line, ": Catalys"),
            "deux-points « : » dans un texte sans guillemets",
            'mettez tout le texte entre guillemets : note: "Avant 2024: Catalys Conseil"',
        )
    ]


def test_yaml_colon_inside_an_unquoted_list_item(kb: KB) -> None:
    # Valid YAML, read as « clé: valeur »: the schema says it in the same words.
    line = kb.set_line(
        "questions.yaml", "id: eligibilite_qui", "^formulations:", "^-", to="- qui a droit au cep : tout le monde ?"
    )
    assert errors(kb.check()) == [
        expected(
            "questions.yaml",
            line,
            kb.col("questions.yaml", line, "qui"),
            "deux-points « : » dans un texte sans guillemets",
            'mettez tout le texte entre guillemets : - "qui a droit au cep : tout le monde ?"',
        )
    ]


def test_yaml_missing_colon(kb: KB) -> None:
    line = kb.set_line(MARKET, '"2024-bretagne"', "^nom:", to='nom "Lot Bretagne"')
    assert errors(kb.check()) == [
        expected(
            MARKET, line, kb.col(MARKET, line, "nom"), "il manque « : » après « nom »", 'écrivez nom: "Lot Bretagne"'
        )
    ]


def test_yaml_missing_space_after_colon(kb: KB) -> None:
    line = kb.set_line(MARKET, '"2024-bretagne"', "^nom:", to='nom:"Lot Bretagne"')
    assert errors(kb.check()) == [
        expected(
            MARKET, line, kb.col(MARKET, line, "nom"), "il manque une espace après « : »", 'écrivez nom: "Lot Bretagne"'
        )
    ]


def test_yaml_unclosed_bracket(kb: KB) -> None:
    line = kb.set_line(MARKET, '"2024-bretagne"', "^regions:", to='regions: ["53"')
    assert errors(kb.check()) == [
        expected(
            MARKET,
            line,
            kb.col(MARKET, line, "["),
            "« [ » jamais refermé : il manque « ] » à la fin de cette ligne",
            'ajoutez « ] » après le dernier élément, par exemple regions: ["53", "52"]',
        )
    ]


def test_yaml_error_in_one_market_file_adds_no_period_noise(kb: KB) -> None:
    """A market file that cannot be read must not make the others look wrong (no "no market")."""
    kb.set_line(MARKET, "^id:", to='id: "2024-2027')
    assert len(errors(kb.check())) == 1


# -- keys and types ------------------------------------------------------------------------------


def test_unknown_key_with_did_you_mean(kb: KB) -> None:
    line = kb.set_line(MARKET, '"2024-bretagne"', "^regions:", to='region: ["53"]')
    assert errors(kb.check()) == [
        expected(
            MARKET, line, kb.col(MARKET, line, "region"), "clé inconnue « region »", "vouliez-vous dire « regions » ?"
        )
    ]


def test_unknown_key_without_near_miss_lists_the_keys(kb: KB) -> None:
    line = kb.set_block(
        MARKET,
        '"2024-bretagne"',
        "^contacts:",
        to='contacts:\n  "53":\n    fax: "02 99 00 00 00"\n    a_verifier: "test"',
    )
    assert errors(kb.check()) == [
        expected(
            MARKET,
            line + 2,
            kb.col(MARKET, line + 2, "fax"),
            "clé inconnue « fax »",
            (
                "clés possibles ici : telephone, site, reservation, email, lieux, adresse, horaires, modes, source, "
                "verifie, a_verifier"
            ),
        )
    ]


def test_unknown_key_in_textes(kb: KB) -> None:
    line = kb.set_line("textes.yaml", "^accueil:", to="acceuil: >-", keep_indent=False)
    assert errors(kb.check()) == [
        expected("textes.yaml", line, 1, "clé inconnue « acceuil »", "vouliez-vous dire « accueil » ?")
    ]


def test_missing_key(kb: KB) -> None:
    lines = kb.lines(MARKET)
    index = kb.find(MARKET, '"2024-bretagne"', "^nom:")
    del lines[index]
    kb.write(MARKET, lines)
    lot = kb.line_no(MARKET, 'id: "2024-bretagne"')
    assert errors(kb.check()) == [
        expected(
            MARKET,
            lot,
            kb.col(MARKET, lot, "id"),
            "il manque la clé « nom » dans cet élément de « lots »",
            'ajoutez une ligne « nom: "Lot Bretagne" »',
        )
    ]


def test_wrong_type_text_instead_of_list(kb: KB) -> None:
    line = kb.set_line(MARKET, '"2024-bretagne"', "^regions:", to='regions: "53"')
    assert errors(kb.check()) == [
        expected(
            MARKET,
            line,
            kb.col(MARKET, line, '"53"'),
            "« regions » doit être une liste, même pour un seul élément",
            'mettez la valeur entre crochets : regions: ["53"]',
        )
    ]


def test_wrong_type_number_instead_of_list(kb: KB) -> None:
    line = kb.set_line(MARKET, '"2024-bretagne"', "^regions:", to="regions: 53")
    assert errors(kb.check()) == [
        expected(
            MARKET,
            line,
            kb.col(MARKET, line, "53"),
            "« regions » doit être une liste, même pour un seul élément",
            'mettez la valeur entre crochets : regions: ["53"]',
        )
    ]


def test_wrong_type_text_instead_of_block(kb: KB) -> None:
    line = kb.set_block(MARKET, '"2024-bretagne"', "^operateur:", to='operateur: "Mon CEP par Avenir Actifs"')
    assert errors(kb.check()) == [
        expected(
            MARKET,
            line,
            kb.col(MARKET, line, '"Mon'),
            "« operateur » doit contenir des lignes « clé: valeur », décalées en dessous",
            'écrivez en dessous, décalées de 2 espaces, des lignes comme nom: "Mon CEP par Avenir Actifs"',
        )
    ]


def test_wrong_type_list_instead_of_text(kb: KB) -> None:
    line = kb.set_line(MARKET, '"2024-bretagne"', "^nom:", to='nom: ["Lot Bretagne"]')
    assert errors(kb.check()) == [
        expected(
            MARKET,
            line,
            kb.col(MARKET, line, "["),
            "« nom » doit être un texte simple, pas une liste ni un bloc",
            'écrivez par exemple nom: "Lot Bretagne"',
        )
    ]


def test_unquoted_code(kb: KB) -> None:
    line = kb.set_line(MARKET, '"2024-bretagne"', "^regions:", to="regions: [53]")
    assert errors(kb.check()) == [
        expected(
            MARKET,
            line,
            kb.col(MARKET, line, "53"),
            "le code 53 doit être entre guillemets",
            'écrivez "53" (avec les guillemets)',
        )
    ]


def test_yes_is_not_a_text(kb: KB) -> None:
    line = kb.set_line(MARKET, '"2024-bretagne"', "^nom:", to="nom: yes")
    assert errors(kb.check()) == [
        expected(
            MARKET,
            line,
            kb.col(MARKET, line, "yes"),
            "« nom » : yes est compris comme oui/non, pas comme un texte",
            'mettez la valeur entre guillemets : nom: "yes"',
        )
    ]


def test_invalid_date(kb: KB) -> None:
    line = kb.set_line(MARKET, "^fin:", to='fin: "2027-02-30"')
    assert errors(kb.check()) == [
        expected(
            MARKET,
            line,
            kb.col(MARKET, line, '"2027'),
            "date invalide « 2027-02-30 »",
            'écrivez la date au format "AAAA-MM-JJ", par exemple "2026-01-31"',
        )
    ]


def test_unknown_choice_with_did_you_mean(kb: KB) -> None:
    line = kb.set_block(
        MARKET,
        '"2024-bretagne"',
        "^contacts:",
        to='contacts:\n  "53":\n    modes: [presentiel, telefone]\n    a_verifier: "test"',
    )
    assert errors(kb.check()) == [
        expected(
            MARKET,
            line + 2,
            kb.col(MARKET, line + 2, "telefone"),
            "valeur inconnue « telefone » pour « modes »",
            "vouliez-vous dire « telephone » ? valeurs possibles : presentiel, telephone, visio, email",
        )
    ]


# -- regions, départements, lots -----------------------------------------------------------------


def test_unknown_region_code_in_a_lot(kb: KB) -> None:
    line = kb.set_line(MARKET, '"2024-bretagne"', "^regions:", to='regions: ["53", "99"]')
    assert errors(kb.check()) == [
        expected(
            MARKET,
            line,
            kb.col(MARKET, line, '"99"'),
            "code de région inconnu « 99 »",
            (
                "utilisez un des codes de geographie.yaml : 01, 02, 03, 04, 06, 11, 24, 27, 28, 32, 44, 52, 53, 75, "
                "76, "
                "84, 93, 94"
            ),
        )
    ]


def test_unknown_region_code_of_a_departement(kb: KB) -> None:
    line = kb.set_line("geographie.yaml", "^departements:", 'code: "29"', "^region:", to='region: "33"')
    assert errors(kb.check()) == [
        expected(
            "geographie.yaml",
            line,
            kb.col("geographie.yaml", line, '"33"'),
            "code de région inconnu « 33 » pour le département 29",
            (
                "utilisez un des codes de « regions » : 01, 02, 03, 04, 06, 11, 24, 27, 28, 32, 44, 52, 53, 75, 76, "
                "84, "
                "93, 94"
            ),
        )
    ]


def test_unknown_departement_code(kb: KB) -> None:
    """Not a French département: one error, not one per commune of the old code."""
    line = kb.set_line("geographie.yaml", "^departements:", '^- code: "29"', to='- code: "20"')
    assert errors(kb.check()) == [
        expected(
            "geographie.yaml",
            line,
            kb.col("geographie.yaml", line, '"20"'),
            "code de département inconnu « 20 »",
            'écrivez un code de "01" à "95", "2A" ou "2B" pour la Corse, "971" à "976" pour l\'outre-mer',
        )
    ]


def test_unknown_region_code_in_regions(kb: KB) -> None:
    kb.set_line("geographie.yaml", "^regions:", '^- code: "53"', to='- code: "54"')
    line = kb.line_no("geographie.yaml", "^regions:", '^- code: "54"')
    report = kb.check()
    assert errors(report)[0] == expected(
        "geographie.yaml",
        line,
        kb.col("geographie.yaml", line, '"54"'),
        "code de région inconnu « 54 »",
        "les codes INSEE des régions sont : 01, 02, 03, 04, 06, 11, 24, 27, 28, 32, 44, 52, 53, 75, 76, 84, 93, 94",
    )


def test_region_in_two_lots(kb: KB) -> None:
    first = kb.line_no(MARKET, 'id: "2024-bretagne"')
    other = kb.line_no(MARKET, 'id: "2024-pdl"')
    later, earlier_id = ("2024-pdl", "2024-bretagne") if other > first else ("2024-bretagne", "2024-pdl")
    codes = {"2024-pdl": '["52", "53"]', "2024-bretagne": '["53", "52"]'}
    line = kb.set_line(MARKET, f'"{later}"', "^regions:", to=f"regions: {codes[later]}")
    duplicate = "53" if later == "2024-pdl" else "52"
    assert errors(kb.check()) == [
        expected(
            MARKET,
            line,
            kb.col(MARKET, line, f', "{duplicate}"') + 2,
            f"la région {duplicate} est déjà couverte par le lot « {earlier_id} »",
            "une région ne peut appartenir qu'à un seul lot par marché : retirez-la de l'un des deux lots",
        )
    ]


def test_region_in_no_lot(kb: KB) -> None:
    kb.set_block(MARKET, 'id: "2024-bretagne"', to="")
    line = kb.line_no(MARKET, "^lots:")
    assert errors(kb.check()) == [
        expected(
            MARKET,
            line,
            1,
            "la région 53 (Bretagne) n'est couverte par aucun lot du marché 2024-2027",
            'ajoutez "53" à la liste « regions » du lot qui la couvre',
        )
    ]


def test_region_in_no_lot_of_the_past_market_too(kb: KB) -> None:
    file = "marches/2020-2023.yaml"
    kb.set_block(file, 'id: "2020-bretagne"', to="")
    assert errors(kb.check()) == [
        expected(
            file,
            kb.line_no(file, "^lots:"),
            1,
            "la région 53 (Bretagne) n'est couverte par aucun lot du marché 2020-2023",
            'ajoutez "53" à la liste « regions » du lot qui la couvre',
        )
    ]


def test_contacts_for_a_region_outside_the_lot(kb: KB) -> None:
    line = kb.set_block(
        MARKET,
        '"2024-bretagne"',
        "^contacts:",
        to='contacts:\n  "53":\n    a_verifier: "test"\n  "52":\n    a_verifier: "test"',
    )
    assert errors(kb.check()) == [
        expected(
            MARKET,
            line + 3,
            kb.col(MARKET, line + 3, '"52"'),
            "contacts pour la région « 52 », qui n'est pas dans ce lot",
            "utilisez un des codes du lot : 53",
        )
    ]


# -- market periods ------------------------------------------------------------------------------


def test_markets_overlap(kb: KB) -> None:
    line = kb.set_line(MARKET, "^debut:", to='debut: "2023-12-01"')
    assert errors(kb.check()) == [
        expected(
            MARKET,
            line,
            kb.col(MARKET, line, '"'),
            (
                "le marché 2024-2027 commence le 2023-12-01, avant la fin du marché 2020-2023 (le 2023-12-31) : les "
                "deux "
                "se chevauchent"
            ),
            'écrivez debut: "2024-01-01", ou corrigez « fin » du marché 2020-2023',
        )
    ]


def test_markets_leave_a_gap(kb: KB) -> None:
    line = kb.set_line(MARKET, "^debut:", to='debut: "2024-02-01"')
    assert errors(kb.check()) == [
        expected(
            MARKET,
            line,
            kb.col(MARKET, line, '"'),
            "aucun marché du 2024-01-01 au 2024-01-31 : trou entre le marché 2020-2023 et le marché 2024-2027",
            'écrivez debut: "2024-01-01", ou corrigez « fin » du marché 2020-2023',
        )
    ]


def test_market_ending_before_it_starts(kb: KB) -> None:
    line = kb.set_line(MARKET, "^fin:", to='fin: "2023-06-30"')
    assert errors(kb.check()) == [
        expected(
            MARKET,
            line,
            kb.col(MARKET, line, '"'),
            "la fin du marché (2023-06-30) est avant son début (2024-01-01)",
            "vérifiez « debut » et « fin »",
        )
    ]


def test_no_market_in_force_today(kb: KB) -> None:
    file, data = _markets()[-1]
    last_day = dt.date.fromisoformat(str(data["fin"]))
    day = last_day + dt.timedelta(days=1)
    line = kb.line_no(file, "^fin:")
    assert errors(kb.check(today=day)) == [
        expected(
            file,
            line,
            kb.col(file, line, '"'),
            f"aucun marché en vigueur aujourd'hui ({day.isoformat()})",
            "ajoutez le marché en cours dans marches/ ou corrigez les dates « debut » et « fin »",
        )
    ]
    assert kb.check(today=day).snapshot is None


def _only_the_2024_2027_market(kb: KB) -> None:
    """Keep only the market these tests describe, so that they hold whatever markets are shipped later."""
    for path in (kb.root / "marches").glob("*.yaml"):
        if f"marches/{path.name}" != MARKET:
            path.unlink()


def test_no_market_in_force_at_2030(kb: KB) -> None:
    _only_the_2024_2027_market(kb)
    assert [p.message for p in kb.check(today=dt.date(2030, 1, 1)).errors] == [
        "aucun marché en vigueur aujourd'hui (2030-01-01)"
    ]


def test_market_ends_within_180_days_and_no_next_one(kb: KB) -> None:
    file, data = _markets()[-1]
    last_day = dt.date.fromisoformat(str(data["fin"]))
    day = last_day - dt.timedelta(days=121)
    line = kb.line_no(file, "^fin:")
    report = kb.check(today=day)
    assert errors(report) == []
    assert expected(
        file,
        line,
        kb.col(file, line, '"'),
        (
            f"le marché {data['id']} se termine le {last_day.isoformat()} (dans 121 jours) et aucun marché suivant "
            "n'est "
            "défini"
        ),
        "préparez le fichier du marché suivant dans marches/ (voir README, « Préparer le prochain marché »)",
    ) in warnings(report)
    # 181 days before the end: no warning yet.
    early = kb.check(today=last_day - dt.timedelta(days=181))
    assert not [w for w in early.warnings if "aucun marché suivant" in w.message]


def test_market_ending_soon_with_a_next_one_defined_is_fine(kb: KB) -> None:
    (kb.root / "marches/2028-2031.yaml").write_text(
        (kb.root / MARKET)
        .read_text(encoding="utf-8")
        .replace('id: "2024-2027"', 'id: "2028-2031"')
        .replace('debut: "2024-01-01"', 'debut: "2028-01-01"')
        .replace('fin: "2027-12-31"', 'fin: "2031-12-31"')
        .replace('id: "2024-', 'id: "2028-'),
        encoding="utf-8",
    )
    report = kb.check(today=dt.date(2027, 9, 1))
    assert errors(report) == []
    assert not [w for w in report.warnings if "aucun marché suivant" in w.message]


def test_market_ends_2027_09_01(kb: KB) -> None:
    """The example of the issue: on 2027-09-01 the 2024-2027 market ends within 180 days."""
    _only_the_2024_2027_market(kb)
    report = kb.check(today=dt.date(2027, 9, 1))
    assert errors(report) == []
    assert [w.message for w in report.warnings if "aucun marché suivant" in w.message] == [
        "le marché 2024-2027 se termine le 2027-12-31 (dans 121 jours) et aucun marché suivant n'est défini"
    ]


# -- duplicate ids, ambiguous names --------------------------------------------------------------


def test_duplicate_lot_id(kb: KB) -> None:
    first = kb.line_no(MARKET, 'id: "2024-bretagne"')
    line = kb.set_line(MARKET, 'id: "2024-pdl"', to='- id: "2024-bretagne"')
    assert line > first
    assert errors(kb.check()) == [
        expected(
            MARKET,
            line,
            kb.col(MARKET, line, '"2024'),
            f"identifiant de lot « 2024-bretagne » déjà utilisé (marché 2024-2027, ligne {first})",
            "donnez à chaque lot un identifiant unique",
        )
    ]


def test_duplicate_market_id(kb: KB) -> None:
    file = "marches/2020-2023.yaml"
    kb.set_line(file, "^id:", to='id: "2024-2027"')
    line = kb.line_no(MARKET, "^id:")  # 2024-2027.yaml is read after 2020-2023.yaml
    assert errors(kb.check()) == [
        expected(
            MARKET,
            line,
            kb.col(MARKET, line, '"'),
            "identifiant de marché « 2024-2027 » déjà utilisé par 2020-2023.yaml",
            "donnez à chaque marché un identifiant unique, par exemple « 2028-2031 »",
        )
    ]


def test_duplicate_question_id(kb: KB) -> None:
    first = kb.line_no("questions.yaml", "id: qu_est_ce_que_cep")
    line = kb.set_line("questions.yaml", "id: eligibilite_qui", to="- id: qu_est_ce_que_cep")
    assert errors(kb.check()) == [
        expected(
            "questions.yaml",
            line,
            kb.col("questions.yaml", line, "qu_est"),
            f"la question « qu_est_ce_que_cep » est déjà définie ligne {first}",
            "donnez un identifiant unique à chaque question",
        )
    ]


def test_duplicate_region_code(kb: KB) -> None:
    first = kb.line_no("geographie.yaml", "^regions:", '^- code: "52"')
    line = kb.set_line("geographie.yaml", "^regions:", '^- code: "53"', to='- code: "52"')
    report = kb.check()
    assert errors(report)[0] == expected(
        "geographie.yaml",
        line,
        kb.col("geographie.yaml", line, '"52"'),
        f"la région 52 est déjà définie ligne {first}",
        "gardez une seule entrée par code",
    )


def test_duplicate_departement_code(kb: KB) -> None:
    first = kb.line_no("geographie.yaml", "^departements:", '^- code: "22"')
    line = kb.set_line("geographie.yaml", "^departements:", '^- code: "29"', to='- code: "22"')
    assert errors(kb.check()) == [
        expected(
            "geographie.yaml",
            line,
            kb.col("geographie.yaml", line, '"22"'),
            f"le département 22 est déjà défini ligne {first}",
            "gardez une seule entrée par code",
        )
    ]


def test_duplicate_network_id(kb: KB) -> None:
    line = kb.set_line("reseaux.yaml", "^- id: apec", to="- id: france_travail")
    report = kb.check()
    assert expected(
        "reseaux.yaml",
        line,
        kb.col("reseaux.yaml", line, "france"),
        "le réseau « france_travail » est défini deux fois",
        "gardez une seule entrée par identifiant",
    ) in errors(report)
    assert expected(
        "reseaux.yaml",
        kb.line_no("reseaux.yaml", "^reseaux:"),
        1,
        "le réseau « apec » n'est pas défini",
        "ajoutez une entrée « - id: apec » dans « reseaux »",
    ) in errors(report)


def test_alias_for_two_places(kb: KB) -> None:
    first = kb.set_line("geographie.yaml", "^regions:", '^- code: "52"', "^alias:", to='alias: ["PDL", "Grand Ouest"]')
    line = kb.set_line(
        "geographie.yaml", "^regions:", '^- code: "53"', "^alias:", to='alias: ["la Bretagne", "grand ouest"]'
    )
    assert errors(kb.check()) == [
        expected(
            "geographie.yaml",
            line,
            kb.col("geographie.yaml", line, '"grand'),
            f"le nom « grand ouest » désigne déjà la région Pays de la Loire (52) (ligne {first})",
            "supprimez ce doublon, ou déclarez-le dans « alias_ambigus » avec les régions concernées",
        )
    ]


def test_alias_for_two_places_declared_ambiguous_is_fine(kb: KB) -> None:
    kb.set_line("geographie.yaml", "^regions:", '^- code: "52"', "^alias:", to='alias: ["PDL", "Grand Ouest"]')
    kb.set_line("geographie.yaml", "^regions:", '^- code: "53"', "^alias:", to='alias: ["la Bretagne", "grand ouest"]')
    lines = kb.lines("geographie.yaml")
    index = kb.find("geographie.yaml", "^alias_ambigus:")
    lines[index + 1 : index + 1] = ['  - alias: "Grand Ouest"', '    regions: ["52", "53"]']
    kb.write("geographie.yaml", lines)
    report = kb.check()
    assert errors(report) == []
    assert report.snapshot is not None


def test_name_of_a_region_reused_by_a_place_outside(kb: KB) -> None:
    first = kb.set_line(
        "geographie.yaml", "^regions:", '^- code: "53"', "^alias:", to='alias: ["la Bretagne", "Monaco"]'
    )
    line = kb.line_no("geographie.yaml", "^hors_champ:", 'nom: "Monaco"')
    assert errors(kb.check()) == [
        expected(
            "geographie.yaml",
            line,
            kb.col("geographie.yaml", line, '"Monaco"'),
            f"le nom « Monaco » désigne déjà la région Bretagne (53) (ligne {first})",
            "supprimez ce doublon, ou déclarez-le dans « alias_ambigus » avec les régions concernées",
        )
    ]


# -- contacts ------------------------------------------------------------------------------------


def _contact(kb: KB, *fields: str) -> int:
    """Replace the contacts of the Bretagne lot; return the line number of the first field."""
    body = "\n".join(f"    {f}" for f in fields)
    return kb.set_block(MARKET, '"2024-bretagne"', "^contacts:", to=f'contacts:\n  "53":\n{body}') + 2


@pytest.mark.parametrize(
    ("phone", "reason"),
    [
        ("09 72 01 02", " (8 chiffres au lieu de 10)"),
        ("+44 20 7946 0958", " (indicatif étranger)"),
        ("09 72 01 02 0A", " (il contient autre chose que des chiffres)"),
        ("00 72 01 02 03", ""),
    ],
)
def test_phone_not_french(kb: KB, phone: str, reason: str) -> None:
    line = _contact(kb, f'telephone: "{phone}"', 'a_verifier: "test"')
    assert errors(kb.check()) == [
        expected(
            MARKET,
            line,
            kb.col(MARKET, line, '"'),
            f"« {phone} » n'est pas un numéro de téléphone français{reason}",
            'écrivez 10 chiffres, par exemple "09 72 01 02 03", ou un numéro court comme "3949"',
        )
    ]


@pytest.mark.parametrize(
    "phone", ["3949", "39 49", "09 72 01 02 03", "09.72.01.02.03", "+33 9 72 01 02 03", "0800-123-456"]
)
def test_phone_french_forms_accepted(kb: KB, phone: str) -> None:
    _contact(kb, f'telephone: "{phone}"', 'a_verifier: "test"')
    assert errors(kb.check()) == []


def test_link_not_https(kb: KB) -> None:
    line = _contact(kb, 'site: "http://bretagne.avenir-actifs.org"', 'a_verifier: "test"')
    assert errors(kb.check()) == [
        expected(
            MARKET,
            line,
            kb.col(MARKET, line, '"'),
            "lien non sécurisé (http) « http://bretagne.avenir-actifs.org »",
            'écrivez l\'adresse en https : site: "https://bretagne.avenir-actifs.org"',
        )
    ]


def test_link_without_scheme(kb: KB) -> None:
    line = _contact(kb, 'reservation: "www.exemple.fr/rdv"', 'a_verifier: "test"')
    assert errors(kb.check()) == [
        expected(
            MARKET,
            line,
            kb.col(MARKET, line, '"'),
            "lien incomplet « www.exemple.fr/rdv » : il manque https://",
            'écrivez reservation: "https://www.exemple.fr/rdv"',
        )
    ]


def test_link_of_an_operator_not_https(kb: KB) -> None:
    line = kb.set_line(MARKET, '"2024-bretagne"', "^operateur:", "^site:", to='site: "http://mon-cep.org"')
    assert errors(kb.check()) == [
        expected(
            MARKET,
            line,
            kb.col(MARKET, line, '"'),
            "lien non sécurisé (http) « http://mon-cep.org »",
            'écrivez l\'adresse en https : site: "https://mon-cep.org"',
        )
    ]


@pytest.mark.parametrize("email", ["contact@avenir-actifs", "contact avenir-actifs.org", "contact@@avenir-actifs.org"])
def test_malformed_email(kb: KB, email: str) -> None:
    line = _contact(kb, f'email: "{email}"', 'a_verifier: "test"')
    assert errors(kb.check()) == [
        expected(
            MARKET,
            line,
            kb.col(MARKET, line, '"'),
            f"adresse e-mail invalide « {email} »",
            'écrivez une adresse complète, par exemple "contact@exemple.fr"',
        )
    ]


def test_contact_without_source_nor_to_check(kb: KB) -> None:
    line = _contact(kb, 'site: "https://bretagne.avenir-actifs.org"')
    assert errors(kb.check()) == [
        expected(
            MARKET,
            line - 1,
            kb.col(MARKET, line - 1, '"53"'),
            "contact de la région 53 sans source",
            'ajoutez « source: "https://..." » et « verifie: "AAAA-MM-JJ" », ou « a_verifier: "raison" »',
        )
    ]


def test_contact_with_source_but_no_check_date(kb: KB) -> None:
    line = _contact(kb, 'site: "https://bretagne.avenir-actifs.org"', 'source: "https://bretagne.avenir-actifs.org"')
    assert errors(kb.check()) == [
        expected(
            MARKET,
            line - 1,
            kb.col(MARKET, line - 1, '"53"'),
            "contact de la région 53 sans date de vérification",
            'ajoutez « verifie: "AAAA-MM-JJ" » (date du dernier contrôle), ou « a_verifier: "raison" »',
        )
    ]


def test_contact_of_a_network_without_source(kb: KB) -> None:
    line = kb.set_block("reseaux.yaml", "^- id: apec", "^contact:", to='contact:\n  site: "https://www.apec.fr"')
    assert errors(kb.check()) == [
        expected(
            "reseaux.yaml",
            line,
            kb.col("reseaux.yaml", line, "contact"),
            "contact du réseau apec sans source",
            'ajoutez « source: "https://..." » et « verifie: "AAAA-MM-JJ" », ou « a_verifier: "raison" »',
        )
    ]


def test_contact_checked_more_than_12_months_ago(kb: KB) -> None:
    line = _contact(kb, 'source: "https://bretagne.avenir-actifs.org"', 'verifie: "2025-11-25"') + 1
    report = kb.check()
    assert errors(report) == []
    assert expected(
        MARKET,
        line,
        kb.col(MARKET, line, '"'),
        "contact de la région 53 vérifié il y a plus de 12 mois (2025-11-25)",
        'recontrôlez la source ; si elle est toujours juste, écrivez verifie: "2026-11-26" (date du contrôle)',
    ) in warnings(report)
    assert report.snapshot is not None  # a warning does not block publication


def test_contact_checked_12_months_ago_exactly_is_fine(kb: KB) -> None:
    _contact(kb, 'source: "https://bretagne.avenir-actifs.org"', 'verifie: "2025-11-26"')
    report = kb.check()
    assert not [w for w in report.warnings if "région 53 vérifié" in w.message]


def test_contact_checked_in_the_future(kb: KB) -> None:
    line = _contact(kb, 'source: "https://bretagne.avenir-actifs.org"', 'verifie: "2026-12-01"') + 1
    assert errors(kb.check()) == [
        expected(
            MARKET,
            line,
            kb.col(MARKET, line, '"'),
            "contact de la région 53 : date de vérification dans le futur (2026-12-01)",
            "écrivez la date du dernier contrôle, au plus tard aujourd'hui (2026-11-26)",
        )
    ]


def test_invalid_check_date_is_one_error(kb: KB) -> None:
    line = _contact(kb, 'source: "https://bretagne.avenir-actifs.org"', 'verifie: "01/10/2025"') + 1
    assert errors(kb.check()) == [
        expected(
            MARKET,
            line,
            kb.col(MARKET, line, '"'),
            "date invalide « 01/10/2025 »",
            'écrivez la date du contrôle au format "AAAA-MM-JJ" (ou "AAAA-MM" si seul le mois est connu), par exemple "2026-01-31"',
        )
    ]


def test_contacts_summary_counts_contacts_to_check(kb: KB) -> None:
    before = kb.check().counts
    _contact(kb, 'source: "https://bretagne.avenir-actifs.org"', 'verifie: "2026-11-01"')
    after = kb.check()
    assert after.counts["contacts"] == before["contacts"]
    assert after.counts["to_check"] == before["to_check"] - 1
    assert f"{after.counts['contacts']} contacts dont {after.counts['to_check']} à vérifier" in after.summary()


# -- questions -----------------------------------------------------------------------------------


def test_question_with_one_phrasing(kb: KB) -> None:
    line = kb.set_block(
        "questions.yaml", "id: eligibilite_qui", "^formulations:", to='formulations:\n  - "Le CEP, c\'est pour qui ?"'
    )
    assert errors(kb.check()) == [
        expected(
            "questions.yaml",
            line,
            kb.col("questions.yaml", line, "formulations"),
            "la question « eligibilite_qui » n'a qu'une formulation",
            "ajoutez au moins 4 façons de poser la question dans « formulations », une par ligne commençant par « - »",
        )
    ]


def test_question_without_phrasings(kb: KB) -> None:
    kb.set_block("questions.yaml", "id: eligibilite_qui", "^formulations:", to="")
    line = kb.line_no("questions.yaml", "id: eligibilite_qui")
    assert errors(kb.check()) == [
        expected(
            "questions.yaml",
            line,
            kb.col("questions.yaml", line, "id"),
            "la question « eligibilite_qui » n'a aucune formulation",
            "ajoutez au moins 4 façons de poser la question dans « formulations », une par ligne commençant par « - »",
        )
    ]


def test_question_phrasings_as_text_is_one_error(kb: KB) -> None:
    line = kb.set_block(
        "questions.yaml", "id: eligibilite_qui", "^formulations:", to='formulations: "Le CEP, c\'est pour qui ?"'
    )
    assert errors(kb.check()) == [
        expected(
            "questions.yaml",
            line,
            kb.col("questions.yaml", line, '"'),
            "« formulations » doit être une liste, même pour un seul élément",
            'mettez la valeur entre crochets : formulations: ["Le CEP, c\'est pour qui ?"]',
        )
    ]


def test_question_without_answer(kb: KB) -> None:
    kb.set_block("questions.yaml", "id: eligibilite_qui", "^reponse:", to="")
    line = kb.line_no("questions.yaml", "id: eligibilite_qui")
    assert errors(kb.check()) == [
        expected(
            "questions.yaml",
            line,
            kb.col("questions.yaml", line, "id"),
            "la question « eligibilite_qui » n'a pas de réponse",
            (
                "ajoutez « reponse: >- » puis, sur les lignes suivantes décalées de 6 espaces, le texte envoyé à la "
                "personne"
            ),
        )
    ]


def test_question_with_empty_answer(kb: KB) -> None:
    line = kb.set_block("questions.yaml", "id: eligibilite_qui", "^reponse:", to="reponse:")
    assert errors(kb.check()) == [
        expected(
            "questions.yaml",
            line,
            kb.col("questions.yaml", line, "reponse"),
            "la question « eligibilite_qui » n'a pas de réponse",
            (
                "ajoutez « reponse: >- » puis, sur les lignes suivantes décalées de 6 espaces, le texte envoyé à la "
                "personne"
            ),
        )
    ]


def test_situated_answer_without_selon_situation_is_a_warning(kb: KB) -> None:
    # « reponse_situee » is sent only for a question whose answer depends on the situation (tenth sitting)
    line = kb.set_line("questions.yaml", "id: gratuit", "^theme:", to="reponse_situee: Texte de test.")
    report = kb.check()
    assert errors(report) == []
    assert [w for w in warnings(report) if "reponse_situee" in w] == [
        expected(
            "questions.yaml",
            line,
            kb.col("questions.yaml", line, "reponse_situee"),
            "« reponse_situee » de « gratuit » sans « selon_situation: oui » : elle ne serait jamais envoyée",
            "ajoutez « selon_situation: oui » à la question, ou retirez « reponse_situee »",
        )
    ]


def test_misspelt_answer_key_is_one_error(kb: KB) -> None:
    line = kb.set_line("questions.yaml", "id: eligibilite_qui", "^reponse:", to="reponses: >-")
    report = kb.check()
    assert errors(report)[0] == expected(
        "questions.yaml",
        line,
        kb.col("questions.yaml", line, "reponses"),
        "clé inconnue « reponses »",
        "vouliez-vous dire « reponse » ?",
    )


def test_same_phrasing_under_two_questions(kb: KB) -> None:
    first = (
        kb.set_block(
            "questions.yaml",
            "id: qu_est_ce_que_cep",
            "^formulations:",
            to='formulations:\n  - "Phrase de test, unique ?"\n  - "autre phrase de test"',
        )
        + 1
    )
    line = (
        kb.set_block(
            "questions.yaml",
            "id: eligibilite_qui",
            "^formulations:",
            to='formulations:\n  - "phrase de TEST unique"\n  - "encore une phrase de test"',
        )
        + 1
    )
    assert errors(kb.check()) == [
        expected(
            "questions.yaml",
            line,
            kb.col("questions.yaml", line, '"'),
            (
                "la formulation « phrase de TEST unique » est déjà utilisée par la question « qu_est_ce_que_cep » "
                "(ligne "
                f"{first})"
            ),
            "gardez-la sous une seule des deux questions",
        )
    ]


# -- other files ---------------------------------------------------------------------------------


def test_unknown_placeholder_in_a_text(kb: KB) -> None:
    line = kb.set_block("textes.yaml", "^accueil:", to="accueil: Bonjour {prenom} !")
    assert errors(kb.check()) == [
        expected(
            "textes.yaml",
            line,
            1,
            "mot entre accolades inconnu « {prenom} » dans « accueil »",
            "ce texte n'accepte pas d'accolades : retirez-les",
        )
    ]


def test_missing_file(kb: KB) -> None:
    (kb.root / "textes.yaml").unlink()
    assert errors(kb.check()) == [
        expected(
            "textes.yaml",
            1,
            1,
            "fichier manquant",
            (
                "remettez le fichier textes.yaml livré avec le projet (voir README, section « Pour l'équipe qui tient "
                "les connaissances à jour »)"
            ),
        )
    ]


def test_empty_file_says_which_key_is_missing(kb: KB) -> None:
    (kb.root / "questions.yaml").write_text("# vide\n", encoding="utf-8")
    assert errors(kb.check()) == [
        expected("questions.yaml", 1, 1, "il manque la clé « questions »", "ajoutez une ligne « questions: ... »")
    ]


def test_file_not_utf8(kb: KB) -> None:
    lines = kb.lines(MARKET)
    index = kb.find(MARKET, '"2024-bretagne"', "^nom:")
    data = "\n".join(lines).encode("utf-8").split(b"\n")
    data[index] = data[index].replace(b"Lot Bretagne", "Lot Bretagne é".encode("latin-1"))
    (kb.root / MARKET).write_bytes(b"\n".join(data))
    assert errors(kb.check()) == [
        expected(
            MARKET,
            index + 1,
            1,
            "caractère illisible (le fichier n'est pas en UTF-8)",
            "enregistrez le fichier en UTF-8",
        )
    ]


def test_fast_and_python_yaml_loaders_agree_on_positions(small_knowledge: Path) -> None:
    """load_yaml reads with libyaml when available: it must give the same values and positions.

    On every YAML file of the small copy (the shipped files; the long lists cut short, written the same way).
    """
    import yaml

    from bot import yamlpos

    if yamlpos._FastLoader is None:
        pytest.skip("PyYAML without libyaml")

    def same(a: object, b: object) -> None:
        assert type(a) is type(b)
        if isinstance(a, yamlpos.PosDict):
            assert isinstance(b, yamlpos.PosDict)
            assert (a.pos, a.key_pos, a.value_pos, list(a)) == (b.pos, b.key_pos, b.value_pos, list(b))
            for key in a:
                same(a[key], b[key])
        elif isinstance(a, yamlpos.PosList):
            assert isinstance(b, yamlpos.PosList)
            assert (a.pos, a.item_pos, len(a)) == (b.pos, b.item_pos, len(b))
            for x, y in zip(a, b, strict=True):
                same(x, y)
        else:
            assert a == b

    for path in [*sorted(small_knowledge.rglob("*.yaml")), ROOT / "config.yaml"]:
        text = path.read_text(encoding="utf-8")
        same(yaml.load(text, Loader=yamlpos._Loader), yaml.load(text, Loader=yamlpos._FastLoader))  # noqa: S506


def test_an_invalid_outside_zone_is_reported(kb: KB) -> None:
    """A zone must be four numbers: latitude min, max, longitude min, max."""
    root = kb.root
    geo = root / "geographie.yaml"
    text = geo.read_text(encoding="utf-8")
    broken = text.replace("zone: [42.4288, 42.6559, 1.4135, 1.7866]", "zone: [42.6559, 42.4288, 1.4135]")
    geo.write_text(broken, encoding="utf-8")
    line = broken.splitlines().index("    zone: [42.6559, 42.4288, 1.4135]") + 1
    report = kb.check()
    assert [(p.line, p.message) for p in report.errors] == [(line, "zone invalide")]


# -- sources: official sites, check dates, the audit's corrections ---------------------------------


def test_source_outside_official_sites_is_a_warning(kb: KB) -> None:
    line = kb.set_line(
        "questions.yaml", "^- id: gratuit", "^sources:", "^- https://", to="- https://monblog.example.com/cep-gratuit"
    )
    assert errors(kb.check()) == []
    hint = "cherchez la même information sur un site officiel (liste « domaines_officiels » de sources.yaml) ; si ce site est officiel, ajoutez-le à cette liste"
    assert expected(
        "questions.yaml", line, 9, "source hors des sites officiels : monblog.example.com", hint
    ) in warnings(kb.check())


def test_official_domain_covers_its_subdomains(kb: KB) -> None:
    line = kb.set_line(
        "questions.yaml",
        "^- id: gratuit",
        "^sources:",
        "^- https://",
        to="- https://www.legifrance.gouv.fr/codes/article_lc/x",
    )
    assert not [w for w in warnings(kb.check()) if f"questions.yaml:{line}:" in w]


def test_official_domain_must_be_a_site_name(kb: KB) -> None:
    line = kb.set_line("sources.yaml", "^- service-public.fr", to="- https://www.service-public.fr/")
    assert errors(kb.check()) == [
        expected(
            "sources.yaml",
            line,
            5,
            "nom de site invalide « https://www.service-public.fr/ »",
            "écrivez seulement le nom du site, sans https:// ni /, par exemple service-public.fr",
        )
    ]


def test_check_date_may_give_only_the_month(kb: KB) -> None:
    _contact(kb, 'source: "https://bretagne.avenir-actifs.org"', 'verifie: "2026-03"')
    report = kb.check()
    assert errors(report) == []
    assert report.snapshot is not None
    contact = report.snapshot.markets[-1].lot_for("53").contacts["53"]  # type: ignore[union-attr]
    assert contact.checked == dt.date(2026, 3, 1)


def test_page_read_more_than_a_year_ago_is_a_warning(kb: KB) -> None:
    line = kb.line_no("sources.yaml", "^pages:", "^verifie:")
    report = kb.check(today=dt.date(2027, 6, 1))
    assert expected(
        "sources.yaml",
        line,
        kb.col("sources.yaml", line, '"'),
        "page lue il y a plus de 12 mois (2026-03)",
        'relisez-la ; si elle dit toujours la même chose, écrivez verifie: "2027-06-01"',
    ) in warnings(report)


# The weak sources the audit (shared/data/cep/audit.md, section b) asked to replace, by address.
WEAK_SOURCES = (
    "french-business-law.com",
    "wwwpolesocietes.com",
    "cfecgc-adecco.com",
    "affairesjuridiques.aphp.fr",
    "ash.tm.fr/hebdo/2872",
    "sotteville-les-rouen.fr",
    "syndicat-snu-pole-emploi-hdf.fr",
    "droit-travail-france.fr",
    "pdfslide.fr",
    "tellerreport.com",
    "scribd.com",
    "cgt-tpe.fr",
    "francecompetences.fr/?s=",
    "sitefc-preprod.francecompetences.fr",
    "essonnecadres.org",
    "eragny-sur-epte.fr",
    "nouvelleviepro.fr",
    "gref-bretagne.com/VAE",
    "ledecodeur.cftc.fr/dossier/transco",
    "Transitions-collectives-Transco",
)


@pytest.mark.parametrize("weak", WEAK_SOURCES)
def test_no_weak_source_left_from_the_audit(weak: str) -> None:
    cited = [
        f"{path.relative_to(KNOWLEDGE)}:{number}"
        for path in sorted(KNOWLEDGE.rglob("*.yaml"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if weak in line and not line.lstrip().startswith("#")
    ]
    assert cited == []


def test_audit_corrections_are_in_the_answers(snapshot: Snapshot) -> None:
    answer = {qid: " ".join(q.answer.split()) for qid, q in snapshot.questions.items()}
    assert "période de reconversion" in answer["transco"] and "agence d'intérim" not in answer["transco"]
    assert "entretien de parcours professionnel" in answer["employeur_doit_informer"]
    assert (
        "Hospitalière" in answer["fonctionnaire"]
        and "Défense Mobilité" in answer["fonctionnaire"]
        and "rien de précis" not in answer["fonctionnaire"]
    )
    assert "France VAE" in answer["vae"] and "relais VAE" not in answer["vae"]
    assert "acheter une formation" in answer["cpf"]
    assert "24 heures" not in answer["bilan_competences"]
    assert "0 801" not in answer["numero_telephone"] and "0 801" not in answer["demission_reconversion"]
    assert "101 000" not in answer["frequentation"]
    assert "2019" in answer["conjoint_collaborateur"]
    assert "pas encore confirmé" in answer["temps_de_travail"]
    assert "rien de précis" not in snapshot.networks["employeur_public"].description
    assert (
        "entre 2020 et 2023" in snapshot.texts["reserver_accompagnement"]
        and "entre 2020 et 2023" in snapshot.texts["reserver_ponctuel"]
    )
    assert "ne sont pas confirmées" in snapshot.texts["hors_champ"]
    contact = snapshot.networks["operateur_regional"].contact
    assert (
        contact is not None
        and contact.source == "https://travail-emploi.gouv.fr/le-conseil-en-evolution-professionnelle-cep"
    )


# -- mistakes staff make, as found by running typical edits through the checker (issue 13) ---------


def test_unquoted_phone_read_as_octal_is_quoted_as_typed(kb: KB) -> None:
    # YAML reads 0472000000 as an octal number (82313216): the fix must give back the typed digits.
    line = _contact(kb, "telephone: 0472000000", 'a_verifier: "test"')
    assert errors(kb.check()) == [
        expected(
            MARKET,
            line,
            kb.col(MARKET, line, "0472"),
            "numéro de téléphone sans guillemets",
            'mettez le numéro entre guillemets, tel que vous l\'avez tapé : telephone: "0472000000"',
        )
    ]


def test_unquoted_number_is_quoted_as_typed(kb: KB) -> None:
    line = kb.set_line(MARKET, '"2024-bretagne"', "^nom:", to="nom: 0755")
    assert errors(kb.check()) == [
        expected(
            MARKET,
            line,
            kb.col(MARKET, line, "0755"),
            "« nom » doit être un texte",
            'mettez la valeur entre guillemets : nom: "0755"',
        )
    ]


def test_phone_glued_to_its_key_is_reported_on_its_own_line(kb: KB) -> None:
    line = _contact(kb, 'telephone:"04 72 00 00 00"', 'a_verifier: "test"')
    assert errors(kb.check()) == [
        expected(
            MARKET,
            line,
            kb.col(MARKET, line, "telephone"),
            "il manque une espace après « : »",
            'écrivez telephone: "04 72 00 00 00"',
        )
    ]


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("+33 4 72 00 00 00", "04 72 00 00 00"),
        ("+33 (0)4 72 00 00 00", "04 72 00 00 00"),
        ("0033 472000000", "04 72 00 00 00"),
        ("04.72.00.00.00", "04 72 00 00 00"),
        ("0472000000", "04 72 00 00 00"),
        ("39 49", "3949"),
    ],
)
def test_phone_forms_are_normalised(kb: KB, typed: str, shown: str) -> None:
    _contact(kb, f'telephone: "{typed}"', 'a_verifier: "test"')
    report = kb.check()
    assert errors(report) == []
    assert report.snapshot is not None
    assert report.snapshot.markets[-1].lot_for("53").contacts["53"].phone == shown  # type: ignore[union-attr]


def _answer_lines(kb: KB, qid: str) -> tuple[list[str], int]:
    lines = kb.lines("questions.yaml")
    start = kb.find("questions.yaml", f"id: {qid}", "^reponse:")
    return lines, start


@pytest.mark.parametrize("which", [1, 2])
def test_answer_line_indented_by_4_instead_of_6(kb: KB, which: int) -> None:
    lines, start = _answer_lines(kb, "gratuit")
    index = start + which
    lines[index] = lines[index][2:]  # 6 spaces -> 4
    kb.write("questions.yaml", lines)
    assert errors(kb.check()) == [
        expected(
            "questions.yaml",
            index + 1,
            1,
            "ligne du texte de « reponse » pas assez décalée : elle commence par 4 espaces au lieu de 6",
            "ajoutez 2 espaces en début de ligne (6 espaces, comme les autres lignes du texte de « reponse »)",
        )
    ]


def test_block_pasted_without_its_dash(kb: KB) -> None:
    line = kb.set_line("questions.yaml", "^- id: financement_cep", to="  id: financement_cep")
    previous = kb.line_no("questions.yaml", "^- id: gratuit")
    assert errors(kb.check()) == [
        expected(
            "questions.yaml",
            line,
            kb.col("questions.yaml", line, "id"),
            "il manque « - » devant « id: » : un nouveau bloc commence à cette ligne",
            f"écrivez - id: financement_cep en alignant le « - » sur celui de la ligne {previous}",
        )
    ]


def test_list_item_less_indented_than_its_list_has_no_jargon(kb: KB) -> None:
    # PyYAML: "expected <block end>, but found '-'".
    line = kb.find("questions.yaml", "id: gratuit", "^sources:", "^- https://") + 2
    lines = kb.lines("questions.yaml")
    lines[line - 1 : line - 1] = ["    - https://www.service-public.fr/x"]
    kb.write("questions.yaml", lines)
    found = errors(kb.check())
    assert found == [
        expected(
            "questions.yaml",
            line,
            1,
            "ligne mal décalée : elle commence par 4 espaces, ce qui ne la rattache à aucun bloc au-dessus",
            f"alignez-la sur les lignes du même bloc : 6 espaces en début de ligne, comme la ligne {line - 1}",
        )
    ]
    assert "YAML" not in found[0] and "expected" not in found[0]


def test_question_without_source_is_an_error(kb: KB) -> None:
    kb.set_block("questions.yaml", "id: gratuit", "^sources:", to="")
    line = kb.line_no("questions.yaml", "id: gratuit")
    assert errors(kb.check()) == [
        expected(
            "questions.yaml",
            line,
            kb.col("questions.yaml", line, "id"),
            "la question « gratuit » n'a pas de source",
            "ajoutez « sources: » puis, en dessous, une ligne « - https://... » par page qui prouve la réponse",
        )
    ]


def test_question_with_empty_sources_is_an_error(kb: KB) -> None:
    kb.set_block("questions.yaml", "id: gratuit", "^sources:", to="sources:")
    line = kb.line_no("questions.yaml", "id: gratuit", "^sources:")
    assert errors(kb.check()) == [
        expected(
            "questions.yaml",
            line,
            5,
            "la question « gratuit » n'a pas de source",
            "ajoutez « sources: » puis, en dessous, une ligne « - https://... » par page qui prouve la réponse",
        )
    ]


@pytest.mark.parametrize(
    ("qid", "key", "attribute", "column", "named"),
    [
        ("gratuit", "reponse", "answer", 14, "réponse"),
        # the answer sent when the place or the situation is known is checked the same way (tenth sitting)
        ("eligibilite_qui", "reponse_situee", "answer_situated", 21, "« reponse_situee »"),
    ],
)
def test_answer_longer_than_600_characters_is_a_warning(
    kb: KB, qid: str, key: str, attribute: str, column: int, named: str
) -> None:
    line = kb.line_no("questions.yaml", f"id: {qid}", f"^{key}:")
    lines = kb.lines("questions.yaml")
    lines[line:line] = ["      " + "Texte beaucoup trop long pour une réponse courte. " * 12]
    kb.write("questions.yaml", lines)
    report = kb.check()
    assert errors(report) == []
    length = len(getattr(report.snapshot.questions[qid], attribute)) if report.snapshot else 0
    assert length > 600
    assert expected(
        "questions.yaml",
        line,
        column,
        f"{named} de « {qid} » trop longue : {length} caractères",
        "raccourcissez-la à 600 caractères au plus (les détails peuvent aller dans une autre question)",
    ) in warnings(report)


def test_blank_line_inside_an_answer_is_a_warning(kb: KB) -> None:
    line = kb.line_no("questions.yaml", "id: gratuit", "^reponse:") + 2
    lines = kb.lines("questions.yaml")
    lines[line - 1 : line - 1] = [""]
    kb.write("questions.yaml", lines)
    report = kb.check()
    assert errors(report) == []
    assert expected(
        "questions.yaml",
        line,
        1,
        "ligne vide au milieu de la réponse de « gratuit »",
        "supprimez cette ligne vide (un retour à la ligne suffit, il devient une espace)",
    ) in warnings(report)


def test_theme_outside_the_documented_list_is_a_warning(kb: KB) -> None:
    line = kb.set_line("questions.yaml", "id: gratuit", "^theme:", to="theme: couts")
    report = kb.check()
    assert errors(report) == []
    hint = "vouliez-vous dire « cout » ? thèmes possibles : eligibilite, cout, employeur, fonctionnement, dispositifs, contacts, chiffres, territoires"
    assert expected("questions.yaml", line, 12, "thème inconnu « couts »", hint) in warnings(report)


def test_phrasing_repeated_within_a_question_is_a_warning(kb: KB) -> None:
    first = kb.find("questions.yaml", "id: gratuit", "^formulations:", "^- ")
    lines = kb.lines("questions.yaml")
    text = lines[first].strip()[2:]
    lines[first + 1 : first + 1] = ["      - " + text.upper()]
    kb.write("questions.yaml", lines)
    report = kb.check()
    assert errors(report) == []
    shown = text.strip('"').upper()
    assert expected(
        "questions.yaml",
        first + 2,
        9,
        f"la formulation « {shown} » est déjà écrite ligne {first + 1} pour cette question",
        "supprimez l'une des deux lignes",
    ) in warnings(report)


def test_stray_quote_in_a_phrasing_is_a_warning(kb: KB) -> None:
    line = kb.set_line("questions.yaml", "id: gratuit", "^formulations:", "^- ", to="- c'est payant ?\"")
    report = kb.check()
    assert errors(report) == []
    assert expected(
        "questions.yaml",
        line,
        9,
        'guillemet " resté dans la formulation « c\'est payant ?" »',
        'écrivez - "c\'est payant ?" (un guillemet au début et un à la fin, aucun au milieu)',
    ) in warnings(report)


def test_two_phrasings_is_a_warning_asking_for_four(kb: KB) -> None:
    kb.set_block(
        "questions.yaml",
        "id: gratuit",
        "^formulations:",
        to='formulations:\n  - "c\'est payant ?"\n  - "combien ça coûte ?"',
    )
    line = kb.line_no("questions.yaml", "id: gratuit", "^formulations:")
    report = kb.check()
    assert errors(report) == []
    assert expected(
        "questions.yaml",
        line,
        5,
        "la question « gratuit » n'a que 2 formulations",
        "ajoutez-en pour arriver à au moins 4, écrites comme les gens les écrivent",
    ) in warnings(report)


def test_contact_both_checked_and_to_check_is_an_error(kb: KB) -> None:
    line = (
        _contact(
            kb,
            'site: "https://bretagne.avenir-actifs.org"',
            'source: "https://bretagne.avenir-actifs.org"',
            'verifie: "2026-03"',
            'a_verifier: "pas sûr"',
        )
        + 3
    )
    assert errors(kb.check()) == [
        expected(
            MARKET,
            line,
            kb.col(MARKET, line, "a_verifier"),
            "contact de la région 53 à la fois vérifié (« verifie ») et à vérifier (« a_verifier »)",
            (
                "gardez « verifie » si vous avez contrôlé la source à cette date, sinon gardez « a_verifier » : jamais "
                "les deux"
            ),
        )
    ]


def test_no_english_parser_words_in_any_yaml_message() -> None:
    # Every syntax failure falls back to a French sentence, never PyYAML's own words.
    from bot.yamlpos import YamlSyntaxError, load_yaml

    broken = [
        "a: [1, 2",
        "a: {b: 1",
        "- a\nb: 1",
        "a:\n  - b\n - c",
        "a: b: c",
        "a: 'x",
        "? a\n? a",
        "a: !!python/name:os.system x",
        "&a a: *b",
    ]
    messages = []
    for text in broken:
        try:
            load_yaml(text)
        except YamlSyntaxError as exc:
            messages.append(exc.message)
    assert len(messages) >= 6
    assert [m for m in messages if "YAML" in m or "expected" in m or "found" in m] == []


# -- plugging checks for new files ---------------------------------------------------------------------


def test_extra_section_files_are_checked_with_positions(kb: KB) -> None:
    from bot.kb.sections import _REGISTRY, ExtraSection, register
    from bot.schema import Field

    seen: list[int] = []

    def rules(data, v, built):  # type: ignore[no-untyped-def]
        for name, pos in data.get("noms", []):
            if name not in {r.name for r in built.regions.values()}:
                v.error(pos, f"région inconnue « {name} »", "écrivez le nom d'une région")
        seen.append(len(built.questions))
        return [n for n, _ in data.get("noms", [])]

    (kb.root / "essai").mkdir()
    (kb.root / "essai" / "a.yaml").write_text('noms:\n  - "Bretagne"\n  - "Bretonnie"\n', encoding="utf-8")
    register(ExtraSection("essai", "essai/*.yaml", {"noms": Field("list", required=True, item=Field("text"))}, rules))
    try:
        report = kb.check()
    finally:
        _REGISTRY.pop("essai")
    assert errors(report) == [
        str(Problem("knowledge/essai/a.yaml", 3, 5, "région inconnue « Bretonnie »", "écrivez le nom d'une région"))
    ]
    assert report.extras["essai"] == {"essai/a.yaml": ["Bretagne", "Bretonnie"]}
    assert seen and seen[0] > 0  # the questions were checked before
