"""Closed vocabularies shared by the layers: conversation steps, input kinds, place kinds,
situation traits, needs, event types and turn actions.

They are ``StrEnum``: a member is its string (``Step.PLACE == "place"``), so stored states and
events (JSON, SQLite) keep the same values and old rows read back unchanged.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "QUALIFIER_TRAITS",
    "STATUS_TRAITS",
    "Action",
    "DetailTrait",
    "EventType",
    "InputKind",
    "Need",
    "PlaceKind",
    "Step",
    "Trait",
]


class Step(StrEnum):
    """Where a conversation stands: what the assistant asked last."""

    START = "start"
    PLACE = "place"
    AMBIGUOUS = "ambiguous"  # several places fit: one button per candidate
    SITUATION = "situation"
    SITUATION_OTHER = "situation_other"
    NEED = "need"
    ANSWERED = "answered"
    CONFIRM_DELETE = "confirm_delete"


class InputKind(StrEnum):
    """What the person did."""

    TEXT = "text"
    BUTTON = "button"
    LOCATION = "location"
    COMMAND = "command"


class PlaceKind(StrEnum):
    REGION = "region"
    DEPARTEMENT = "departement"
    COMMUNE = "commune"
    OUTSIDE = "outside"  # abroad, Monaco, an overseas collectivity outside the 18 regions


class Trait(StrEnum):
    """Situation traits; the routing rules (knowledge/orientation.yaml) combine them into a profile."""

    SALARIE = "salarie"
    INDEPENDANT = "independant"
    DEMANDEUR_EMPLOI = "demandeur_emploi"
    AGENT_PUBLIC = "agent_public"
    JEUNE = "jeune"
    HANDICAP = "handicap"
    CADRE = "cadre"


class DetailTrait(StrEnum):
    """Details that refine a door without being a situation of their own (no button, no rule alone)."""

    FP_ETAT = "fp_etat"  # State civil service
    FP_TERRITORIALE = "fp_territoriale"  # local government
    FP_HOSPITALIERE = "fp_hospitaliere"  # public hospitals
    MILITAIRE = "militaire"  # armed forces
    PREAVIS = "preavis"  # serving a notice period: still employed
    SAISONNIER = "saisonnier"  # seasonal or intermittent work: employed part of the year
    ETUDIANT = "etudiant"
    RETRAITE = "retraite"
    DIPLOME = "diplome"  # young graduate


# The traits that are an employment status, and those that qualify one.
STATUS_TRAITS = frozenset({Trait.SALARIE, Trait.INDEPENDANT, Trait.DEMANDEUR_EMPLOI, Trait.AGENT_PUBLIC})
QUALIFIER_TRAITS = frozenset(Trait) - STATUS_TRAITS


class Need(StrEnum):
    PONCTUEL = "ponctuel"  # one question
    ACCOMPAGNEMENT = "accompagnement"  # support over time


class EventType(StrEnum):
    """Anonymous usage events (storage ``events.type``; counted by ``cep-bot stats``)."""

    CONVERSATION_STARTED = "conversation_started"
    CONVERSATION_RESTARTED = "conversation_restarted"
    PLACE = "place"
    PLACE_AMBIGUOUS = "place_ambiguous"
    SITUATION = "situation"
    NEED = "need"
    QUESTION = "question"
    QUESTION_UNSURE = "question_unsure"
    QUESTION_OTHER = "question_other"  # « Autre chose » among the choices
    QUESTION_NOT_MINE = "question_not_mine"  # « Ce n'était pas ma question »
    OFF_TOPIC = "off_topic"  # a work question outside the CEP, declined
    NOT_UNDERSTOOD = "not_understood"
    STALE_BUTTON = "stale_button"
    ANSWER = "answer"
    SATISFACTION = "satisfaction"
    REMINDER_ASKED = "reminder_asked"
    REMINDER_SENT = "reminder_sent"
    BOOKING = "booking"
    DETAIL = "detail"  # a detail of the answer was asked (how to book, what to prepare...)
    FOLLOW_UP = "follow_up"  # a question about the answer just given (phone, address, hours...)
    SMALL_TALK = "small_talk"  # greetings, thanks, yes/no, goodbyes, rudeness
    FEEDBACK = "feedback"  # the message after a 👎


class Action(StrEnum):
    """What a turn asks its channel to do beyond sending the replies."""

    DELETE_USER = "delete_user"
    SCHEDULE_REMINDER = "schedule_reminder"
    REPLAY = "replay"  # an update delivered again: its stored replies are sent again
