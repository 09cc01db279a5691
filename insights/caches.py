"""What every view of one knowledge base caches in memory (shared through `Core`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from vocabulary.backlog import Question


@dataclass
class Caches:
    """Each field is None until first read, and set back to None when it goes stale."""

    # The whole backlog with priorities, read at (database generation, day): a new day or
    # any committed write makes it stale (insights/backlog.py).
    questions: tuple[tuple[int, date], list[Question]] | None = None
    # Ids, vectors and languages of the open questions, until a question changes
    # (insights/answers.py).
    question_vectors: tuple[list[int], np.ndarray, list[str]] | None = None
