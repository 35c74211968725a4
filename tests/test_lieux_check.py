"""knowledge/lieux/: the staff lists of demonyms, other names, landmarks, countries and context words."""

from __future__ import annotations

import datetime as dt
import gzip
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bot.kb.lieux import Target, WordDigests
from bot.kb.load import check_knowledge
from bot.textnorm import fold

if TYPE_CHECKING:
    from bot.kb.model import Snapshot

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
TODAY = dt.date(2026, 11, 28)


@pytest.fixture(name="root")
def _root(tmp_path: Path, small_knowledge: Path) -> Path:
    """A copy of the small knowledge folder (conftest.py): the shipped lists, cut to their first entries."""
    root = tmp_path / "knowledge"
    shutil.copytree(small_knowledge, root)
    return root


def _append(root: Path, name: str, text: str) -> None:
    path = root / "lieux" / name
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _errors(root: Path) -> list[str]:
    return [str(p) for p in check_knowledge(root, today=TODAY).errors]


def test_shipped_lists_load_into_the_snapshot(snapshot: Snapshot) -> None:
    lists = snapshot.lieux
    assert lists.demonyms and lists.other_names and lists.landmarks
    assert any(fold(c.name) == "cote d ivoire" and c.code == "CI" for c in lists.countries)
    assert all(c.code != "FR" for c in lists.countries)
    nantes = next(e for e in lists.demonyms if "nantaise" in e.names)
    assert (nantes.target, nantes.code) == (Target.COMMUNE, "44109")
    assert "je m'appelle" in lists.context.not_after


def test_the_near_words_are_kept_as_digests_and_answer_membership(snapshot: Snapshot) -> None:
    lines = gzip.decompress((KNOWLEDGE / "lieux" / "mots_proches.txt.gz").read_bytes()).decode().splitlines()
    words = [line for line in lines if line and not line.startswith("#")]
    near = snapshot.lieux.near_words
    assert isinstance(near, WordDigests) and len(near) == len(set(words))
    assert all(word in near for word in words[:: len(words) // 500])
    assert "abaisse" in near and "lyon" not in near and "" not in near and 3 not in near


def test_word_digests_are_a_set_of_words() -> None:
    words = WordDigests(["abaisse", "abaque", "abaisse"])
    assert len(words) == 2 and "abaque" in words and "abaques" not in words and None not in words
    assert words == WordDigests(["abaque", "abaisse"]) and words != WordDigests(["abaque"])
    assert hash(words) == hash(WordDigests(["abaque", "abaisse"])) and "abaque" not in WordDigests()


def test_unknown_commune_code_is_refused_with_a_hint(root: Path) -> None:
    _append(root, "gentiles.yaml", '  - noms: ["briochin"]\n    commune: "22000"\n    note: "Saint-Brieuc"\n')
    errs = _errors(root)
    assert any("gentiles.yaml" in e and "commune inconnu « 22000 »" in e and "code INSEE" in e for e in errs), errs


def test_an_entry_needs_exactly_one_place_and_a_source_or_note(root: Path) -> None:
    _append(root, "autres_noms.yaml", '  - noms: ["Bzh"]\n    region: "53"\n    departement: "29"\n    note: "x"\n')
    _append(root, "autres_noms.yaml", '  - noms: ["Brezhoneg"]\n    region: "53"\n')
    errs = _errors(root)
    assert any("un seul lieu" in e for e in errs), errs
    assert any("sans source ni note" in e for e in errs), errs


def test_one_name_for_two_places_is_refused(root: Path) -> None:
    _append(
        root, "lieux_connus.yaml", '  - noms: ["la Def"]\n    commune: "75056"\n    type: quartier\n    note: "x"\n'
    )
    errs = _errors(root)
    assert any("désigne déjà un autre lieu" in e for e in errs), errs


def test_landmark_type_and_country_code_are_checked(root: Path) -> None:
    _append(root, "lieux_connus.yaml", '  - noms: ["Gare X"]\n    commune: "75056"\n    type: garre\n    note: "x"\n')
    _append(root, "autres_noms.yaml", '  - noms: ["Ivory Coast"]\n    pays: "XX"\n    note: "x"\n')
    errs = _errors(root)
    assert any("valeur inconnue « garre »" in e and "gare" in e for e in errs), errs
    assert any("pays inconnu « XX »" in e for e in errs), errs


def test_missing_list_file_is_reported(root: Path) -> None:
    (root / "lieux" / "contexte.yaml").unlink()
    errs = _errors(root)
    assert any("contexte.yaml" in e and "fichier manquant" in e for e in errs), errs
