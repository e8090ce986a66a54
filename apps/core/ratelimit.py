"""An atomic fixed-window rate limiter in the shared cache (Redis in production).

`cache.add` creates the window's counter only if it is missing and `cache.incr` is atomic in Redis
(INCRBY) and in the local-memory cache (under its lock), so concurrent requests never both slip
under the limit. Keys are hashed so e-mail addresses never appear in the cache in clear.
"""

import hashlib
import time
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class Rate:
    limit: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> "Rate":
        """`"5/min"`, `"20/10min"`, `"100/hour"`, `"3/day"`, `"10/30s"`."""
        amount, _, period = text.partition("/")
        units = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}
        digits = "".join(ch for ch in period if ch.isdigit())
        unit = period[len(digits) :]
        if unit not in units or not amount.isdigit():
            raise ValueError(f"Bad rate {text!r}: use '<n>/<period>' like '5/min'.")
        return cls(int(amount), int(digits or 1) * units[unit])


@dataclass(frozen=True)
class Hit:
    allowed: bool
    count: int
    retry_after: int


def _key(scope: str, subject: str, rate: Rate, window: int) -> str:
    digest = hashlib.sha256(subject.encode()).hexdigest()[:32]
    return f"rl:{scope}:{rate.limit}/{rate.seconds}:{window}:{digest}"


def ratelimit_hit(*, scope: str, subject: str, rate: Rate | str) -> Hit:
    """Count one attempt by `subject` (an IP, an e-mail...) against `rate` in `scope`."""
    rate = Rate.parse(rate) if isinstance(rate, str) else rate
    now = time.time()
    window = int(now // rate.seconds)
    key = _key(scope, subject, rate, window)
    ttl = rate.seconds + 1
    if cache.add(key, 1, timeout=ttl):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr: this request opens the window
            cache.add(key, 1, timeout=ttl)
            count = 1
    retry_after = max(1, int((window + 1) * rate.seconds - now))
    return Hit(allowed=count <= rate.limit, count=count, retry_after=retry_after)


def ratelimit_check(*, scope: str, subjects: dict[str, str], rates: dict[str, Rate | str]) -> Hit:
    """Hit every (kind -> subject) pair with its rate; the first refusal wins (all are counted)."""
    result = Hit(allowed=True, count=0, retry_after=0)
    for kind, subject in subjects.items():
        if not subject or kind not in rates:
            continue
        hit = ratelimit_hit(scope=f"{scope}:{kind}", subject=subject, rate=rates[kind])
        if not hit.allowed and result.allowed:
            result = hit
    return result
