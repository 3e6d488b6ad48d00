"""A small load generator in Python, for machines without wrk.

It is slower than wrk, so the absolute figures are lower; the ratios between endpoints, which
is what bench.py judges, stay meaningful because every endpoint is measured the same way. Each
request uses its own connection (`Connection: close`, as gunicorn's sync workers do anyway),
and the work is spread over one process per core so that the client is not one busy core.
"""

import asyncio
import multiprocessing
import os
import time
from urllib.parse import urlsplit


def _request_bytes(url: str, method: str, body: str, cookie: str) -> tuple[str, int, bytes]:
    parts = urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    lines = [
        f"{method} {path} HTTP/1.1",
        f"Host: {parts.hostname}:{parts.port}",
        "Connection: close",
        "User-Agent: clinic-bench",
    ]
    if cookie:
        lines.append(f"Cookie: {cookie}")
    payload = body.encode()
    if method == "POST":
        lines.append("Content-Type: application/x-www-form-urlencoded")
        lines.append(f"Content-Length: {len(payload)}")
    raw = ("\r\n".join(lines) + "\r\n\r\n").encode() + payload
    return parts.hostname or "127.0.0.1", parts.port or 80, raw


async def _one_connection(host, port, raw, expect, deadline, latencies, counts):
    while time.monotonic() < deadline:
        started = time.perf_counter()
        try:
            reader, writer = await asyncio.open_connection(host, port)
            writer.write(raw)
            await writer.drain()
            data = await asyncio.wait_for(reader.read(), timeout=10)
            writer.close()
        except (TimeoutError, OSError):
            counts["socket_errors"] += 1
            continue
        latencies.append(int((time.perf_counter() - started) * 1_000_000))
        try:
            status = int(data.split(b" ", 2)[1])
        except (IndexError, ValueError):
            status = 0
        if status != expect:
            counts["unexpected"] += 1
            counts["unexpected_status"] = counts["unexpected_status"] or status


def _worker(args) -> tuple[list[int], dict]:
    url, method, body, cookie, expect, connections, duration = args
    host, port, raw = _request_bytes(url, method, body, cookie)
    latencies: list[int] = []
    counts = {"unexpected": 0, "unexpected_status": 0, "socket_errors": 0}

    async def run() -> None:
        deadline = time.monotonic() + duration
        await asyncio.gather(
            *(
                _one_connection(host, port, raw, expect, deadline, latencies, counts)
                for _ in range(connections)
            )
        )

    asyncio.run(run())
    return latencies, counts


def _percentile(sorted_values: list[int], pct: float) -> int:
    if not sorted_values:
        return 0
    index = min(len(sorted_values) - 1, round(pct / 100 * (len(sorted_values) - 1)))
    return sorted_values[index]


def run_load(
    url: str,
    *,
    method: str = "GET",
    body: str = "",
    cookie: str = "",
    expect: int = 200,
    connections: int = 16,
    duration: float = 10,
) -> dict:
    """The same figures as bench/wrk.lua prints."""
    processes = max(1, min(os.cpu_count() or 1, connections))
    shares = [connections // processes + (i < connections % processes) for i in range(processes)]
    with multiprocessing.Pool(processes) as pool:
        parts = pool.map(
            _worker, [(url, method, body, cookie, expect, n, duration) for n in shares]
        )
    latencies = sorted(value for part, _ in parts for value in part)
    unexpected_status = next(
        (c["unexpected_status"] for _, c in parts if c["unexpected_status"]), 0
    )
    return {
        "requests": len(latencies),
        "duration_us": int(duration * 1_000_000),
        "unexpected": sum(c["unexpected"] for _, c in parts),
        "unexpected_status": unexpected_status,
        "socket_errors": sum(c["socket_errors"] for _, c in parts),
        "p50_us": _percentile(latencies, 50),
        "p95_us": _percentile(latencies, 95),
        "p99_us": _percentile(latencies, 99),
        "max_us": latencies[-1] if latencies else 0,
    }
