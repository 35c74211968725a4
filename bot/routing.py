"""Routing: from a situation, a region and a date, the door, its alternatives, the lot and contacts.

Pure functions over the snapshot; the rules themselves are data (knowledge/orientation.yaml).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from bot.kb.model import Contact, Lot, Market, Rule, Snapshot

__all__ = ["Recommendation", "pick_rule", "route"]

REGIONAL = "operateur_regional"


@dataclass(frozen=True, slots=True)
class Recommendation:
    profile: str | None
    network: str | None
    alternatives: tuple[str, ...]
    rule: Rule | None
    market: Market | None
    lot: Lot | None
    contact: Contact | None
    region: str | None

    @property
    def needs_regional(self) -> bool:
        """True when the regional operator is the door or one of the choices."""
        return self.network == REGIONAL or REGIONAL in self.alternatives


def pick_rule(traits: Iterable[str], snapshot: Snapshot) -> Rule | None:
    """The first rule whose conditions the person meets (rules are ordered in the file)."""
    have = frozenset(traits)
    if not have:
        return None
    for rule in snapshot.rules:
        if rule.traits <= have:
            return rule
    return None


def route(traits: Iterable[str], region: str | None, day: dt.date, snapshot: Snapshot) -> Recommendation:
    """Door, alternatives, and for the regional operator the market, lot and region's contacts."""
    rule = pick_rule(traits, snapshot)
    market = snapshot.market_on(day)
    lot = market.lot_for(region) if market is not None and region is not None else None
    contact = lot.contacts.get(region) if lot is not None and region is not None else None
    return Recommendation(
        profile=rule.profile if rule else None,
        network=rule.network if rule else None,
        alternatives=rule.alternatives if rule else (),
        rule=rule,
        market=market,
        lot=lot,
        contact=contact,
        region=region,
    )
