"""Operations tests use the machine's Redis (see redis_fixtures)."""

from tests.ops.redis_fixtures import redis_prefix, redis_url

__all__ = ["redis_prefix", "redis_url"]
