"""An open-loop client: requests at a fixed rate, latency measured from the scheduled instant.

wrk is closed-loop: each connection sends its next request only after the previous answer, so
a stall delays the requests that should have been sent meanwhile and they are never timed
(coordinated omission). wrk2 fixes that but is not packaged by Debian, and wrk's Lua `delay()`
paces per connection yet still starts its clock at the actual send. This client keeps a
schedule (one request every 1/rate seconds), sends each one on an idle keep-alive connection
(opening another if all are busy), and times it from the instant it was *due*, so a slow
server shows up in the percentiles. Plain asyncio streams and hand-written HTTP/1.1 keep the
client's own cost per request to tens of microseconds.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class PacedResult:
    rate: float
    sent: int
    ok: int
    errors: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    late_ms: float  # how far behind schedule the client itself fell at worst
    samples_ms: list[float] = field(default_factory=list, repr=False)  # with keep_samples


def summarize(values_ms: list[float], *, rate: float, sent: int, ok: int, errors: int,
              late_ms: float = 0.0) -> PacedResult:
    values = sorted(values_ms)
    return PacedResult(rate=rate, sent=sent, ok=ok, errors=errors, p50_ms=percentile(values, 50),
                       p90_ms=percentile(values, 90), p99_ms=percentile(values, 99),
                       max_ms=values[-1] if values else 0.0, late_ms=late_ms)


def percentile(sorted_values: list[float], pct: float) -> float:
    if not sorted_values:
        return 0.0
    rank = max(0, min(len(sorted_values) - 1, int(round(pct / 100 * len(sorted_values))) - 1))
    return sorted_values[rank]


IDLE_LIMIT_S = 4.0  # servers close idle keep-alive connections (uvicorn after 5 s)


class _Conn:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        self.used = time.perf_counter()

    async def exchange(self, request: bytes) -> int:
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length, chunked = 0, False
        for line in head.split(b"\r\n"):
            lower = line.lower()
            if lower.startswith(b"content-length:"):
                length = int(line[15:].strip())
            elif lower.startswith(b"transfer-encoding:") and b"chunked" in lower:
                chunked = True  # WireMock streams bodies this way
        if chunked:
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                await self.reader.readexactly(size + 2)  # the chunk and its CRLF
                if size == 0:
                    break
        elif length:
            await self.reader.readexactly(length)
        return status


async def _run(port: int, make_request: Callable[[int], bytes], rate: float, seconds: float,
               expect: int, keep_samples: bool) -> PacedResult:
    idle: list[_Conn] = []
    latencies: list[float] = []
    errors = 0
    ok = 0
    late = 0.0
    total = int(rate * seconds)
    interval = 1.0 / rate

    async def fresh() -> _Conn:
        return _Conn(*await asyncio.open_connection("127.0.0.1", port))

    async def one(index: int, due: float) -> None:
        nonlocal errors, ok
        conn = None
        while idle and conn is None:
            conn = idle.pop()
            if time.perf_counter() - conn.used > IDLE_LIMIT_S:  # the server may have closed it
                conn.writer.close()
                conn = None
        request = make_request(index)
        try:
            if conn is None:
                conn = await fresh()
                status = await conn.exchange(request)
            else:
                try:
                    status = await conn.exchange(request)
                except (ConnectionError, asyncio.IncompleteReadError):
                    # a reused connection closed by the server meanwhile: not the server's
                    # answer to this request, so retry once on a new one (still timed from due)
                    conn.writer.close()
                    conn = await fresh()
                    status = await conn.exchange(request)
        except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
            errors += 1
            if conn is not None:
                conn.writer.close()
            return
        conn.used = time.perf_counter()
        latencies.append(time.perf_counter() - due)
        if status == expect:
            ok += 1
        else:
            errors += 1
        idle.append(conn)

    start = time.perf_counter() + 0.05
    tasks = []
    for index in range(total):
        due = start + index * interval
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        else:
            late = max(late, -delay)
        tasks.append(asyncio.create_task(one(index, due)))
    await asyncio.gather(*tasks)
    for conn in idle:
        conn.writer.close()
    values = [v * 1000 for v in latencies]
    result = summarize(values, rate=rate, sent=total, ok=ok, errors=errors, late_ms=late * 1000)
    if keep_samples:
        result.samples_ms = values
    return result


def get_request(path: str, headers: dict[str, str]) -> bytes:
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1",
             *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def run_paced(port: int, make_request: Callable[[int], bytes], *, rate: float = 200.0,
              seconds: float = 10.0, expect: int = 200, keep_samples: bool = False) -> PacedResult:
    return asyncio.run(_run(port, make_request, rate, seconds, expect, keep_samples))


def info_requests(lo: int, hi: int, seed: int = 1, token: str = "hl-demo-token",
                  path: str = "/purchase/info") -> Callable[[int], bytes]:
    """GET info for a random stored order in [lo, hi] (fixed seed: the same sequence)."""
    rng = random.Random(seed)
    headers = {"Authorization": f"Bearer {token}"}
    return lambda _i: get_request(f"{path}?order_id={rng.randint(lo, hi)}", headers)
