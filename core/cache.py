"""Caches that degrade instead of failing: with Redis down, or the database cache's table missing, reads miss
and writes are dropped.

The cache only ever holds what can be recomputed (dashboard figures, rate-limit counters, authorisation
generations), so an outage must slow the portal down, not take its pages with it, and a cache that cannot be
written must never break a write to the database (a signal handler writes the cache inside `migrate`,
before any cache table exists).
"""

import logging

from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import DatabaseError, router, transaction
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)
OUTAGE = (RedisConnectionError, RedisTimeoutError, OSError)


def _degrade(method, fallback):
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except OUTAGE as exc:
            log.warning("cache unavailable (%s): %s degraded", type(exc).__name__, method.__name__)
            return fallback(*args, **kwargs) if callable(fallback) else fallback

    wrapper.__name__ = method.__name__
    return wrapper


class ReusedClientRedisCacheClient(RedisCacheClient):
    """One redis.Redis client per connection pool, reused. Django makes a new one for every cache call, and
    redis-py's constructor registers ~170 response callbacks each time: ~0.1 ms of CPU per call, two or three calls
    per page (session, authorisation, dashboard). The client is stateless over its pool (which is thread-safe and
    reconnects after a fork)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None or client.connection_pool is not pool:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    get = _degrade(RedisCache.get, lambda key, default=None, version=None: default)
    get_many = _degrade(RedisCache.get_many, {})
    set = _degrade(RedisCache.set, None)
    set_many = _degrade(RedisCache.set_many, [])
    add = _degrade(RedisCache.add, False)
    delete = _degrade(RedisCache.delete, False)
    delete_many = _degrade(RedisCache.delete_many, None)
    touch = _degrade(RedisCache.touch, False)
    has_key = _degrade(RedisCache.has_key, False)
    clear = _degrade(RedisCache.clear, None)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except OUTAGE:
            raise ValueError("cache unavailable") from None

    # INCR, and on the first hit set the window's expiry: one command, atomic (a Lua script runs alone).
    _COUNT = "local c = redis.call('INCR', KEYS[1]) if c == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end return c"

    def count(self, key, timeout: int, version=None) -> int:
        """Add one to the counter `key` (created with `timeout` if missing) and return it, in one round trip
        where add() then incr() took three (incr checks that the key exists). The counter is the plain integer
        add()/incr() keep. Raises an OUTAGE error when Redis is down; the caller decides (rate limits fail open)."""
        key = self.make_and_validate_key(key, version=version)
        client = self._cache.get_client(key, write=True)
        script = self.__dict__.get("_count_script")
        if script is None:
            script = self._count_script = client.register_script(self._COUNT)
        return script(keys=[key], args=[int(timeout)], client=client)


def _guarded_db(method, fallback):
    """Run a database-cache call in its own savepoint, so that a failure (no table yet, a lock timeout) rolls
    back only the cache statement and leaves the caller's transaction usable."""

    def wrapper(self, *args, **kwargs):
        try:
            with transaction.atomic(using=router.db_for_write(self.cache_model_class)):
                return method(self, *args, **kwargs)
        except DatabaseError as exc:
            log.warning("database cache unavailable (%s): %s degraded", type(exc).__name__, method.__name__)
            return fallback(*args, **kwargs) if callable(fallback) else fallback

    wrapper.__name__ = method.__name__
    return wrapper


class ResilientDatabaseCache(DatabaseCache):
    """Django's database cache, for when no REDIS_URL is set (`make run`), degraded like the Redis one."""

    get = _guarded_db(DatabaseCache.get, lambda key, default=None, version=None: default)
    get_many = _guarded_db(DatabaseCache.get_many, {})
    set = _guarded_db(DatabaseCache.set, None)
    add = _guarded_db(DatabaseCache.add, False)
    touch = _guarded_db(DatabaseCache.touch, False)
    delete = _guarded_db(DatabaseCache.delete, False)
    delete_many = _guarded_db(DatabaseCache.delete_many, None)
    has_key = _guarded_db(DatabaseCache.has_key, False)
    clear = _guarded_db(DatabaseCache.clear, None)
