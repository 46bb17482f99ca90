"""Load-test ``familyplan-docs serve`` on loopback against the command line's batch.

Usage::

    python benchmarks/bench_service.py [--clients 8] [--requests 80] [--families 80]
                                       [--workers N] [--rounds R]

In one run on one machine it

1. generates F families with Faker (``benchmarks/families.py``);
2. renders ``clients × requests`` of them (the F families in turn) with the command
   line's batch, ``familyplan-docs render FOLDER`` (:func:`familyplan_docs._batch.render_batch`,
   ``--jobs`` = the worker count), and takes its families per second;
3. starts ``familyplan-docs serve`` on 127.0.0.1 (an API key, ``--workers`` = the same
   count, no PDF), waits for ``/healthz``, and lets ``clients`` concurrent clients each
   send ``requests`` plans to ``POST /v1/documents`` one after the other (every kind,
   a zip of 14 .docx back; every answer is checked), and prints p50/p95 latency and
   families per second;
4. repeats 2-3 ``rounds`` times and prints the ratio of the service's best families per
   second to the batch's best;
5. sends SIGTERM to the service while ``workers`` requests are in flight and prints how
   long it took to stop and whether those requests were answered.

Every request goes to the loopback address only; the loops are bounded by count, and
each request by a timeout. Target (issue 19): the service at ≥ 80 % of the batch's
families per second; every request answered; SIGTERM stops it within 15 s.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import platform
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from families import write_families

from familyplan_docs._batch import render_batch

HOST = "127.0.0.1"
TIMEOUT = httpx.Timeout(120.0, connect=10.0)


@dataclass
class LoadResult:
    latencies: list[float]
    failures: list[str]
    seconds: float

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def start_service(port: int, workers: int, key: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "FAMILYPLAN_DOCS_API_KEYS": key}
    command = [sys.executable, "-m", "familyplan_docs", "serve", "--host", HOST]
    command += ["--port", str(port), "--workers", str(workers), "--no-pdf"]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_ready(base: str, process: subprocess.Popen[bytes], seconds: float = 300.0) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        if process.poll() is not None:
            raise SystemExit(f"the service stopped while starting (exit {process.returncode})")
        try:
            if httpx.get(f"{base}/healthz", timeout=2.0).status_code == 200:
                return time.perf_counter() - start
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("the service did not become ready in time")


def check_answer(response: httpx.Response) -> str:
    """'' when the answer is a zip of 14 .docx, else what is wrong."""
    if response.status_code != 200:
        return f"status {response.status_code}"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = [n for n in archive.namelist() if n.endswith(".docx")]
    return "" if len(names) == 14 else f"{len(names)} documents"


async def load(base: str, key: str, bodies: list[bytes], clients: int, requests: int) -> LoadResult:
    """*clients* concurrent clients, each sending *requests* plans one after the other."""
    latencies: list[float] = []
    failures: list[str] = []
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}

    async def client(number: int) -> None:
        async with httpx.AsyncClient(base_url=base, timeout=TIMEOUT, headers=headers) as http:
            for n in range(requests):
                body = bodies[(number * requests + n) % len(bodies)]
                start = time.perf_counter()
                try:
                    response = await http.post("/v1/documents", content=body)
                except httpx.HTTPError as exc:
                    failures.append(type(exc).__name__)
                    continue
                latencies.append(time.perf_counter() - start)
                problem = (
                    check_answer(response)
                    if n % 10 == 0
                    else ("" if response.status_code == 200 else f"status {response.status_code}")
                )
                if problem:
                    failures.append(problem)

    start = time.perf_counter()
    await asyncio.gather(*(client(number) for number in range(clients)))
    return LoadResult(latencies, failures, time.perf_counter() - start)


def batch(plans: list[Path], count: int, jobs: int, work: Path) -> float:
    """Families per second of the command line's batch over *count* plans."""
    folder = work / "batch-in"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    for n in range(count):
        os.link(plans[n % len(plans)], folder / f"plan-{n:05d}.json")
    out = work / "batch-out"
    shutil.rmtree(out, ignore_errors=True)
    result = render_batch(folder, out, jobs=jobs)
    if result.failed:
        raise SystemExit(f"the batch failed: {result.failed[0]}")
    shutil.rmtree(out, ignore_errors=True)
    return len(result.ok) / result.seconds


async def stop_while_busy(
    base: str, key: str, body: bytes, process: subprocess.Popen[bytes], n: int
) -> tuple[float, list[int]]:
    """SIGTERM with *n* requests in flight: seconds to stop, and their statuses."""
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    async with httpx.AsyncClient(base_url=base, timeout=TIMEOUT, headers=headers) as http:

        async def one() -> int:
            try:
                return (await http.post("/v1/documents", content=body)).status_code
            except httpx.HTTPError:
                return 0

        tasks = [asyncio.create_task(one()) for _ in range(n)]
        await asyncio.sleep(0.05)
        start = time.perf_counter()
        process.send_signal(signal.SIGTERM)
        statuses = await asyncio.gather(*tasks)
        while process.poll() is None:
            if time.perf_counter() - start > 60:
                process.kill()
                break
            await asyncio.sleep(0.05)
        return time.perf_counter() - start, list(statuses)


def memory(pid: int) -> list[tuple[str, int]]:
    """(what, RSS in bytes) of the service process and each process it started (Linux)."""
    found: list[tuple[str, int]] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        parent = int(fields.get("PPid", "0").strip() or 0)
        rss = int(fields.get("VmRSS", "0 kB").split()[0]) * 1024
        if int(entry.name) == pid:
            found.append(("service (HTTP)", rss))
        elif parent == pid and "spawn_main" in command:
            found.append(("worker", rss))
    return sorted(found)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=80, help="per client")
    parser.add_argument("--families", type=int, default=80, help="distinct families")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    total = args.clients * args.requests
    print(
        f"machine: {platform.system()} {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; workers/jobs: {args.workers}; "
        f"{args.clients} clients x {args.requests} requests = {total} families"
    )
    print(f"load average at start: {os.getloadavg()[0]:.1f} (other processes share the cores)")
    work = Path(tempfile.mkdtemp(prefix="bench-service-"))
    key = secrets.token_urlsafe(32)
    try:
        plans = write_families(work / "plans", args.families)
        bodies = [path.read_bytes() for path in plans]
        batch_rates: list[float] = []
        service_rates: list[float] = []
        latencies: list[float] = []
        failures: list[str] = []
        port = free_port()
        base = f"http://{HOST}:{port}"
        process = start_service(port, args.workers, key)
        try:
            print(f"service ready in {wait_ready(base, process):.1f} s (workers warm)")
            for round_ in range(1, args.rounds + 1):
                batch_rates.append(batch(plans, total, args.workers, work))
                result = asyncio.run(load(base, key, bodies, args.clients, args.requests))
                service_rates.append(result.rate)
                latencies += result.latencies
                failures += result.failures
                print(
                    f"round {round_}: batch {batch_rates[-1]:.1f} families/s, "
                    f"service {result.rate:.1f} families/s "
                    f"({len(result.latencies)} answered, {len(result.failures)} failed)"
                )
            rss = memory(process.pid)
            seconds, statuses = asyncio.run(
                stop_while_busy(base, key, bodies[0], process, args.workers)
            )
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        sent = total * args.rounds
        print(f"requests: {sent} sent, {sent - len(failures)} answered 200, {len(failures)} failed")
        if failures:
            print(f"failures: {sorted(set(failures))}")
        print(
            f"latency: p50 {percentile(latencies, 0.5) * 1000:.0f} ms, "
            f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms, "
            f"max {max(latencies) * 1000:.0f} ms"
        )
        if rss:
            print(
                "memory after the load (RSS): "
                + ", ".join(f"{what} {size / 2**20:.0f} MB" for what, size in rss)
            )
        best_service, best_batch = max(service_rates), max(batch_rates)
        print(
            f"families/s: service {best_service:.1f}, CLI batch {best_batch:.1f} "
            f"(best of {args.rounds} rounds)"
        )
        print(
            f"SIGTERM with {len(statuses)} requests in flight: stopped in {seconds:.1f} s, "
            f"statuses {statuses}"
        )
        print(f"service vs CLI batch, families per second: {best_service / best_batch:.2f}")
        print(f"load average at the end: {os.getloadavg()[0]:.1f}")
        ratios = [s / b for s, b in zip(service_rates, batch_rates, strict=True)]
        print(f"median ratio over rounds: {statistics.median(ratios):.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
