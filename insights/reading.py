"""Reading the knowledge base: one insight, pages of them, hybrid search, similar drafts and
related insights (mixed into KnowledgeBase)."""

from __future__ import annotations

from pydantic import ValidationError

from insights import text as textlib
from insights.embeddings import embed_query
from insights.errors import NotFound, describe_validation_error
from insights.linking import search_lexical_weight
from insights.models import Hit, Insight, InsightIn, InsightVersion, SearchFilters
from insights.pairs import is_near_duplicate, threshold
from insights.records import Role


class ReadingMixin:
    """Verbs of the KnowledgeBase that read insights and search them."""

    def get(self, insight_id: int, include_deleted: bool = False) -> Insight:
        """One insight; raises `NotFound`."""
        found = self.insights.get_many([insight_id], include_deleted=include_deleted)
        if not found or (found[0].deleted_at is not None and not self._may_see_deleted(found[0])):
            raise NotFound(f"Insight {insight_id} does not exist or was deleted.")
        return found[0]

    def _may_see_deleted(self, insight: Insight) -> bool:
        """A deleted insight stays readable to researchers, admins and the one who added it."""
        actor = self.actor
        if actor is None or actor.role in (Role.researcher, Role.admin):
            return True
        return insight.created_by == actor.username

    def browse(
        self, filters: SearchFilters | None = None, offset: int = 0, limit: int = 20
    ) -> tuple[list[Insight], int]:
        """Newest insights first, one page, with the total count."""
        return self.insights.page(filters or SearchFilters(), offset, limit)

    def count(self) -> int:
        """Number of live insights."""
        return self.insights.count()

    def versions(self, insight_id: int) -> list[InsightVersion]:
        """Earlier versions of an insight, oldest first."""
        return self.insights.versions(insight_id)

    def search(
        self,
        query: str,
        k: int = 10,
        offset: int = 0,
        filters: SearchFilters | None = None,
        **filter_values,
    ) -> list[Hit]:
        """Hybrid search (meaning + stemmed words, English and Finnish), best first.

        Filters come as a `SearchFilters` or as keywords (`segment="SMB"`); a single value is
        treated as a one-item list.
        """
        filters = self._filters(filters, filter_values)
        query = query.strip()
        if not query:
            return []
        language = textlib.detect_language(query)
        vector = embed_query(self.embedder, query, language)
        term_ids, weights = self.index.lexical.query_vector(textlib.query_terms(query))
        allowed = None if filters.is_empty() else self.insights.filter_ids(filters)
        weight = search_lexical_weight(language)
        found = self.index.search(
            vector, term_ids, weights, weight, k + offset, allowed, english=language == "en"
        )[offset:]
        return self._hits(found)

    def similar(self, text: str, k: int = 5) -> list[tuple[Hit, bool]]:
        """Stored insights like a draft text, in any language, each with "is it a likely
        duplicate?"; only those above the language pair's link threshold (or duplicates)."""
        draft = InsightIn(text=text)
        language = textlib.detect_language(draft.text)
        found = []
        for hit in self.search(draft.text, k=k):
            duplicate = is_near_duplicate(draft.text, hit.insight, hit.dense_score, language)
            if duplicate or hit.dense_score >= threshold("similar", language, hit.insight.language):
                found.append((hit, duplicate))
        return found

    def related(self, insight_id: int, k: int = 5) -> list[Hit]:
        """Nearest other live insights, best first; never itself, a deleted or a rejected one."""
        if insight_id not in self.index:
            raise NotFound(f"Insight {insight_id} does not exist or was deleted.")
        rejected = self.links_repo.rejected_partners(insight_id)
        return self._hits(self.index.related(insight_id, k, exclude=rejected))

    def _hits(self, found) -> list[Hit]:
        insights = {i.id: i for i in self.insights.get_many([n.insight_id for n in found])}
        return [
            Hit(
                insight_id=n.insight_id,
                score=n.score,
                dense_score=n.dense,
                lexical_score=n.lexical,
                insight=insights[n.insight_id],
            )
            for n in found
            if n.insight_id in insights
        ]

    @staticmethod
    def _filters(filters: SearchFilters | None, values: dict) -> SearchFilters:
        if values:
            lists = {
                k: v if isinstance(v, list | tuple) else [v]
                for k, v in values.items()
                if v is not None and k not in ("observed_from", "observed_to")
            }
            dates = {k: v for k, v in values.items() if k in ("observed_from", "observed_to")}
            try:
                extra = SearchFilters(**lists, **dates)
            except ValidationError as error:
                raise describe_validation_error(error) from None
            base = (filters or SearchFilters()).model_dump(exclude_defaults=True)
            return SearchFilters(**{**base, **extra.model_dump(exclude_defaults=True)})
        return filters or SearchFilters()

    def filter_values(self, column: str) -> list[str]:
        """Values in use for a column, for filter choices."""
        return self.insights.distinct_values(column)
