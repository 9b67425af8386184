"""The shared quota (core/quota.py): a moving window in Redis that every process draws from;
INSEE's and the AI API's quotas are two of them."""

import time

import pytest

from foxreviews.core.exceptions import ApplicationError
from foxreviews.core.quota import SharedQuota


def quota(rate: str, key: str = "core-test") -> SharedQuota:
    from django.conf import settings

    return SharedQuota(
        storage_url=settings.AI_RATE_LIMIT_URL, rate=rate, namespace="quota-test", key=key,
        setting="TEST_RATE",
    )  # fmt: skip


def test_beyond_the_rate_nothing_is_given_until_the_window_moves():
    three = quota("3/second")
    assert [three.try_acquire() for _ in range(4)] == [True, True, True, False]
    assert three.acquire(max_wait=0) is None  # no waiting allowed: no permit
    assert 0 < three.seconds_to_next() <= 1
    started = time.monotonic()
    waited = three.acquire(max_wait=5)
    assert waited is not None and 0 < waited <= 1.2
    assert 0 < time.monotonic() - started <= 1.5
    assert quota("3/second", key="another").try_acquire() is True  # another key, another quota


def test_a_rate_that_is_not_one_names_its_setting():
    with pytest.raises(ApplicationError, match="TEST_RATE : 'vite' n'est pas un débit"):
        quota("vite")
