"""The vocabulary of personal access tokens: what a person asks for and what is kept of it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

from vocabulary.knowledge import check_control_chars

MAX_TOKEN_DAYS = 366
TOKEN_PREFIX = "oiv_"  # recognisable in a leaked file or a secret scanner


class Scope(StrEnum):
    """What a token may be used for (always within its person's role)."""

    read = "read"  # search, read insights, questions, themes, KPIs
    write = "write"  # add insights, ask questions, vote
    import_files = "import"  # upload a file for import, follow it, undo it


class TokenIn(BaseModel):
    """A new token as a person asks for it on the "API tokens" page."""

    model_config = ConfigDict(str_strip_whitespace=True, use_enum_values=True, extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    scopes: list[Scope] = Field(min_length=1, max_length=3)
    days: int = Field(default=90, ge=1, le=MAX_TOKEN_DAYS)

    @field_validator("name")
    @classmethod
    def _no_control_chars(cls, value: str) -> str:
        return check_control_chars(value)

    @field_validator("scopes")
    @classmethod
    def _once_each(cls, scopes: list[str]) -> list[str]:
        return [s.value for s in Scope if s.value in scopes]


class Token(BaseModel):
    """A token as it is kept: never the secret, only its first characters."""

    id: str
    prefix: str  # "oiv_Ab3x": what the person sees of it after it was shown once
    username: str
    name: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None

    def live(self, at: datetime) -> bool:
        """Neither revoked nor expired at `at`."""
        return self.revoked_at is None and self.expires_at > at
