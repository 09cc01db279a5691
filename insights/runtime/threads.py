"""How many threads the numeric libraries use in this process."""

from __future__ import annotations

from vocabulary import settings


def limit_blas_threads() -> None:
    """One BLAS thread per process by default ($OIVALLUS_BLAS_THREADS to change it, 0: as
    the library likes).

    While linking, an import or theme recomputation ran beside searches, multi-threaded BLAS
    products fought over the 2 cores (100,000 insights, bench_busy.py: search p95 145-157 ms
    while linking, 365 ms with an import and themes beside it). With one BLAS thread each and a
    person's own query product split over the cores by threads of ours (`VectorIndex`), search
    p50/p95 is 30/63 ms while linking, 45/90 ms with an import and themes beside it, and 22/30
    ms when quiet (it was 23/29 ms with the library's threads).
    """
    from threadpoolctl import threadpool_limits

    threads = settings.current().blas_threads
    if threads > 0:
        threadpool_limits(limits=threads, user_api="blas")
