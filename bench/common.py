"""Helpers for benchmarks: timing, medians, a logged-in test client."""

import statistics
import time


def timed_ms(fn, repeat: int = 20, warmup: int = 2) -> list[float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def report(name: str, value: float, unit: str, target: str = "") -> None:
    suffix = f"  (target {target})" if target else ""
    print(f"   {name:<55} {value:10.1f} {unit}{suffix}", flush=True)


def median(samples) -> float:
    return statistics.median(samples)


def p95(samples) -> float:
    ordered = sorted(samples)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client
