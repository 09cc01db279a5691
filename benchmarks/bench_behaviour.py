"""Behaviour at scale: import speed of metrics and purchases, and the Overview with 1,000,000
metric rows.

No real public purchase log can be fetched here (no network beyond the package registries), so
the purchase file has the columns and shape of the UCI Online Retail log (InvoiceNo, StockCode,
Quantity, InvoiceDate, UnitPrice, CustomerID, Country; ~4,000 customers, repeat buyers with a
long tail), generated with a fixed seed.

1. --rows metric values (default 1,000,000: 10 metrics x 10 segments x 10 touchpoints x
   1,000 days) imported from one long CSV: rows/s (reported).
2. The Overview with two of those metrics on it: median of 5 runs (target <= 500 ms).
3. --purchases purchase rows (default 500,000) imported as customer records: rows/s.

Usage: python benchmarks/bench_behaviour.py [--rows 1000000] [--purchases 500000]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from insights import KnowledgeBase  # noqa: E402
from tests.doubles import HashingEmbedder  # noqa: E402


def metrics_file(path: Path, rows: int) -> int:
    metrics = [f"metric{m}" for m in range(10)]
    segments = [f"segment{s}" for s in range(10)]
    touchpoints = [f"touchpoint{t}" for t in range(10)]
    days = max(1, rows // 1000)
    start = date(2024, 1, 1)
    written = 0
    with open(path, "w", encoding="utf-8") as out:
        out.write("date,metric,segment,touchpoint,value\n")
        for d in range(days):
            day = (start + timedelta(days=d)).isoformat()
            for m in metrics:
                for s in segments:
                    for t in touchpoints:
                        out.write(f"{day},{m},{s},{t},{(d * 7 + len(m + s + t)) % 500}\n")
                        written += 1
    return written


def retail_file(path: Path, rows: int) -> None:
    rng = random.Random(11)
    customers = [f"{12346 + n}" for n in range(4000)]
    weights = [1 / (1 + n) ** 0.8 for n in range(len(customers))]  # a few buy very often
    start = date(2010, 12, 1)
    with open(path, "w", encoding="utf-8") as out:
        out.write("InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n")
        for n in range(rows):
            customer = rng.choices(customers, weights)[0]
            day = start + timedelta(days=rng.randrange(373))
            out.write(
                f"{536365 + n // 20},{85123 + rng.randrange(3000)},{rng.randint(1, 24)},"
                f"{day.isoformat()},{rng.choice([0.85, 1.25, 2.55, 4.95])},{customer},"
                "United Kingdom\n"
            )


def overview_ms(db: Path) -> float:
    from streamlit.testing.v1 import AppTest

    import insights.runtime.startup

    insights.runtime.startup.default_embedder = HashingEmbedder  # page time, not quality
    os.environ["OIVALLUS_DB"] = str(db)
    os.environ["OIVALLUS_JOBS"] = "0"
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.session_state["user"] = "admin"
    at.run()  # opens the knowledge base (cached); the first run is not timed
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        at.run()
        runs.append(time.perf_counter() - started)
    assert not at.exception, at.exception
    return statistics.median(runs) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--purchases", type=int, default=500_000)
    args = parser.parse_args()
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = folder / "b.duckdb"
        kb = KnowledgeBase.open(db, embedder=HashingEmbedder())
        kb.people.ensure_admin("a benchmark password")
        written = metrics_file(folder / "metrics.csv", args.rows)
        report = kb.metrics.import_file(folder / "metrics.csv")
        results["metric_rows"] = written
        results["metric_import_rows_per_s"] = report.rows_per_second
        results["metric_values_live"] = kb.repos.metrics.values_count()
        for name in ("metric0", "metric1"):
            kb.metrics.show_on_overview(name)
        retail_file(folder / "retail.csv", args.purchases)
        purchases = kb.metrics.import_file(folder / "retail.csv", kind="purchase")
        results["purchase_rows"] = purchases.rows
        results["purchase_import_rows_per_s"] = purchases.rows_per_second
        kb.close()
        results["overview_page_ms"] = overview_ms(db)
    ok = True
    for key, value in results.items():
        verdict = ""
        if key == "overview_page_ms":
            passed = value <= 500
            ok &= passed
            verdict = f"  target <= 500: {'PASS' if passed else 'FAIL'}"
        print(f"{key:28} {value:12,.1f}{verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
