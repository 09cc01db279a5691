"""The vocabulary of people: accounts, roles and the audit log."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from vocabulary.knowledge import now


class Role(StrEnum):
    """What a person may do; each role may do everything the ones before it may."""

    viewer = "viewer"  # read, vote, follow
    contributor = "contributor"  # + add observations, ask questions, edit their own insights
    researcher = (
        "researcher"  # + edit any insight, curate links, evidence, studies, themes, imports
    )
    admin = "admin"  # + people, settings, restore, export everything


class User(BaseModel):
    """A person who signs in."""

    model_config = ConfigDict(use_enum_values=True)

    username: str = Field(min_length=2, max_length=100, pattern=r"^[\w.@+-]+$")
    display_name: str = Field(min_length=1, max_length=200)
    role: Role = Role.contributor
    team: str | None = Field(default=None, max_length=100)
    email: str | None = Field(default=None, max_length=320)
    created_at: datetime = Field(default_factory=lambda: now())
    disabled_at: datetime | None = None
    language: str | None = Field(default=None, pattern=r"^(fi|sv|en)$")  # None: the browser's


class AuditEntry(BaseModel):
    """One line of the append-only audit log."""

    id: int
    at: datetime
    actor: str | None
    action: str
    entity: str
    entity_id: str | None = None
    before: Any = None  # a dict (the entity), a list, a number or None
    after: Any = None
