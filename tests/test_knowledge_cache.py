"""A reload reuses the place index when the geography did not change, and rebuilds it when it did."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.nlu.knowledge import load

ROOT = Path(__file__).resolve().parent.parent


def test_place_index_is_reused_only_while_the_geography_is_unchanged(tmp_path: Path, small_knowledge: Path) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(small_knowledge, knowledge)
    first = load(knowledge)
    texts = knowledge / "textes.yaml"
    texts.write_text(texts.read_text(encoding="utf-8").replace("Reprenons", "Reprenons donc", 1), encoding="utf-8")
    second = load(knowledge)
    assert second.places.names is first.places.names  # shared, not rebuilt
    assert second.places.snapshot is second.snapshot  # but it answers from the new snapshot
    assert second.version != first.version
    assert first.places.snapshot is first.snapshot  # the first is left as it was
    assert second.places.find("Quimper").place.region == "53"
    geo = knowledge / "geographie.yaml"
    geo.write_text(
        geo.read_text(encoding="utf-8").replace('alias: ["la Bretagne"', 'alias: ["Zorglubie", "la Bretagne"', 1),
        encoding="utf-8",
    )
    third = load(knowledge)
    assert third.places.names is not first.places.names
    assert third.places.find("je vis en Zorglubie").place.region == "53"
    assert first.places.find("je vis en Zorglubie").place is None
