"""The tag set as words: what an entered tag lands on, and which stored tags a filter means.

`TagWords` is shared by the services that take tags in (`kb.insights` adds and imports,
`kb.curation` edits) and the ones that filter on them (Search, the analysis pages): a tag
entered as a synonym or as a case or spacing variant of a tag of the set is stored under the
tag's name, and a filter on a tag finds insights carrying any of its names. The lookup is read
once per change of the database (`Database.generation`).
"""

from __future__ import annotations

import threading

from storage.db import Database
from storage.tags import TagRepository
from vocabulary.knowledge import SearchFilters
from vocabulary.tags import tag_key


class TagWords:
    """Names and synonyms of the governed set, kept in step with the database."""

    def __init__(self, db: Database, repo: TagRepository) -> None:
        self.db = db
        self.repo = repo
        self._lock = threading.Lock()
        self._seen = -1
        self._lookup: dict[str, str] = {}
        self._names: dict[str, list[str]] = {}

    def _current(self) -> tuple[dict[str, str], dict[str, list[str]]]:
        with self._lock:
            if self._seen != self.db.generation:
                generation = self.db.generation
                lookup = self.repo.lookup()
                names: dict[str, list[str]] = {}
                for word, name in lookup.items():
                    names.setdefault(name, []).append(word)
                self._lookup, self._names, self._seen = lookup, names, generation
            return self._lookup, self._names

    def canonical(self, tags: list[str]) -> list[str]:
        """`tags` as they are stored: each synonym or variant of a tag of the set by the tag's
        name, free tags as written (lowercase, single spaces), no tag twice."""
        lookup, _names = self._current()
        found: list[str] = []
        for tag in tags:
            key = tag_key(tag)
            name = lookup.get(key, key)
            if name and name not in found:
                found.append(name)
        return found

    def meanings(self, tags: list[str]) -> list[str]:
        """Every stored tag a filter on `tags` should find: each tag's name and synonyms."""
        lookup, names = self._current()
        found: list[str] = []
        for tag in tags:
            key = tag_key(tag)
            for word in [key, *names.get(lookup.get(key, key), [])]:
                if word not in found:
                    found.append(word)
        return found

    def filters(self, filters: SearchFilters) -> SearchFilters:
        """`filters` with its tags widened to their synonyms (unchanged without tags)."""
        if not filters.tags:
            return filters
        return filters.model_copy(update={"tags": self.meanings(filters.tags)})

    def governed(self) -> set[str]:
        """The names of the set."""
        return set(self._current()[1])
