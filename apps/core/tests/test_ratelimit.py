import threading

import pytest
from django.core.cache import cache

from apps.core.ratelimit import Rate, ratelimit_check, ratelimit_hit


def test_rates_parse_from_text():
    assert Rate.parse("5/min") == Rate(5, 60)
    assert Rate.parse("20/10min") == Rate(20, 600)
    assert Rate.parse("3/day") == Rate(3, 86400)
    with pytest.raises(ValueError, match="Bad rate"):
        Rate.parse("five per minute")


def test_the_limit_allows_exactly_n_hits_per_window():
    results = [ratelimit_hit(scope="t", subject="1.2.3.4", rate="3/min").allowed for _ in range(5)]
    assert results == [True, True, True, False, False]
    assert ratelimit_hit(scope="t", subject="5.6.7.8", rate="3/min").allowed  # another subject is separate


def test_concurrent_hits_never_exceed_the_limit():
    allowed = []

    def hit() -> None:
        allowed.append(ratelimit_hit(scope="race", subject="x", rate="10/min").allowed)

    threads = [threading.Thread(target=hit) for _ in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert allowed.count(True) == 10


def test_a_check_counts_every_subject_and_reports_the_refusal():
    rates = {"ip": "100/min", "email": "2/min"}
    for _ in range(2):
        assert ratelimit_check(scope="s", subjects={"ip": "1.1.1.1", "email": "a@x.org"}, rates=rates).allowed
    hit = ratelimit_check(scope="s", subjects={"ip": "9.9.9.9", "email": "a@x.org"}, rates=rates)
    assert not hit.allowed
    assert hit.retry_after >= 1


def test_the_cache_never_holds_the_subject_in_clear():
    ratelimit_hit(scope="priv", subject="someone@example.com", rate="3/min")
    keys = list(getattr(cache, "_cache", {}).keys()) if hasattr(cache, "_cache") else []
    assert not any("someone@example.com" in str(k) for k in keys)
