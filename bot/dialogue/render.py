"""Compose the texts of answers from the knowledge snapshot (plain text, French)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.kb.model import Contact, Snapshot
    from bot.routing import Recommendation

__all__ = ["contact_lines", "final_answer", "outside_answer", "question_answer"]

MODE_LABELS = {"presentiel": "en personne", "telephone": "par téléphone", "visio": "en visio", "email": "par e-mail"}


def contact_lines(snapshot: Snapshot, contact: Contact | None, *, short: bool = False) -> list[str]:
    """The contact, one line per item, with the caveat when it is still to be checked.

    ``short``: phone, booking page and site only (hours and modes are in « Comment réserver »).
    """
    if contact is None:
        return []
    lines = []
    if contact.phone:
        lines.append(f"• Téléphone : {contact.phone}")
    if contact.booking:
        lines.append(f"• Prendre rendez-vous : {contact.booking}")
    if contact.website:
        lines.append(f"• Site : {contact.website}")
    if not short:
        lines.extend(_detail_lines(contact))
    if lines and contact.to_check:
        lines.append(f"({snapshot.text('a_verifier')})")
    return lines


def _detail_lines(contact: Contact) -> list[str]:
    lines = []
    if contact.email:
        lines.append(f"• E-mail : {contact.email}")
    if contact.places:
        lines.append(f"• Où : {contact.places}")
    if contact.hours:
        lines.append(f"• Horaires : {contact.hours}")
    if contact.modes:
        lines.append("• Rendez-vous " + ", ".join(MODE_LABELS.get(m, m) for m in contact.modes))
    return lines


def final_answer(snapshot: Snapshot, rec: Recommendation, need: str | None, place_label: str | None) -> tuple[str, str]:
    """(title, body) of the answer for this person."""
    network = snapshot.networks[rec.network] if rec.network else None
    if network is None:  # pragma: no cover - the engine only answers with a rule
        return "Votre conseil en évolution professionnelle", snapshot.text("national")
    parts: list[str] = []
    if rec.rule is not None:
        parts.append(rec.rule.explanation)
    if rec.network == "operateur_regional":
        parts.append(_regional_block(snapshot, rec, place_label))
        parts.append(
            "Comment réserver\n"
            + snapshot.text("reserver_accompagnement" if need == "accompagnement" else "reserver_ponctuel")
        )
    else:
        parts.append(_network_block(snapshot, network.id))
    if rec.alternatives:
        alt_lines = ["Vous pouvez aussi choisir :"]
        for alt in rec.alternatives:
            if alt == "operateur_regional":
                alt_lines.append(_regional_block(snapshot, rec, place_label, short=True))
            else:
                alt_lines.append(_network_block(snapshot, alt, short=True))
        parts.append("\n".join(alt_lines))
    parts.append("Pour votre premier rendez-vous\n" + snapshot.text("preparer"))
    parts.append(snapshot.text("national"))
    title = f"À qui vous adresser : {network.name}"
    return title, "\n\n".join(p for p in parts if p)


def _regional_block(snapshot: Snapshot, rec: Recommendation, place_label: str | None, *, short: bool = False) -> str:
    region = snapshot.regions.get(rec.region or "")
    lines = []
    if rec.lot is not None and region is not None:
        where = f"{place_label} — " if place_label and place_label != region.name else ""
        lead = "• L'opérateur régional" if short else "Votre opérateur régional"
        lines.append(f"{lead} : {rec.lot.operator.name}")
        lines.append(f"{where}{region.name}, {rec.lot.name} (marché {rec.market.id if rec.market else ''})")
        contact_info = contact_lines(snapshot, rec.contact)
        if contact_info:
            lines.extend(contact_info)
        else:
            lines.append(
                "Les coordonnées de votre région ne sont pas encore vérifiées : passez par https://mon-cep.org."
            )
    else:
        lines.append("• L'opérateur régional de votre région (Mon CEP par Avenir Actifs) : https://mon-cep.org")
    return "\n".join(lines)


def _network_block(snapshot: Snapshot, network_id: str, *, short: bool = False) -> str:
    network = snapshot.networks[network_id]
    lines = [f"• {network.name} : {network.description}"] if short else [network.description]
    lines.extend(contact_lines(snapshot, network.contact))
    return "\n".join(lines)


def outside_answer(snapshot: Snapshot, place_name: str) -> str:
    regions = ", ".join(r.name for r in sorted(snapshot.regions.values(), key=lambda r: r.name))
    return (
        snapshot.text("hors_champ", lieu=place_name)
        + f"\n\nLes 18 régions couvertes : {regions}.\n\nSi vous vivez ou travaillez aussi dans l'une d'elles, indiquez-moi la ville ou le code postal."
    )


def question_answer(snapshot: Snapshot, question_id: str, situated: bool = False) -> str:
    """A question's answer and its source; ``situated``: its answer for a message that told the place or
    the situation already (empty when the question has none)."""
    question = snapshot.questions[question_id]
    answer = question.answer_situated if situated else question.answer
    if not answer:
        return ""
    source = f"\n\nSource : {question.sources[0]}" if question.sources else ""
    return answer + source
