"""``cep-bot ask``: what the bot understands of a message and what it would answer."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from bot.console import render_plain
from bot.dialogue.engine import Engine, UserInput
from bot.nlu.understand import understand
from bot.routing import route
from bot.vocab import InputKind, PlaceKind

if TYPE_CHECKING:
    from bot.config import Config
    from bot.kb.model import Contact, Lot, Market, Snapshot
    from bot.nlu.knowledge import Knowledge
    from bot.nlu.places import PlaceResult

__all__ = ["analyse"]


def analyse(text: str, knowledge: Knowledge, day: dt.date, config: Config | None = None) -> dict[str, Any]:
    """The JSON object for one message (every key present; null when unknown)."""
    u = understand(text, knowledge)
    place = _place(u.place, knowledge.snapshot)
    # how sure the reading is (0..1), and whether the bot asks the person to confirm it
    place["confidence"] = round(u.place.confidence, 2) if u.place.place is not None else 0.0
    place["confirm"] = u.place.confirm
    asked = (u.place.place,) if u.place.place is not None and u.place.confirm else u.place.candidates
    candidates = [
        {"region": c.region, "departement": c.departement, "commune": c.commune, "label": c.label} for c in asked
    ]
    rec = route(u.situation.traits, place["region"], day, knowledge.snapshot)
    lot = rec.lot if rec.lot is not None else _shared_lot(rec.market, candidates)
    shown = lot if lot is not None and (rec.rule is None or rec.needs_regional) else None
    return {
        "text": text,
        "place": place,
        "candidates": candidates,
        "same_lot": bool(candidates) and lot is not None,
        "profile": rec.profile,
        "network": rec.network,
        "alternatives": list(rec.alternatives),
        "need": u.situation.need,
        "question": u.confident_question,
        "questions": list(u.questions),
        "suggestions": list(u.suggestions),
        "off_topic": u.off_topic.id if u.off_topic is not None else None,
        "market": rec.market.id if rec.market else None,
        "lot": {"id": shown.id, "name": shown.name} if shown else None,
        "operator": _operator(shown, rec.contact) if shown else None,
        "reply": _reply(text, knowledge, day, config),
    }


def _place(found: PlaceResult, snapshot: Snapshot) -> dict[str, Any]:
    ref = found.place
    if ref is None:
        place: dict[str, Any] = dict.fromkeys(("region", "region_name", "departement", "commune", "commune_name"))
        return {**place, "postal_code": None, "outside": None}
    inside = not found.outside
    region = ref.region if inside else None
    place = {
        "region": region,
        "region_name": snapshot.regions[region].name if region else None,
        "departement": ref.departement if inside else None,
        "commune": ref.commune if inside else None,
        "commune_name": ref.name if ref.kind == PlaceKind.COMMUNE else None,
        "postal_code": ref.postal_code,
        "outside": found.outside,
    }
    if found.outside:
        place["outside_name"] = ref.name
    return place


def _shared_lot(market: Market | None, candidates: list[dict[str, str | None]]) -> Lot | None:
    """The lot every candidate place falls in, when they all fall in the same one."""
    if market is None or not candidates:
        return None
    found = [market.lot_for(c["region"]) if c["region"] else None for c in candidates]
    if all(found) and len({f.id for f in found if f}) == 1:
        return found[0]
    return None


def _operator(lot: Lot, contact: Contact | None) -> dict[str, Any]:
    contacts = contact.as_json() if contact else None
    return {"name": lot.operator.name, "website": lot.operator.website, "contacts": contacts}


def _reply(text: str, knowledge: Knowledge, day: dt.date, config: Config | None = None) -> str:
    """What the bot would answer to this message as the first of a conversation, as plain text."""
    user = UserInput.from_text(text) if not text.strip().startswith("/") else UserInput(InputKind.TEXT, text)
    engine = Engine.from_config(knowledge, config, today=day) if config is not None else Engine(knowledge, today=day)
    turn = engine.handle(None, user)
    return "\n\n".join(render_plain(r) for r in turn.replies)
