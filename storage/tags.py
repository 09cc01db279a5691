"""The governed tag set and the tags insights carry: all the SQL for them (insights/tags.py)."""

from __future__ import annotations

from datetime import datetime

from storage.cursor import Cursor
from storage.db import Database
from vocabulary.tags import FreeTag, Tag, TagCell, TagIn

TAG_CHANGES = 4  # the lock (storage.db.Database.serialise) that changes of the set take in turn
_TAG_COLUMNS = "id, name, tag_group, description, created_by, created_at"
# The column a tag board's dimension reads (our code names it; see TagRepository.board)
_DIMENSIONS = {
    "study": "coalesce(s.title, '')",
    "segment": "coalesce(i.segment, '')",
    "journey_stage": "coalesce(i.journey_stage, '')",
    "month": "coalesce(substr(CAST(i.observed_at AS VARCHAR), 1, 7), '')",
}


class TagRepository:
    """Typed access to the tag set (`tags`, `tag_synonyms`) and to the tags of insights."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # --- reading ---------------------------------------------------------------------------

    def tags(self) -> list[Tag]:
        """The whole set, by group and name, with synonyms and live uses."""
        uses = self.uses()
        with self.db.read() as cur:
            rows = cur.execute(
                f"SELECT {_TAG_COLUMNS} FROM tags ORDER BY tag_group, name"
            ).fetchall()
            synonyms = cur.execute(
                "SELECT tag_id, synonym, language FROM tag_synonyms ORDER BY synonym"
            ).fetchall()
        by_tag: dict[int, dict[str, list[str]]] = {}
        for tag_id, synonym, language in synonyms:
            key = {"fi": "synonyms_fi", "en": "synonyms_en"}.get(language, "synonyms_other")
            by_tag.setdefault(tag_id, {}).setdefault(key, []).append(synonym)
        return [
            Tag(
                id=i,
                name=name,
                group=group,
                description=description,
                created_by=by,
                created_at=at,
                uses=uses.get(name, 0),
                **by_tag.get(i, {}),
            )
            for i, name, group, description, by, at in rows
        ]

    def lookup(self) -> dict[str, str]:
        """Every name and synonym of the set -> the tag's name."""
        with self.db.read() as cur:
            rows = cur.execute(
                "SELECT name, name FROM tags UNION ALL"
                " SELECT s.synonym, t.name FROM tag_synonyms s JOIN tags t ON t.id = s.tag_id"
            ).fetchall()
        return dict(rows)

    def uses(self) -> dict[str, int]:
        """Every tag live insights carry -> how many carry it."""
        with self.db.read() as cur:
            rows = cur.execute(
                "SELECT tag, count(*) FROM (SELECT unnest(tags) AS tag FROM insights"
                " WHERE deleted_at IS NULL) used GROUP BY tag"
            ).fetchall()
        return dict(rows)

    def free_tags(self) -> list[FreeTag]:
        """Tags live insights carry that are neither a name nor a synonym of the set, most used
        first."""
        known = self.lookup()
        used = sorted(self.uses().items(), key=lambda item: (-item[1], item[0]))
        return [FreeTag(name=name, uses=count) for name, count in used if name not in known]

    def find(self, cur: Cursor, name: str) -> tuple[int, str, str] | None:
        """(id, name, group) of the tag with this name, inside the caller's unit."""
        rows = cur.execute("SELECT id, name, tag_group FROM tags WHERE name = ?", [name]).fetchall()
        return (rows[0][0], rows[0][1], rows[0][2]) if rows else None

    def owner_of(self, cur: Cursor, name: str) -> str | None:
        """The tag whose name or synonym `name` is (its name), inside the caller's unit."""
        rows = cur.execute(
            "SELECT name FROM tags WHERE name = ? UNION ALL"
            " SELECT t.name FROM tag_synonyms s JOIN tags t ON t.id = s.tag_id WHERE s.synonym = ?",
            [name, name],
        ).fetchall()
        return rows[0][0] if rows else None

    # --- writing (inside the caller's transaction) -----------------------------------------

    def lock(self, cur: Cursor) -> None:
        """Changes of the set (read, check, write) run one after another in every process."""
        self.db.serialise(cur, TAG_CHANGES)

    def create(self, cur: Cursor, tag: TagIn, by: str | None, at: datetime) -> int:
        """Insert a tag and its synonyms; returns its id."""
        tag_id = cur.execute(
            "INSERT INTO tags (name, tag_group, description, created_by, created_at)"
            " VALUES (?, ?, ?, ?, ?) RETURNING id",
            [tag.name, tag.group, tag.description, by, at],
        ).fetchall()[0][0]
        self.set_synonyms(cur, tag_id, tag.synonyms_fi, tag.synonyms_en)
        return tag_id

    def describe(self, cur: Cursor, tag_id: int, group: str, description: str) -> None:
        """Set a tag's group and description."""
        cur.execute(
            "UPDATE tags SET tag_group = ?, description = ? WHERE id = ?",
            [group, description, tag_id],
        )

    def set_synonyms(self, cur: Cursor, tag_id: int, finnish: list[str], english: list[str]):
        """Make these a tag's Finnish and English synonyms (the merged names stay)."""
        english = [s for s in english if s not in finnish]
        cur.execute(
            "DELETE FROM tag_synonyms WHERE tag_id = ? AND (language IN ('fi', 'en')"
            " OR synonym IN (SELECT unnest(?::VARCHAR[])))",
            [tag_id, [*finnish, *english]],
        )
        rows = [[s, tag_id, "fi"] for s in finnish] + [[s, tag_id, "en"] for s in english]
        if rows:
            cur.executemany(
                "INSERT INTO tag_synonyms (synonym, tag_id, language) VALUES (?, ?, ?)", rows
            )

    def add_synonym(self, cur: Cursor, tag_id: int, synonym: str) -> None:
        """Keep a name merged or renamed into a tag as its synonym (no-op when it is one)."""
        cur.execute(
            "INSERT INTO tag_synonyms (synonym, tag_id, language) VALUES (?, ?, '')"
            " ON CONFLICT DO NOTHING",
            [synonym, tag_id],
        )

    def rename(self, cur: Cursor, tag_id: int, name: str) -> None:
        """Give a tag a new name (a synonym equal to it goes: the name says it)."""
        cur.execute("DELETE FROM tag_synonyms WHERE synonym = ?", [name])
        cur.execute("UPDATE tags SET name = ? WHERE id = ?", [name, tag_id])

    def move_synonyms(self, cur: Cursor, from_id: int, to_id: int) -> None:
        """Hand every synonym of one tag to another (a merge)."""
        cur.execute("UPDATE tag_synonyms SET tag_id = ? WHERE tag_id = ?", [to_id, from_id])

    def delete(self, cur: Cursor, tag_id: int) -> None:
        """Take a tag and its synonyms out of the set."""
        cur.execute("DELETE FROM tag_synonyms WHERE tag_id = ?", [tag_id])
        cur.execute("DELETE FROM tags WHERE id = ?", [tag_id])

    # --- the tag board ---------------------------------------------------------------------

    def board(self, dimension: str, tags: list[str] | None = None) -> list[TagCell]:
        """Live insights per (tag, value of `dimension`), with their ids (newest first);
        `dimension` is one of study, segment, journey_stage, month; `tags` narrows the rows."""
        column = _DIMENSIONS[dimension]  # KeyError for anything else: our code names it
        where, params = "", []
        if tags:
            where, params = " WHERE tag IN (SELECT unnest(?::VARCHAR[]))", [list(tags)]
        with self.db.read() as cur:
            rows = cur.execute(
                f"SELECT tag, col, id FROM (SELECT unnest(i.tags) AS tag, {column} AS col, i.id,"
                " i.created_at FROM insights i LEFT JOIN studies s ON s.id = i.study_id"
                f" WHERE i.deleted_at IS NULL) used{where}"
                " ORDER BY tag, col, created_at DESC, id DESC",
                params,
            ).fetchall()
        cells: dict[tuple[str, str], list[int]] = {}
        for tag, col, insight_id in rows:
            cells.setdefault((tag, col), []).append(insight_id)
        return [
            TagCell(tag=tag, column=col, count=len(ids), insight_ids=ids)
            for (tag, col), ids in cells.items()
        ]
