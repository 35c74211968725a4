"""Build the two small word lists the place finder ships with (run by hand, not at run time).

Input: the French word list of Debian's ``wfrench`` package (/usr/share/dict/french) and the
communes of ``knowledge/``. Output, in ``bot/nlu/data/``:

- ``mots_lieux.txt.gz``: place names that are also ordinary French: one word ("vers", "plan",
  "allier"...) or, for communes, several words that are all ordinary ("entre deux", "la côte").
  The finder takes them as places only in a place context ("à Vers", "dans l'Allier") or when
  capitalised.
- ``mots_proches.txt.gz``: French words of six letters or more that are within two edits of a
  place name ("travailler" ~ "Travaillan"). The finder never corrects them into a place.

When the ``wordfreq`` package is importable (install it in a throw-away virtualenv, it is not a
dependency of the bot), word frequencies refine both lists: a dictionary word that is rare in
French ("guéret", "périgueux", "maçon" are words, but nobody writes them by accident) does not
make a place name ordinary, and a name of several words is ordinary only when every word is
frequent ("entre deux", not "aigues mortes").

Usage: python tools/build_wordlists.py [/usr/share/dict/french]
"""

from __future__ import annotations

import csv
import gzip
import io
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import OSA

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.nlu.place_lists import head_of  # noqa: E402
from bot.textnorm import fold, strip_article  # noqa: E402

SHORT_MIN_POP = 20000
PREFIX_MIN_POP = 40000  # towns read from the start of their name ("Stras"): bot/nlu/places.py
PREFIX_MIN_LETTERS = 4  # bot/nlu/place_abbrev.py
PREFIX_SHARE = 0.4  # short names (4-5 letters) are corrected into only above this size (bot/nlu/places.py)


COMMON_ZIPF = 3.0  # a dictionary word at least this frequent is an ordinary word
PHRASE_ZIPF = 5.0  # every word of an ordinary phrase is at least this frequent


def name_parts(name: str) -> set[str]:
    """Words of a compound name the place index reads alone (bot/nlu/places.py)."""
    out: set[str] = set()
    head = head_of(name)
    if head is not None and " " not in head:
        out.add(head)  # "Rive-de-Gier": "rive" is read as a place only when it is not a word
    parts = strip_article(name).split()
    if len(parts) == 2:
        out.add(parts[1])  # "Capdenac-Gare": "gare" neither (second name of a merged commune)
    return out


def short_near_words(words: set[str], names: set[str], big_names: set[str], short_names: set[str], ordinary: Callable[[str], bool]) -> set[str]:
    """Ordinary words that begin a large town's name ("bord") or are one edit from a short one ("aide")."""
    near: set[str] = set()
    # ordinary words that begin the name of a large town ("bord" ~ "Bordeaux"): not read as it, shortened
    for name in big_names:
        for cut in range(max(PREFIX_MIN_LETTERS, int(PREFIX_SHARE * len(name) + 0.999)), len(name)):
            if ordinary(name[:cut]) and name[:cut] not in names:
                near.add(name[:cut])
    short_words = sorted(w for w in words if 4 <= len(w) <= 6 and w not in names and ordinary(w))
    if short_names and short_words:
        matrix = process.cdist(short_words, sorted(short_names), scorer=OSA.distance, score_cutoff=1, workers=-1, dtype="uint8")
        near.update(short_words[i] for i, row in enumerate(matrix) if (row <= 1).any())
    return near


def main() -> None:
    words_path = Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/dict/french")
    spelled = [w for w in words_path.read_text(encoding="utf-8").split() if w]
    words = {fold(w) for w in spelled}
    words = {w for w in words if w and " " not in w}
    try:
        from wordfreq import zipf_frequency  # noqa: PLC0415
    except ImportError:  # dictionary only
        zipf: dict[str, float] | None = None
    else:
        zipf = {}
        for w in spelled:
            key = fold(w)
            zipf[key] = max(zipf.get(key, 0.0), zipf_frequency(w, "fr"))

    def ordinary(word: str, level: float = COMMON_ZIPF) -> bool:
        return word in words and (zipf is None or zipf.get(word, 0.0) >= level)

    raw = gzip.decompress((ROOT / "knowledge" / "communes.csv.gz").read_bytes()).decode()
    names: set[str] = set()
    short_names: set[str] = set()
    big_names: set[str] = set()
    heads: set[str] = set()
    phrases: set[str] = set()
    glue = {"a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "sur", "sous"}
    for row in csv.DictReader(io.StringIO(raw)):
        name = fold(row["name"])
        names.add(name)
        names.add(strip_article(name))
        heads.update(name_parts(name))
        if int(row["population"] or 0) >= PREFIX_MIN_POP and " " not in strip_article(name):
            big_names.add(strip_article(name))
        if 4 <= len(strip_article(name)) <= 5 and int(row["population"] or 0) >= SHORT_MIN_POP:
            short_names.add(strip_article(name))
        for variant in (name, strip_article(name)):
            parts = variant.split()
            if (
                len(parts) > 1
                and parts[0] not in ("saint", "sainte", "saints", "saintes")
                and all(ordinary(w, PHRASE_ZIPF) or w in glue for w in parts)
                and any(w not in glue for w in parts)
            ):
                phrases.add(variant)
    import yaml  # noqa: PLC0415

    geo = yaml.safe_load((ROOT / "knowledge" / "geographie.yaml").read_text(encoding="utf-8"))
    for item in geo["regions"] + geo["departements"]:
        for name in [item["nom"], *item.get("alias", [])]:
            names.add(strip_article(fold(name)))
    single = {n for n in names if " " not in n}
    common_places = sorted({n for n in single | heads if ordinary(n)} | phrases)
    # words (>= 6 letters, not themselves place names) within two edits of a place name
    by_len: dict[int, list[str]] = defaultdict(list)
    for name in names:
        if len(name) >= 4:
            by_len[len(name)].append(name)
    near: set[str] = set()
    candidates = sorted(w for w in words if len(w) >= 6 and w not in names)
    by_word_len: dict[int, list[str]] = defaultdict(list)
    for w in candidates:
        by_word_len[len(w)].append(w)
    for length, group in sorted(by_word_len.items()):
        pool = [n for k in range(length - 2, length + 3) for n in by_len.get(k, [])]
        if not pool:
            continue
        matrix = process.cdist(group, pool, scorer=OSA.distance, score_cutoff=2, workers=-1, dtype="uint8")
        for i, row in enumerate(matrix):
            if (row <= 2).any():
                near.add(group[i])
        print(f"length {length}: {len(group)} words, {len(near)} near so far", file=sys.stderr)
    # short words (4-5 letters) one edit from a short name of a large town ("aide" ~ "Agde")
    near |= short_near_words(words, names, big_names, short_names, ordinary)
    out = ROOT / "knowledge" / "lieux"
    out.mkdir(parents=True, exist_ok=True)
    header = "# Produit par tools/build_wordlists.py (Debian wfrench, wordfreq, knowledge/communes.csv.gz) : ne pas modifier à la main\n"
    for name, lines in (("mots_lieux.txt.gz", common_places), ("mots_proches.txt.gz", sorted(near))):
        (out / name).write_bytes(gzip.compress((header + "\n".join(lines) + "\n").encode(), mtime=0))
    print(f"{len(common_places)} place names are words; {len(near)} words are near a place name")


if __name__ == "__main__":
    main()
