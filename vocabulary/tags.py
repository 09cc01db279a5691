"""The vocabulary of the governed tag set: tags with a group, a description and synonyms, the
suggestions made while tagging, and the tag board (tags x studies, segments, stages, months)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from vocabulary.errors import InvalidValue
from vocabulary.knowledge import check_control_chars, tag_key

MAX_TAG_CHARS = 60  # as an insight's tags (vocabulary.knowledge.InsightIn)
BOARD_DIMENSIONS = ("study", "segment", "journey_stage", "month")


def _names(values: list[str] | str) -> list[str]:
    if isinstance(values, str):
        values = values.split(",")
    cleaned: list[str] = []
    for value in values:
        name = tag_key(value)
        if len(name) > MAX_TAG_CHARS:
            raise InvalidValue(
                "{name}... is longer than {limit} characters", name=name[:20], limit=MAX_TAG_CHARS
            )
        if name and name not in cleaned:
            cleaned.append(name)
    return cleaned


class TagIn(BaseModel):
    """A tag of the set as a researcher writes it: its name, group, description and synonyms
    (a list, or one text with commas)."""

    model_config = ConfigDict(str_strip_whitespace=True)

    name: str = ""
    group: str = Field(default="", max_length=100)
    description: str = Field(default="", max_length=1000)
    synonyms_fi: list[str] = Field(default_factory=list)
    synonyms_en: list[str] = Field(default_factory=list)

    @field_validator("name", mode="before")
    @classmethod
    def _name(cls, value: str) -> str:
        name = tag_key(value or "")
        if len(name) > MAX_TAG_CHARS:
            raise InvalidValue("is longer than {limit} characters", limit=MAX_TAG_CHARS)
        return name

    @field_validator("group", "description", mode="before")
    @classmethod
    def _text(cls, value: str | None) -> str:
        return check_control_chars(" ".join(str(value or "").split()))

    @field_validator("synonyms_fi", "synonyms_en", mode="before")
    @classmethod
    def _synonyms(cls, value: list[str] | str | None) -> list[str]:
        return _names(value or [])


class Tag(BaseModel):
    """A tag of the governed set, with how many live insights carry it."""

    id: int
    name: str
    group: str = ""
    description: str = ""
    synonyms_fi: list[str] = Field(default_factory=list)
    synonyms_en: list[str] = Field(default_factory=list)
    synonyms_other: list[str] = Field(default_factory=list)  # names merged or renamed into it
    created_by: str | None = None
    created_at: datetime
    uses: int = 0

    @property
    def synonyms(self) -> list[str]:
        """Every other name that lands on this tag."""
        return [*self.synonyms_fi, *self.synonyms_en, *self.synonyms_other]


class FreeTag(BaseModel):
    """A tag insights carry that is not in the set (contributors add them freely)."""

    name: str
    uses: int


class TagSuggestion(BaseModel):
    """A tag offered for a text: its score and the nearest tagged insights that carry it."""

    tag: str
    score: float
    neighbours: list[int] = Field(default_factory=list)  # insight ids, nearest first
    of: int = 0  # how many tagged neighbours were looked at
    governed: bool = False  # in the set (else a free tag)


class TagCell(BaseModel):
    """One cell of the tag board: the insights carrying a tag in one column."""

    tag: str
    column: str
    count: int
    insight_ids: list[int] = Field(default_factory=list)


class TagBoard(BaseModel):
    """Tags (rows) x the values of a dimension (columns) as counts of live insights."""

    dimension: str
    tags: list[str] = Field(default_factory=list)
    columns: list[str] = Field(default_factory=list)
    cells: list[TagCell] = Field(default_factory=list)

    def cell(self, tag: str, column: str) -> TagCell | None:
        """The cell of a tag and a column (None when no insight is there)."""
        return next((c for c in self.cells if c.tag == tag and c.column == column), None)
