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
    from bot.nlu.knowledge import Knowledge

__all__ = ["analyse"]


def analyse(text: str, knowledge: Knowledge, day: dt.date, config: Config | None = None) -> dict[str, Any]:
    """The JSON object for one message (every key present; null when unknown)."""
    snapshot = knowledge.snapshot
    u = understand(text, knowledge)
    ref = u.place.place
    outside = u.place.outside
    region = ref.region if ref is not None and not outside else None
    place = {
        "region": region,
        "region_name": snapshot.regions[region].name if region else None,
        "departement": ref.departement if ref is not None and not outside else None,
        "commune": ref.commune if ref is not None and not outside else None,
        "commune_name": ref.name if ref is not None and ref.kind == PlaceKind.COMMUNE else None,
        "postal_code": ref.postal_code if ref is not None else None,
        "outside": True if outside else (False if ref is not None else None),
    }
    if outside and ref is not None:
        place["outside_name"] = ref.name
    candidates = [
        {"region": c.region, "departement": c.departement, "commune": c.commune, "label": c.label}
        for c in u.place.candidates
    ]
    rec = route(u.situation.traits, region, day, snapshot)
    lot = rec.lot
    if lot is None and candidates and rec.market is not None:
        found = [rec.market.lot_for(c["region"]) for c in candidates]
        if all(found) and len({f.id for f in found if f}) == 1:
            lot = found[0]  # every candidate falls in the same lot
    show_lot = lot is not None and (rec.rule is None or rec.needs_regional)
    contact = rec.contact
    engine = Engine.from_config(knowledge, config, today=day) if config is not None else Engine(knowledge, today=day)
    turn = engine.handle(None, UserInput.from_text(text) if not text.strip().startswith("/") else UserInput(InputKind.TEXT, text))
    reply = "\n\n".join(render_plain(r) for r in turn.replies)
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
        "lot": {"id": lot.id, "name": lot.name} if show_lot and lot else None,
        "operator": (
            {
                "name": lot.operator.name,
                "website": lot.operator.website,
                "contacts": contact.as_json() if contact else None,
            }
            if show_lot and lot
            else None
        ),
        "reply": reply,
    }
