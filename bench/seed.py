"""Bulk-load stored orders straight into a fresh SQLite state file (not through HTTP).

The schema is created by the emulator itself (create_app), then rows go in with one
`executemany` per table in a single transaction, columns taken from the emulator's own table
definitions so the seed follows the models.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

GMS_DEMO_PRODUCT = "00000000-0000-4000-a000-000000000001"


def create_schema(db_path: Path) -> None:
    from emulator.app import create_app
    from emulator.settings import Settings

    app = create_app(Settings(database_url=f"sqlite:///{db_path}"))
    app.state.runtime.start()  # the schema and the default sandbox
    app.state.runtime.db.dispose()


def _insert(db_path: Path, table, rows: Iterable[dict]) -> int:
    columns = [c.name for c in table.columns if c.name != "pk"]
    sql = (f"INSERT INTO {table.name} ({', '.join(columns)}) "
           f"VALUES ({', '.join('?' for _ in columns)})")
    conn = sqlite3.connect(db_path)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=OFF")  # a throwaway file: durability is not needed
        count = 0

        def values() -> Iterator[tuple]:
            nonlocal count
            for row in rows:
                count += 1
                yield tuple(row.get(c) for c in columns)

        with conn:
            conn.executemany(sql, values())
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return count


def hl_completed_orders(db_path: Path, count: int, *, first: int = 1, account: int = 1,
                        environment: str = "production", sandbox: str = "default") -> float:
    """`count` completed one-line orders numbered first..first+count-1 (asset 1000001).
    Returns the seconds the insert took."""
    from emulator.lifecycle.progression import Progression
    from emulator.vendors.hlconnect.models import HLOrderLine

    now = time.time()
    progression = Progression(kind="immediate", outcome="complete").model_dump_json()
    base = {"sandbox": sandbox, "environment": environment, "account": account,
            "order_line_id": 1, "parent_line_id": None, "asset_id": 1000001,
            "customer": "bench", "quantity": 1, "unit_price": 4.99, "line_item_price": 4.99,
            "country_code": "US", "status": "COMPLETED", "progression": progression,
            "polls": 1, "created_at": now, "finished_at": now, "failure_message": None}
    started = time.perf_counter()
    _insert(db_path, HLOrderLine.__table__,
            ({**base, "order_number": n} for n in range(first, first + count)))
    return time.perf_counter() - started


def gms_purchases(db_path: Path, count: int, *, product: str = GMS_DEMO_PRODUCT,
                  sandbox: str = "default") -> float:
    """`count` active purchases of one product, each by a different user."""
    from emulator.vendors.gmodstore.models import GmsPurchase

    now = time.time() - count
    started = time.perf_counter()
    _insert(db_path, GmsPurchase.__table__, (
        {"sandbox": sandbox, "id": f"00000000-0000-4000-c000-{i:012d}", "product_id": product,
         "user_id": str(76561198100000000 + i), "status": "active",
         "created_at": now + i, "updated_at": now + i}
        for i in range(count)))
    return time.perf_counter() - started
