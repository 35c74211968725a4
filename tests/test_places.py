"""Places: regions, départements, communes, arrondissements, postal codes, numbers, typos, outside.

Every case below fails without the behaviour it names. The last tests load the whole labelled
set (tests/data/comprendre.yaml) and run the benchmark's quick mode, so that a regression in
any part of the understanding shows up here.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from bot.nlu.places import PlaceResult
from bot.nlu.understand import understand

ROOT = Path(__file__).resolve().parent.parent



def find(knowledge, text: str) -> PlaceResult:
    return knowledge.places.find(text)


def where(knowledge, text: str) -> tuple[str | None, str | None, str | None]:
    place = find(knowledge, text).place
    if place is None or place.kind == "outside":
        return (None, None, None)
    return (place.region, place.departement, place.commune)


# -- regions ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("je vis en Occitanie", "76"),  # current name
        ("j'habite en ile de france", "11"),  # without accents and hyphens
        ("bourgogne-franche-comté", "27"),
        ("l'alsace c mon coin", "44"),  # former region, with an article
        ("Midi-Pyrénées, je sais que ça a changé de nom", "76"),  # former region; "changé" is no commune here
        ("originaire du nord-pas-de-calais et j'y vis toujours", "32"),
        ("en PACA", "93"),  # everyday name
        ("IDF", "11"),
        ("pays de loire", "52"),  # "de" for "de la"
        ("en banlieue parisienne", "11"),
        ("je vis en champagne, je bosse dans les vignes", "44"),
    ],
)
def test_region_names(knowledge, text, region):
    place = find(knowledge, text).place
    assert place is not None and place.kind == "region" and place.region == region


def test_petite_couronne_is_the_region_without_a_departement(knowledge):
    place = find(knowledge, "je suis en petite couronne").place
    assert place is not None and place.region == "11" and place.departement is None


# -- départements ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "dep"),
    [
        ("dans le Finistère", "29"),
        ("haute garonne", "31"),
        ("agriculteur en creuse", "23"),  # "creuse" is also a word: "en" makes it a place
        ("le jura, on a que des fromageries ici", "39"),  # article at the start of the clause
        ("calvados, côte fleurie", "14"),
        ("j'habite dans le cotentin", "50"),  # everyday name
        ("j'habite paname", "75"),
        ("le 9-3", "93"),
        ("29", "29"),
        ("dans le 29", "29"),
        ("département 13", "13"),
        ("je suis dans le 62 et je galère à trouver du boulot", "62"),
        ("le 31 moi", "31"),
        ("le sept sept, vers meaux", "77"),
        ("dep 04, a la campagne", "04"),
        ("je suis du 2A", "2A"),
    ],
)
def test_departements(knowledge, text, dep):
    assert where(knowledge, text)[1] == dep


@pytest.mark.parametrize(
    "text",
    [
        "j'ai 29 ans et je sais pas quoi faire",
        "je suis dans la meme boite depuis 13 ans",
        "maman solo avec 2 enfants",
        "j'ai enchainé 3 CDD en 2 ans",
        "je bosse 4 jours sur 5",
        "mon contrat se termine le 31 mars",
        "je fais 35 heures",
        "bac+5 en droit",
        "rdv possible le 12 mars ?",
        "dispo a partir du 15",
        "on est 2 dans l'equipe",
        "j'ai 12 ans d'ancienneté",
        "je gagne 1400 euros par mois pour 39h",
    ],
)
def test_numbers_that_are_not_places(knowledge, text):
    assert not find(knowledge, text).found


# -- communes ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "commune"),
    [
        ("paris", "75056"),  # the commune, not only the département
        ("j'habite à Lyon", "69123"),
        ("besancon", "25056"),  # without accent
        ("gueret c'est mort niveau boulot", "23096"),
        ("perigueux, la ou jai grandi", "24322"),
        ("je suis de quimper et j'y vis toujours", "29232"),
        ("Aix en Provence", "13001"),  # without hyphens
        ("Le Havre", "76351"),
        ("Havre", "76351"),  # without its article
        ("je bosse en interim sur le havre", "76351"),
        ("on vit au cannet avec les enfants", "06030"),  # "au" is "à le"
        ("j'habite aux lilas", "93045"),  # "aux" is "à les"
        ("St Etienne", "42218"),
        ("ste foy les lyon", "69202"),
        ("je travaille à la mairie de rennes", "35238"),
        ("valence dans la drome", "26362"),  # commune and département agree: the commune
        ("macon dans le 71", "71270"),
        ("ales dans le gard", "30007"),
        ("la fleche dans la sarthe", "72154"),
        ("reze a cote de nantes", "44143"),  # "à côté de Nantes" is a landmark
        ("je bosse a monaco mais j'habite a menton", "06083"),  # where one lives wins
        ("la teste de buch, bassin d'arcachon", "33529"),
    ],
)
def test_communes(knowledge, text, commune):
    assert where(knowledge, text)[2] == commune


@pytest.mark.parametrize(
    ("text", "commune"),
    [
        ("Paris 15e", "75115"),
        ("Lyon 3ème", "69383"),
        ("Marseille 8", "13208"),
        ("dans le 20eme a paris", "75120"),
        ("dans le 9eme a lyon", "69389"),
        ("je suis dans le 15eme a marseille", "13215"),
        ("Je vis dans le 19e arrondissement de Paris", "75119"),
        ("paris XVe", "75115"),
    ],
)
def test_arrondissements(knowledge, text, commune):
    assert where(knowledge, text)[2] == commune


def test_not_an_arrondissement(knowledge):
    assert where(knowledge, "paris 2 ans")[2] != "75102"


@pytest.mark.parametrize(
    ("text", "dep", "code"),
    [
        ("jsuis sur le 38000 et je cherche un conseiller", "38", "38000"),
        ("mon code postal c'est 29200", "29", "29200"),
        ("20000", "2A", "20000"),  # Corse: 200xx and 201xx are Corse-du-Sud
        ("20200 bastia", "2B", "20200"),
        ("20290", "2B", "20290"),
        ("97411", "974", "97411"),
        ("cp 97200", "972", "97200"),
        ("97600", "976", "97600"),
    ],
)
def test_postal_codes(knowledge, text, dep, code):
    place = find(knowledge, text).place
    assert place is not None and place.departement == dep and place.postal_code == code


# -- spelling mistakes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "commune"),
    [
        ("Bordaux", "33063"),  # a missing letter
        ("Toulouze", "31555"),  # a wrong letter
        ("Nantse", "44109"),  # swapped letters
        ("Strasbour", "67482"),
        ("Montpelier", "34172"),
        ("toulousse et je m'y plais bien", "31555"),  # at the start, followed by other words
        ("grenobe, je viens d'y emmenager", "38185"),
        ("j'habite clermont ferant", "63113"),  # two words, two mistakes, longer than "Clermont"
        ("je vis a limoge", "87085"),  # "limoge" is a verb, but "je vis à" asks for a place
        ("biarits mais je bosse a bayonne", "64122"),
        ("compiengne dans l'oise", "60159"),
        ("moi c'est aix en provance", "13001"),
    ],
)
def test_typos(knowledge, text, commune):
    result = find(knowledge, text)
    assert result.place is not None and result.place.commune == commune


def test_region_typo(knowledge):
    place = find(knowledge, "Bretagn").place
    assert place is not None and place.kind == "region" and place.region == "53"


@pytest.mark.parametrize(
    "text",
    [
        "je suis inscrite à France Travail",  # no "Rancé"
        "je suis étudiant en master, je peux y aller moi aussi ?",  # no "Munster"
        "c ouvert a tout le monde ou faut remplir des conditions ?",  # no "Toutlemonde"
        "ça coûte combien ?",  # no "La Comté"
        "mon chef va être au courant que je fais ça ?",  # no "Courant"
        "auto-entrepreneur à côté de mon CDI",  # no "La Côte"
        "intérimaire, inscrit à france travail entre deux missions",  # no "Entre-Deux"
        "infirmiere a l'hopital public depuis 10 ans",  # no "L'Hôpital"
        "mon chat vomit depuis hier c grave ?",  # no "Héric"
        "on est engagé jusqu'au bout ou on peut laisser tomber ?",
    ],
)
def test_ordinary_words_are_not_places(knowledge, text):
    assert not find(knowledge, text).found


# -- names shared, regions against communes ----------------------------------------------------------


@pytest.mark.parametrize(("text", "region"), [("Bretagne", "53"), ("La Réunion", "04"), ("je suis a la reunion", "04"), ("champagne", "44")])
def test_region_beats_small_commune(knowledge, text, region):
    place = find(knowledge, text).place
    assert place is not None and place.kind == "region" and place.region == region


def test_saint_denis_is_ambiguous_largest_first(knowledge):
    result = find(knowledge, "Saint-Denis")
    assert result.place is None
    assert [c.departement for c in result.candidates] == ["974", "93"]
    assert [c.region for c in result.candidates] == ["04", "11"]
    assert result.candidates[0].population > result.candidates[1].population
    u = understand("Saint-Denis", knowledge)
    assert u.place.place is None  # no region chosen for the person


def test_ambiguous_name_settled_by_a_departement(knowledge):
    place = find(knowledge, "Saint-Denis, dans le 93").place
    assert place is not None and place.departement == "93"


def test_much_larger_commune_wins(knowledge):
    # Valence (Drôme) is more than ten times larger than Valence (Tarn-et-Garonne)
    place = find(knowledge, "Valence").place
    assert place is not None and place.commune == "26362"


def test_antilles_are_ambiguous_within_one_lot(knowledge):
    result = find(knowledge, "les Antilles")
    assert result.place is None and {c.region for c in result.candidates} == {"01", "02"}
    market = knowledge.snapshot.market_on(dt.date(2025, 6, 1))
    lots = {market.lot_for(c.region).id for c in result.candidates}
    assert len(lots) == 1


def test_la_reunion_974_gives_the_departement(knowledge):
    place = find(knowledge, "la reunion 974").place
    assert place is not None and place.region == "04" and place.departement == "974"


# -- outside -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["je vis à Monaco", "97500", "Nouméa", "je vis en belgique", "j'habite à Genève", "Tahiti", "98000"])
def test_outside(knowledge, text):
    result = find(knowledge, text)
    assert result.outside and result.place.region is None


def test_locate_nearest_commune(knowledge):
    result = knowledge.places.locate(50.6292, 3.0573)  # Lille
    assert result.place is not None and result.place.commune == "59350" and result.place.region == "32"
    assert result.how == "localisation"


@pytest.mark.parametrize(("lat", "lon"), [(45.0, -20.0), (200.0, 0.0), (0.0, 0.0)])
def test_locate_far_away_is_outside(knowledge, lat, lon):
    assert knowledge.places.locate(lat, lon).outside


# -- the whole labelled set and the benchmark --------------------------------------------------------


def _bench():
    spec = importlib.util.spec_from_file_location("bench_understanding", ROOT / "bench" / "understanding.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def test_labelled_set_accuracy(knowledge):
    bench = _bench()
    items = bench.load_items(bench.LABELLED)
    assert len(items) >= 700
    score = bench.evaluate(items, knowledge)
    assert score.accuracy >= 0.95, score.failures[:20]


@pytest.mark.bench
def test_bench_quick_runs():
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "understanding.py"), "--quick"], capture_output=True, text=True, timeout=300, check=False, cwd=ROOT
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert "p99" in out.stdout and "| measure | value |" in out.stdout


def test_a_location_inside_an_outside_zone_is_outside(knowledge) -> None:  # type: ignore[no-untyped-def]
    """Andorra la Vella is within 30 km of French communes, yet its zone makes it outside."""
    result = knowledge.places.locate(42.5063, 1.5218)
    assert result.outside and result.place.name == "Andorre"
    assert knowledge.places.locate(42.5197, 1.8233).place.region == "76"  # Porta, just across the border


@pytest.mark.parametrize(
    ("text", "dep"),
    [("salarié 29", "29"), ("salariée, 29", "29"), ("auto-entrepreneur 13", "13"), ("demandeur d'emploi 93", "93"), ("cdi 2A", "2A")],
)
def test_a_status_then_a_number_ending_the_message_is_a_departement(knowledge, text: str, dep: str) -> None:  # type: ignore[no-untyped-def]
    assert knowledge.places.find(text).place.departement == dep


@pytest.mark.parametrize("text", ["salarié 29 ans", "je suis salarié depuis 29", "salarié 35 heures", "nous sommes 4", "on est 3 salariés"])
def test_counts_after_a_status_are_not_places(knowledge, text: str) -> None:  # type: ignore[no-untyped-def]
    assert knowledge.places.find(text).place is None


@pytest.mark.parametrize(
    ("text", "region"),
    [("je vis à Genève et je travaille à Annemasse", "84"), ("frontalier, j'habite Thionville et je bosse au Luxembourg", "44")],
)
def test_a_cross_border_worker_is_served_on_the_french_side(knowledge, text: str, region: str) -> None:  # type: ignore[no-untyped-def]
    place = knowledge.places.find(text).place
    assert place is not None and place.kind == "commune" and place.region == region
