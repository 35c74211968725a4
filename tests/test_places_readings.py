"""Issue 10: places as people say them, and never a confident wrong region.

Pure tests of the place reader over the shipped knowledge: every example of the issue's table and
every class it names. Each one fails without the behaviour it names (the figures before the
change are in the issue's closing note).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from bot.nlu.knowledge import Knowledge, load
from bot.nlu.places import CONFIRM_BELOW, PlaceResult

ROOT = Path(__file__).resolve().parent.parent


def find(knowledge: Knowledge, text: str) -> PlaceResult:
    return knowledge.places.find(text)


def reading(result: PlaceResult) -> str | None:
    """The region code (or "outside") the bot would use without asking, else None."""
    if result.place is None or result.confirm:
        return None
    return "outside" if result.place.kind == "outside" else result.place.region


def asked(result: PlaceResult) -> set[str]:
    """The readings offered when the bot asks (a choice or a confirmation)."""
    refs = result.candidates if result.place is None else ((result.place,) if result.confirm else ())
    return {"outside" if r.kind == "outside" else str(r.region) for r in refs}


# -- the table --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "commune", "region"),
    [
        ("je bosse à Bourgoin", "38053", "84"),  # not the region Bourgogne by spelling correction
        ("je vis au Touquet", "62826", "32"),  # not Touques (14)
        ("je travaille à Fos", "13039", "93"),  # not Fos (31), 237 people
        ("je vis à Brive", "19031", "75"),  # was nothing
    ],
)
def test_head_words_of_the_table_are_confirmed_as_the_compound_name(
    knowledge: Knowledge, text: str, commune: str, region: str
) -> None:
    result = find(knowledge, text)
    assert result.place is not None and result.place.commune == commune and result.place.region == region
    assert result.how == "tete"
    assert result.confirm  # « Vous parlez de Brive-la-Gaillarde (19) ? »


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("je travaille au Val d'Europe", "11"),  # not Le Val (83)
        ("je suis à Porte Maillot", "11"),  # not Maillot (89)
        ("je vis en Côte d'Ivoire", "outside"),  # not Issoire (63)
        ("salariée à Saint-Pierre (Martinique)", "02"),  # not Saint-Pierre (La Réunion)
    ],
)
def test_table_examples_read_without_asking(knowledge: Knowledge, text: str, region: str) -> None:
    assert reading(find(knowledge, text)) == region


def test_marigot_is_asked_between_martinique_and_saint_martin(knowledge: Knowledge) -> None:
    result = find(knowledge, "un restaurant à Marigot")
    assert result.place is None
    assert asked(result) == {"02", "outside"}


# -- 1. short and head-word names ---------------------------------------------------------------


def test_a_head_word_shared_by_towns_of_comparable_size_is_asked(knowledge: Knowledge) -> None:
    # Aix-en-Provence is not ten times larger than Aix-les-Bains
    result = find(knowledge, "je vis à Aix")
    assert result.place is None and asked(result) == {"93", "84"}


def test_an_exact_large_town_keeps_its_name_but_compound_homonyms_make_it_confirmed(knowledge: Knowledge) -> None:
    lyon = find(knowledge, "je vis à Lyon")
    assert reading(lyon) == "84" and lyon.confidence >= CONFIRM_BELOW
    montauban = find(knowledge, "je vis à Montauban")  # Montauban-de-Bretagne is within ten times
    assert montauban.place is not None and montauban.place.commune == "82121" and montauban.confirm


def test_delegated_communes_are_indexed_even_when_a_commune_shares_the_name(knowledge: Knowledge) -> None:
    result = find(knowledge, "je suis à courcouronnes")  # delegated commune of Évry-Courcouronnes
    assert result.place is not None and result.place.region == "11"


# -- 2. a word inside a longer name -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "je vis à Saint-Truc-sur-Mer",  # not Mer (41)
        "je vis à Machin-en-Vendée",  # not the département Vendée
        "je bosse à Val Zorglub l'hiver",  # not Le Val (83)
    ],
)
def test_a_word_of_an_unknown_longer_name_is_not_a_place(knowledge: Knowledge, text: str) -> None:
    assert reading(find(knowledge, text)) is None


def test_a_known_landmark_wins_over_the_city_it_contains(knowledge: Knowledge) -> None:
    result = find(knowledge, "je travaille gare de Lyon")
    assert reading(result) == "11"


# -- 3. ordinary words, first names, companies, idioms --------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Bonjour, je m'appelle Nancy et je voudrais faire un bilan",
        "ma fille Valentine entre au collège",
        "je suis commerciale chez Saint-Gobain",
        "je travaille au port, je décharge les conteneurs",
        "j'habite en centre-ville et je n'ai pas de voiture",
        "on vit à la montagne, c'est dur",
        "je suis agent d'accueil",  # not Agen: a real French word
        "aide-soignante en clinique",  # not Agde
    ],
)
def test_not_a_place(knowledge: Knowledge, text: str) -> None:
    result = find(knowledge, text)
    assert reading(result) is None and not asked(result)


# -- 4. spelling correction that knows its limits -----------------------------------------------


@pytest.mark.parametrize(
    ("text", "commune"), [("je vis à Nise", "06088"), ("Dijion", "21231"), ("je bosse à Toulousse", "31555")]
)
def test_corrected_names_are_confirmed_not_asserted(knowledge: Knowledge, text: str, commune: str) -> None:
    result = find(knowledge, text)
    assert result.place is not None and result.place.commune == commune and result.how == "faute"
    assert result.confirm


def test_short_names_are_corrected_only_into_large_towns(knowledge: Knowledge) -> None:
    # "Vichi" is one edit from Vichy (25,000 people); "Crest" (8,000) is never reached from "Crist"
    vichy = find(knowledge, "je vis à Vichi")
    assert vichy.place is not None and vichy.place.commune == "03310" and vichy.how == "faute"
    assert find(knowledge, "je vis à Crist").place is None


# -- 5. numbers and context ----------------------------------------------------------------------


@pytest.mark.parametrize(("text", "commune"), [("j'habite au 69 007", "69387"), ("75 011", "75111")])
def test_spaced_postal_codes(knowledge: Knowledge, text: str, commune: str) -> None:
    result = find(knowledge, text)
    assert result.place is not None and result.place.commune == commune and not result.confirm


def test_postal_code_and_commune_that_disagree_are_asked(knowledge: Knowledge) -> None:
    result = find(knowledge, "je vis à Rennes 44000")
    assert result.place is None and asked(result) == {"53", "52"}
    same = find(knowledge, "je vis à Rennes 35000")
    assert same.place is not None and same.place.commune == "35238"


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("J'ai déménagé de Toulouse à Rennes cet été", "53"),
        ("Je viens de Limoges, je suis à Caen maintenant", "28"),
        ("on a quitté Paris pour Marseille en janvier", "93"),
        ("je vis à Valence en Espagne", "outside"),
        ("Je vis à St Maur dans le 94", "11"),  # the département filters the homonyms
    ],
)
def test_moving_verbs_and_areas_named_in_the_message(knowledge: Knowledge, text: str, region: str) -> None:
    result = find(knowledge, text)
    got = (
        "outside"
        if result.place is not None and result.place.kind == "outside"
        else (result.place.region if result.place else None)
    )
    assert got == region


def test_living_in_one_region_and_working_in_another_is_asked(knowledge: Knowledge) -> None:
    result = find(knowledge, "J'habite à Creil et je travaille à Paris")
    assert result.place is None and result.how == "deux_lieux"
    assert [c.commune for c in result.candidates] == ["60175", "75056"]
    assert result.roles == ("domicile", "travail")
    same_region = find(knowledge, "J'habite à Villeurbanne et je travaille à Lyon")
    assert same_region.place is not None and same_region.place.region == "84"


def test_an_arrondissement_without_its_city(knowledge: Knowledge) -> None:
    assert asked(find(knowledge, "on a un appart dans le 15e")) == {"11", "93"}
    nineteenth = find(knowledge, "je vis dans le 19e")
    assert nineteenth.place is not None and nineteenth.place.commune == "75119" and not nineteenth.confirm
    assert find(knowledge, "je fais le 3e jour de formation").place is None


# -- 6. names that were not known at all ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("je suis nantaise", "52"),  # demonym (confirmed: weaker than a name)
        ("chez nous les ch'tis on dit ça", "32"),  # nickname
        ("I live in Brittany", "53"),  # English
        ("Demat, o chom e Naoned emaon", "52"),  # Breton
        ("je bosse à la Défense", "11"),  # business district
        ("je travaille à Sophia", "93"),  # technopole
        ("j'habite au Japon depuis 4 ans", "outside"),  # any country, in French
        ("je suis à Lutèce", "11"),  # old name
    ],
)
def test_demonyms_other_names_landmarks_countries(knowledge: Knowledge, text: str, region: str) -> None:
    result = find(knowledge, text)
    assert result.place is not None
    assert ("outside" if result.place.kind == "outside" else result.place.region) == region


def test_a_demonym_loses_to_a_real_place(knowledge: Knowledge) -> None:
    assert reading(find(knowledge, "Je suis nantaise mais je vis à Lille")) == "32"


# -- calibrated confidence ------------------------------------------------------------------------


def test_every_reading_carries_a_confidence(knowledge: Knowledge) -> None:
    exact = find(knowledge, "j'habite à Rennes")
    assert 0.9 <= exact.confidence <= 1.0 and not exact.confirm
    postal = find(knowledge, "29200")
    assert postal.confidence > exact.confidence - 0.1
    nothing = find(knowledge, "bonjour")
    assert nothing.confidence == 0.0 and not nothing.confirm


# -- the lists are data: staff add a name, the reader knows it --------------------------------------


def test_a_demonym_added_by_staff_is_read(tmp_path: Path, small_knowledge: Path) -> None:
    root = tmp_path / "knowledge"
    shutil.copytree(small_knowledge, root)
    path = root / "lieux" / "gentiles.yaml"
    before = load(root, today=dt.date(2026, 11, 28))
    assert find(before, "je suis zorglubienne").place is None
    path.write_text(
        path.read_text(encoding="utf-8")
        + '  - noms: ["zorglubien", "zorglubienne"]\n    commune: "22278"\n    note: "Saint-Brieuc"\n',
        encoding="utf-8",
    )
    after = load(root, today=dt.date(2026, 11, 28))
    result = find(after, "je suis zorglubienne")
    assert result.place is not None and result.place.commune == "22278"


def test_a_context_word_added_by_staff_cancels_a_mention(tmp_path: Path, small_knowledge: Path) -> None:
    root = tmp_path / "knowledge"
    shutil.copytree(small_knowledge, root)
    text = "mon collègue Florac est sympa"
    assert load(root).places.find("ma voisine Florac est sympa").place is not None
    path = root / "lieux" / "contexte.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("pas_un_lieu_apres:\n", 'pas_un_lieu_apres:\n  - "ma voisine"\n'),
        encoding="utf-8",
    )
    assert load(root).places.find("ma voisine Florac est sympa").place is None
    del text


# -- short forms ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "commune"),
    [
        ("Clermont-Fd", "63113"),  # skeleton of a word
        ("Vitry s/ Seine", "94081"),  # "s/" for "sur"
        ("Salon-de-Pce", "13103"),
        ("je travaille à Aix-les-B", "73008"),  # one letter for the last word
        ("les chantiers de St Naz", "44184"),  # a word cut short
    ],
)
def test_compound_names_written_short(knowledge: Knowledge, text: str, commune: str) -> None:
    result = find(knowledge, text)
    assert result.place is not None and result.place.commune == commune and result.how == "abrev"
    assert not result.confirm


def test_the_start_of_a_large_towns_name_is_confirmed(knowledge: Knowledge) -> None:
    result = find(knowledge, "je travaille sur Stras")
    assert result.place is not None and result.place.commune == "67482" and result.confirm
    assert find(knowledge, "au bord de la mer").place is None  # "bord" is a word, not Bordeaux
    assert find(knowledge, "je suis a mont de marsant").place.commune == "40192"  # "de" abbreviates nothing


def test_a_departement_named_beside_a_town_makes_it_sure(knowledge: Knowledge) -> None:
    alone = find(knowledge, "je suis à Saint-Étienne")
    with_dep = find(knowledge, "je suis à St Etienne (Loire)")
    assert alone.confirm and not with_dep.confirm and with_dep.place.commune == "42218"


def test_a_surname_after_a_first_name_is_not_a_place(knowledge: Knowledge) -> None:
    assert reading(find(knowledge, "mon patron s'appelle Laurent Vienne")) is None


def test_an_ordinary_word_read_as_a_place_is_only_confirmed(knowledge: Knowledge) -> None:
    result = find(knowledge, "moniteur de ski l'hiver, maçon l'été")
    assert result.place is None or result.confirm
