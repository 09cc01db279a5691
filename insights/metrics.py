"""Behaviour beside opinion (`kb.metrics`): metrics defined once, their values imported over
time, customer records joined with survey answers, the journey as a funnel."""

from __future__ import annotations

import secrets
import time
from datetime import date
from pathlib import Path

from pydantic import BaseModel

from insights.acting import Acting, audited, requires
from insights.catalog import Catalog
from insights.rules.funnel import (
    CustomerOutcomes,
    Funnel,
    MetricTile,
    build_funnel,
    customer_outcomes,
    metric_tile,
)
from storage.backlog import BacklogRepository
from storage.db import Database
from storage.imports import ImportRepository
from storage.insights import InsightRepository
from storage.metrics import MetricRepository
from storage.people import PeopleRepository
from vocabulary import settings
from vocabulary.errors import InvalidInput, NotFound
from vocabulary.knowledge import SearchFilters, now
from vocabulary.people import Role

BETTER = ("higher", "lower")
GROUPS = ("segment", "touchpoint", "journey_stage")


class MetricDefinition(BaseModel):
    """A behavioural metric: its unit, which way is better, its target, whether the Overview
    shows it."""

    name: str
    unit: str | None = None
    better: str = "higher"
    target: float | None = None
    on_overview: bool = False


def customer_key(people: PeopleRepository) -> bytes:
    """The secret that customer ids are hashed with: $OIVALLUS_CUSTOMER_KEY, else one made
    for this knowledge base on first use (kept in its settings, and in its backups)."""
    given = settings.current().customer_key
    if given:
        return given.encode()
    stored = people.setting("customer_key", lambda: secrets.token_hex(32))
    assert stored is not None
    return stored.encode()


class Metrics:
    """Metric definitions, behaviour imports, tiles, the funnel and customer outcomes."""

    def __init__(
        self,
        acting: Acting,
        db: Database,
        repo: MetricRepository,
        imports: ImportRepository,
        people: PeopleRepository,
        insights: InsightRepository,
        backlog: BacklogRepository,
        catalog: Catalog,
    ) -> None:
        self.acting = acting
        self.db = db
        self.repo = repo
        self.imports = imports
        self.people = people
        self.insight_repo = insights
        self.backlog = backlog
        self.catalog = catalog

    # --- definitions -------------------------------------------------------------------------

    def definitions(self) -> list[MetricDefinition]:
        """Every defined metric (a metric is defined when first imported)."""
        return [
            MetricDefinition(**{k: v for k, v in d.items() if k != "created_at"})
            for d in self.repo.definitions()
        ]

    def definition(self, name: str) -> MetricDefinition:
        """One metric's definition; raises `NotFound`."""
        found = [d for d in self.definitions() if d.name == name]
        if not found:
            raise NotFound(
                "there is no metric {name}; import it or define it first", name=repr(name)
            )
        return found[0]

    @audited("define", "metric")
    @requires(Role.researcher)
    def define(
        self,
        name: str,
        unit: str | None = None,
        better: str = "higher",
        target: float | None = None,
    ) -> MetricDefinition:
        """Define (or change) a metric: its unit, whether higher or lower is better, its target.
        Whether the Overview shows it stays as it is (an admin chooses that)."""
        name = " ".join(name.split()).lower()
        if not name or len(name) > 80:
            raise InvalidInput("a metric needs a name of 1 to 80 characters", field="name")
        if better not in BETTER:
            raise InvalidInput("better is 'higher' or 'lower'", field="better")
        shown = any(d.name == name and d.on_overview for d in self.definitions())
        with self.db.transaction() as cur:
            self.repo.define(cur, name, (unit or "").strip() or None, better, target, shown, now())
        return self.definition(name)

    @audited("show on overview", "metric")
    @requires(Role.admin)
    def show_on_overview(self, name: str, on: bool = True) -> MetricDefinition:
        """Choose whether everyone sees this metric on the Overview."""
        found = self.definition(name)
        with self.db.transaction() as cur:
            self.repo.define(cur, found.name, found.unit, found.better, found.target, on, now())
        return self.definition(name)

    # --- importing ---------------------------------------------------------------------------

    @audited(
        "import behaviour",
        "import",
        key=lambda m, result, *a, **k: result.import_id,
        together=False,
    )
    @requires(Role.researcher)
    def import_file(
        self,
        path: str | Path,
        kind: str = "metrics",
        mapping: dict[str, str] | None = None,
        sheet: str | None = None,
        name: str | None = None,
        segment: str | None = None,
        journey_stage: str | None = None,
    ):
        """Import a metrics file ("metrics") or customer records ("purchase", "churn") as
        one recorded, undoable import in one transaction; returns a `MetricsReport`
        (see readers.behaviour for the columns and what a value may be). `segment` and
        `journey_stage` apply to rows without their own. Raises `ReadError` (nothing stored,
        nothing recorded) for a file that cannot be read or none of whose rows can be stored."""
        from readers.behaviour import (
            MetricsReport,
            nothing_to_store,
            read_customer_rows,
            read_file,
            read_metric_rows,
        )

        path = Path(path)
        clock = time.perf_counter()
        mapping, records = read_file(path, kind, mapping, sheet)
        report = MetricsReport(file=name or path.name, kind=kind, mapping=mapping)
        defaults = {"segment": segment, "journey_stage": journey_stage}
        if kind == "metrics":
            rows = read_metric_rows(records, mapping, defaults, report)
        else:
            rows = read_customer_rows(
                records, mapping, kind, customer_key(self.people), defaults, report
            )
        if not rows:  # one message, and no import recorded for a file that stores nothing
            raise nothing_to_store(report)
        import_id = self.imports.start(
            report.file, str(path), path.stat().st_size, self.acting.actor_name, kind, mapping
        )
        report.import_id = import_id
        try:
            with self.db.transaction() as cur:
                for row in rows:
                    row["import_id"] = import_id
                if kind == "metrics":
                    report.metrics = sorted({r["metric"] for r in rows})
                    self.repo.ensure_defined(cur, report.metrics, now())
                    report.stored = self.repo.add_values(cur, rows)
                else:
                    report.stored = self.repo.add_records(cur, rows)
        except BaseException:
            self.imports.set_status(import_id, "failed")
            raise
        self.imports.set_status(
            import_id,
            "finished",
            {"rows": report.rows, "inserted": report.stored, "rejected": len(report.rejected)},
        )
        report.seconds = time.perf_counter() - clock
        return report

    # --- reading -----------------------------------------------------------------------------

    def monthly(
        self,
        name: str,
        by: str | None = None,
        start: date | None = None,
        end: date | None = None,
        segment: str | None = None,
    ) -> dict[str, list[tuple[date, float]]]:
        """A metric per month (summed), as group -> [(month, value)], oldest first; `by`
        groups by segment, touchpoint or journey_stage ("" is none), else one group "all"."""
        if by is not None and by not in GROUPS:
            raise InvalidInput(f"group by one of {', '.join(GROUPS)}, not {by!r}")
        series: dict[str, list[tuple[date, float]]] = {}
        for month, group, value in self.repo.series(name, by, start, end, segment):
            series.setdefault(group or "(none)", []).append((month, float(value)))
        return series

    def tiles(self, only_overview: bool = True) -> list[MetricTile]:
        """Each metric (those the Overview shows, or all) against its target and trend."""
        return [
            metric_tile(d.model_dump(), self.monthly(d.name).get("all", []))
            for d in self.definitions()
            if d.on_overview or not only_overview
        ]

    def funnel_metrics(self) -> list[str]:
        """Metrics that have values per journey stage (the funnel's candidates)."""
        return self.repo.staged_metrics()

    def funnel(
        self,
        metric: str | None = None,
        segment: str | None = None,
        start: date | None = None,
        end: date | None = None,
    ) -> Funnel:
        """The journey as a funnel from a staged metric (default: the first one), with the
        negative insights and the open questions at each stage."""
        order = self.catalog.choices("journey_stage")
        candidates = self.funnel_metrics()
        metric = metric or (candidates[0] if candidates else None)
        totals = dict(self.repo.stage_totals(metric, segment, start, end)) if metric else {}
        funnel = build_funnel(metric, order, {s: float(v) for s, v in totals.items()})
        for stage in funnel.stages:
            filters = SearchFilters(
                journey_stage=[stage.stage],
                sentiment=["negative"],
                segment=[segment] if segment else [],
            )
            stage.negative_insights = self.insight_repo.page(filters, 0, 1)[1]
            stage.open_questions = self.backlog.open_at_stage(stage.stage)
        return funnel

    def customer_outcomes(self, metric: str = "nps") -> CustomerOutcomes:
        """Churn by NPS group and NPS by number of purchases, over surveyed customers whose
        answers carry a customer id."""
        return customer_outcomes(self.repo.customer_table(metric))
