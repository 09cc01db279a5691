"""Webhooks out: all the SQL of the hooks and their deliveries."""

from __future__ import annotations

import json
from datetime import datetime

from storage.cursor import Cursor
from storage.db import Database
from vocabulary.webhooks import Delivery, Hook

_HOOK = (
    "id, name, url, kind, events, language, allow_private, enabled, failures, disabled_at,"
    " disabled_why, created_by, created_at, owner, cadence, items_until, summary_on"
)
_DELIVERY = (
    "id, hook_id, event, subject, created_at, next_at, attempts, state, last_status,"
    " last_response, last_at"
)


def _names(columns: str) -> list[str]:
    return [c.strip() for c in columns.split(",")]


def _hook(row) -> Hook:
    values = dict(zip(_names(_HOOK), row, strict=True))
    values["events"] = [e for e in str(values["events"]).split(",") if e]
    return Hook.model_validate(values)


def _delivery(row) -> Delivery:
    values = dict(zip(_names(_DELIVERY), row, strict=True))
    values["subject"] = json.loads(values["subject"])
    return Delivery.model_validate(values)


class WebhookRepository:
    """Typed access to the webhooks and webhook_deliveries tables."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def create(self, cur: Cursor, hook: Hook, secret: str) -> None:
        """Record a new hook with its signing secret."""
        cur.execute(
            f"INSERT INTO webhooks ({_HOOK}, secret) VALUES ({', '.join('?' * 18)})",
            [
                hook.id,
                hook.name,
                hook.url,
                hook.kind,
                ",".join(hook.events),
                hook.language,
                hook.allow_private,
                hook.enabled,
                hook.failures,
                hook.disabled_at,
                hook.disabled_why,
                hook.created_by,
                hook.created_at,
                hook.owner,
                hook.cadence,
                hook.items_until,
                hook.summary_on,
                secret,
            ],
        )

    def hooks(self) -> list[Hook]:
        """Every admin's hook (not a person's own chat), oldest first."""
        with self.db.read() as cur:
            rows = cur.execute(
                f"SELECT {_HOOK} FROM webhooks WHERE owner IS NULL ORDER BY created_at, id"
            ).fetchall()
        return [_hook(r) for r in rows]

    def owned(self, owner: str | None = None) -> list[Hook]:
        """People's own chats (of `owner` alone when given), oldest first."""
        where, params = ("owner = ?", [owner]) if owner else ("owner IS NOT NULL", [])
        with self.db.read() as cur:
            rows = cur.execute(
                f"SELECT {_HOOK} FROM webhooks WHERE {where} ORDER BY created_at, id", params
            ).fetchall()
        return [_hook(r) for r in rows]

    def set_chat(self, cur: Cursor, hook_id: str, cadence: str, items_until, summary_on) -> None:
        """A person's chat: how often, and how far its items are queued."""
        cur.execute(
            "UPDATE webhooks SET cadence = ?, items_until = ?, summary_on = ? WHERE id = ?",
            [cadence, items_until, summary_on, hook_id],
        )

    def hook(self, hook_id: str) -> tuple[Hook, str] | None:
        """One hook and its secret."""
        with self.db.read() as cur:
            rows = cur.execute(
                f"SELECT {_HOOK}, secret FROM webhooks WHERE id = ?", [hook_id]
            ).fetchall()
        return (_hook(rows[0][:-1]), str(rows[0][-1])) if rows else None

    def listening(self, cur: Cursor) -> list[tuple[str, list[str]]]:
        """The enabled hooks and the events each wants."""
        rows = cur.execute(
            "SELECT id, events FROM webhooks WHERE enabled AND owner IS NULL"
        ).fetchall()
        return [(str(r[0]), str(r[1]).split(",")) for r in rows]

    def set_enabled(
        self, cur: Cursor, hook_id: str, enabled: bool, at: datetime | None, why: str | None
    ) -> bool:
        """Turn a hook on (its count of failures starts again) or off; False when unknown."""
        rows = cur.execute(
            "UPDATE webhooks SET enabled = ?, disabled_at = ?, disabled_why = ?,"
            " failures = CASE WHEN ? THEN 0 ELSE failures END WHERE id = ? RETURNING id",
            [enabled, at, why, enabled, hook_id],
        ).fetchall()
        return bool(rows)

    def delete(self, cur: Cursor, hook_id: str) -> bool:
        """Remove a hook and its deliveries; False when unknown."""
        cur.execute("DELETE FROM webhook_deliveries WHERE hook_id = ?", [hook_id])
        return bool(
            cur.execute("DELETE FROM webhooks WHERE id = ? RETURNING id", [hook_id]).fetchall()
        )

    def failed_once_more(self, cur: Cursor, hook_id: str) -> int:
        """Count one more failure in a row; returns the count."""
        rows = cur.execute(
            "UPDATE webhooks SET failures = failures + 1 WHERE id = ? RETURNING failures", [hook_id]
        ).fetchall()
        return int(rows[0][0]) if rows else 0

    def succeeded(self, cur: Cursor, hook_id: str) -> None:
        """A delivery went through: the count of failures starts again."""
        cur.execute("UPDATE webhooks SET failures = 0 WHERE id = ?", [hook_id])

    def added_by_hand(self, cur: Cursor, insight_ids: list[int]) -> list[int]:
        """Which of these insights are new (not linked before) and came in one by one (by a
        person or the API), not with an import."""
        if not insight_ids:
            return []
        marks = ", ".join("?" * len(insight_ids))
        rows = cur.execute(
            f"SELECT i.id FROM insights i WHERE i.id IN ({marks}) AND i.linked_at IS NULL"
            " AND NOT EXISTS (SELECT 1 FROM import_items m WHERE m.insight_id = i.id)"
            " ORDER BY i.id",
            list(insight_ids),
        ).fetchall()
        return [int(r[0]) for r in rows]

    def queue(self, cur: Cursor, deliveries: list[Delivery]) -> None:
        """Queue deliveries, waiting from their `next_at`."""
        for delivery in deliveries:
            cur.execute(
                "INSERT INTO webhook_deliveries (id, hook_id, event, subject, created_at,"
                " next_at, attempts, state) VALUES (?, ?, ?, ?, ?, ?, 0, 'waiting')",
                [
                    delivery.id,
                    delivery.hook_id,
                    delivery.event,
                    json.dumps(delivery.subject),
                    delivery.created_at,
                    delivery.next_at,
                ],
            )

    def due(self, at: datetime, limit: int) -> list[Delivery]:
        """Waiting deliveries whose time has come, oldest first."""
        with self.db.read() as cur:
            columns = ", ".join("d." + c for c in _names(_DELIVERY))
            rows = cur.execute(
                f"SELECT {columns} FROM webhook_deliveries d JOIN webhooks h ON h.id = d.hook_id"
                " WHERE h.enabled AND d.state = 'waiting' AND d.next_at <= ?"
                " ORDER BY d.next_at, d.created_at, d.id LIMIT ?",
                [at, limit],
            ).fetchall()
        return [_delivery(r) for r in rows]

    def record(
        self,
        cur: Cursor,
        delivery_id: str,
        state: str,
        attempts: int,
        next_at: datetime | None,
        status: int | None,
        response: str | None,
        at: datetime,
    ) -> None:
        """What one try got, and what comes next."""
        cur.execute(
            "UPDATE webhook_deliveries SET state = ?, attempts = ?, next_at = ?, last_status = ?,"
            " last_response = ?, last_at = ? WHERE id = ?",
            [state, attempts, next_at, status, response, at, delivery_id],
        )

    def deliveries(self, hook_id: str, limit: int = 50) -> list[Delivery]:
        """A hook's latest deliveries, newest first."""
        with self.db.read() as cur:
            rows = cur.execute(
                f"SELECT {_DELIVERY} FROM webhook_deliveries WHERE hook_id = ?"
                " ORDER BY created_at DESC, id DESC LIMIT ?",
                [hook_id, limit],
            ).fetchall()
        return [_delivery(r) for r in rows]
