"""Short answers and their details: the door, the contact, the first booking step; the rest on request.

Pure text composition over the knowledge snapshot (``reseaux.yaml`` for the doors,
``reservation.yaml`` for how to book each one, ``bureaux/`` for local offices). Every function
returns plain French text; the engine adds the buttons.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from bot.dialogue.render import MODE_LABELS, contact_lines

if TYPE_CHECKING:
    from collections.abc import Iterable

    from bot.kb.model import DoorGuide, Office, Snapshot
    from bot.routing import Recommendation

__all__ = [
    "Detail",
    "Place",
    "alternatives_text",
    "booking_text",
    "contact_text",
    "door_contact_lines",
    "follow_up_text",
    "nearest_office",
    "prepare_text",
    "short_answer",
    "what_may_help",
]

REGIONAL = "operateur_regional"
SHORT_LIMIT = 700  # characters of the first answer (title and satisfaction question included)
RATING_ROOM = 42  # "\n\nCette réponse vous a-t-elle été utile ?" added by the engine
EARTH_KM = 6371.0


class Detail(str, Enum):  # noqa: UP042 - str() of a member must stay its name
    """What the detail buttons under an answer show."""

    BOOK = "r"
    PREPARE = "p"
    OTHERS = "a"
    FAQ = "f"


DETAIL_LABELS = {
    Detail.BOOK: "Comment réserver",
    Detail.PREPARE: "Que préparer",
    Detail.OTHERS: "Autres possibilités",
    Detail.FAQ: "Questions fréquentes",
}


@dataclass(frozen=True, slots=True)
class Place:
    """Where the person is, as far as the answer needs it."""

    label: str | None = None
    departement: str | None = None
    commune: str | None = None
    lat: float | None = None  # the commune's point, when known (nearest office)
    lon: float | None = None


def _guide(snapshot: Snapshot, network: str) -> DoorGuide | None:
    return snapshot.guides.doors.get(network)


def nearest_office(snapshot: Snapshot, network: str, place: Place) -> Office | None:
    """The office of ``network`` nearest to the person's commune, within their département."""
    directory = snapshot.guides.offices.get(network)
    if directory is None or not place.departement:
        return None
    offices = directory.by_departement.get(place.departement, ())
    if not offices:
        return None
    if place.lat is None or place.lon is None:
        return offices[0]
    lat, lon = place.lat, place.lon

    def distance(office: Office) -> float:
        if office.lat is None or office.lon is None:
            return math.inf
        return _km(lat, lon, office.lat, office.lon)

    return min(offices, key=distance)


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(math.sqrt(a))


def office_lines(snapshot: Snapshot, office: Office, *, short: bool = False, compact: bool = False) -> list[str]:
    directory = snapshot.guides.offices[office.network]
    if compact:  # one line, when the first answer would not fit on a phone screen
        phone = f" — Tél. {office.phone}" if office.phone else ""
        return [f"• {office.name}{phone} (annuaire de {directory.date}, à vérifier)"]
    lines = [f"• {office.name}", f"  {office.address}" + (f" — Tél. {office.phone}" if office.phone else "")]
    if office.website and not short:
        lines.append(f"  Site : {office.website}")
    lines.append(f"  (annuaire de {directory.date}, à vérifier avant de vous déplacer)")
    return lines


def door_contact_lines(
    snapshot: Snapshot, rec: Recommendation, network: str, place: Place, *, short: bool = False, compact: bool = False
) -> list[str]:
    """How to reach ``network`` from this place: regional contacts, a local office, or the finder page."""
    if network == REGIONAL:
        region = snapshot.regions.get(rec.region or "")
        lines = contact_lines(snapshot, rec.contact, short=True)
        if region is not None and lines:
            where = f"{place.label} — " if place.label and place.label != region.name else ""
            return [f"{where}{region.name} :", *lines]
        return ["• Trouver l'opérateur de votre région : https://mon-cep.org"]
    lines = []
    office = nearest_office(snapshot, network, place)
    if office is not None:
        lines.extend(office_lines(snapshot, office, short=short, compact=compact))
    lines.extend(contact_lines(snapshot, snapshot.networks[network].contact, short=True))
    guide = _guide(snapshot, network)
    if (
        guide is not None
        and guide.finder
        and not any(guide.finder in line for line in lines)
        and not (short and office)
    ):
        dep = snapshot.departements.get(place.departement or "")
        where = f" ({dep.name})" if dep is not None else ""
        lines.append(f"• Trouver le bureau le plus proche{where} : {guide.finder}")
    return lines


def _url_in(line: str, text: str) -> bool:
    return any(word.startswith("http") and word in text for word in line.split())


def first_step(snapshot: Snapshot, network: str, need: str | None) -> str:
    guide = _guide(snapshot, network)
    if guide is None:
        return snapshot.networks[network].description
    return guide.support if need == "accompagnement" else guide.one_off


def _names(snapshot: Snapshot, networks: Iterable[str]) -> str:
    return ", ".join(snapshot.networks[n].name for n in networks)


def short_answer(snapshot: Snapshot, rec: Recommendation, need: str | None, place: Place) -> tuple[str, str]:
    """(title, body): the door and why, the contact, the first booking step — on one phone screen."""
    network = rec.network or REGIONAL
    title = f"À qui vous adresser : {snapshot.networks[network].name}"
    body = _short_body(snapshot, rec, need, place, network, compact=False)
    if len(title) + len(body) + RATING_ROOM > SHORT_LIMIT:
        body = _short_body(snapshot, rec, need, place, network, compact=True)
    return title, body


def _short_body(
    snapshot: Snapshot, rec: Recommendation, need: str | None, place: Place, network: str, *, compact: bool
) -> str:
    parts = [rec.rule.explanation if rec.rule is not None else snapshot.networks[network].description]
    step = first_step(snapshot, network, need)
    # a finder page already named in the first step is not repeated above it; the caveat on
    # unconfirmed details always stays (it names mon-cep.org too, but says something else)
    lines = door_contact_lines(snapshot, rec, network, place, short=True, compact=compact)
    contact = [line for line in lines if not (line.startswith("•") and _url_in(line, step))]
    if not contact:
        contact = ["• Point d'entrée national : https://mon-cep.org"]
    parts.append("\n".join(contact))
    parts.append("Première étape : " + step)
    if rec.alternatives:
        parts.append("Autre possibilité : " + _names(snapshot, rec.alternatives) + ".")
    return "\n\n".join(parts)


def booking_text(snapshot: Snapshot, rec: Recommendation, need: str | None) -> str:
    """« Comment réserver »: the step for this need, what to say, what happens next, how and when."""
    network = rec.network or REGIONAL
    guide = _guide(snapshot, network)
    lines = ["Comment réserver", first_step(snapshot, network, need)]
    if guide is not None:
        lines.append("Ce que vous pouvez dire : " + guide.say)
        lines.append("Ensuite : " + guide.next_step)
        if guide.finder and guide.finder not in lines[1]:
            lines.append(f"Trouver un bureau : {guide.finder}")
    extra = _hours_and_modes(snapshot, rec, network, guide)
    lines.extend(extra)
    return "\n\n".join(lines)


def _hours_and_modes(snapshot: Snapshot, rec: Recommendation, network: str, guide: DoorGuide | None) -> list[str]:
    contact = rec.contact if network == REGIONAL else snapshot.networks[network].contact
    lines = []
    if contact is not None and contact.hours:
        lines.append(f"Horaires : {contact.hours}" + (" (à confirmer)" if contact.to_check else ""))
    elif guide is not None and guide.hours:
        lines.append(guide.hours)
    if contact is not None and contact.modes:
        lines.append("Rendez-vous " + ", ".join(MODE_LABELS.get(m, m) for m in contact.modes) + ".")
    elif guide is not None and guide.remote:
        lines.append(guide.remote)
    return lines


def prepare_text(snapshot: Snapshot, network: str, traits: Iterable[str], need: str | None) -> str:
    """« Que préparer », fitted to the door and the person's situation."""
    have = frozenset(traits)
    guide = _guide(snapshot, network)
    items = list(guide.prepare) if guide is not None else []
    for item in snapshot.guides.prepare:
        if "agent_public" in have and "salarie" in item.when:
            continue  # a public agent named by a job ("aide-soignante titulaire") is no private employee
        if item.when <= have and item.text not in items:
            if "démissionner" in item.text and need != "accompagnement":
                continue  # resigning for a career change is a project: only with support over time
            items.append(item.text)
    if not items:
        return "Rien de particulier : venez avec vos questions."
    return "Que préparer\n" + "\n".join(f"• {item}" for item in items)


def alternatives_text(snapshot: Snapshot, rec: Recommendation, place: Place) -> str:
    """« Autres possibilités »: each other door with how to reach it, then the national entry point."""
    parts = ["Autres possibilités"]
    for alt in rec.alternatives:
        network = snapshot.networks[alt]
        lines = [f"{network.name} : {network.description}", *door_contact_lines(snapshot, rec, alt, place)]
        parts.append("\n".join(lines))
    if not rec.alternatives:
        parts.append("Pour votre situation, c'est la seule porte.")
    parts.append(snapshot.text("national"))
    return "\n\n".join(parts)


def contact_text(snapshot: Snapshot, rec: Recommendation, place: Place) -> str:
    network = rec.network or REGIONAL
    lines = door_contact_lines(snapshot, rec, network, place)
    return "\n".join([f"Pour joindre {snapshot.networks[network].name} :", *lines])


def follow_up_text(snapshot: Snapshot, rec: Recommendation, network: str, kind: str, place: Place) -> str:
    """A follow-up question about the door just given: phone, address, hours, remote, cost."""
    guide = _guide(snapshot, network)
    name = snapshot.networks[network].name
    contact = door_contact_lines(snapshot, rec, network, place)
    if kind == "horaires":
        lines = _hours_and_modes(snapshot, rec, network, guide)[:1] or ["Les horaires ne sont pas connus ici."]
        return "\n".join([*lines, *contact])
    if kind == "distance":
        return guide.remote if guide is not None and guide.remote else "Demandez-le lors de la prise de rendez-vous."
    if kind == "cout":
        return guide.cost if guide is not None and guide.cost else "Le CEP est gratuit."
    # "telephone", "adresse": how to reach the door from this place
    head = f"Pour joindre {name} :"
    if network == REGIONAL or contact:
        return "\n".join([head, *contact])
    return "\n".join([head, first_step(snapshot, network, None), "• Point d'entrée national : https://mon-cep.org"])


def what_may_help(snapshot: Snapshot, rec: Recommendation, place: Place) -> str:
    """After a 👎: the other doors, the contact, the national entry point."""
    parts = []
    if rec.network is not None:
        parts.append(
            "\n".join(
                [
                    f"Pour joindre {snapshot.networks[rec.network].name} :",
                    *door_contact_lines(snapshot, rec, rec.network, place),
                ]
            )
        )
    if rec.alternatives:
        parts.append("Vous pouvez aussi vous adresser à : " + _names(snapshot, rec.alternatives) + ".")
    parts.append(snapshot.text("national"))
    return "\n\n".join(parts)
