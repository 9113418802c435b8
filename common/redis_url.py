"""The Redis URL check shared by every config that names a Redis (cache, tenancy)."""

REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


def check_redis_url(url: str) -> str:
    """`url` unchanged, or ValueError naming the schemes redis-py accepts."""
    if not url.startswith(REDIS_SCHEMES):
        raise ValueError(f"redis_url must start with redis://, rediss:// or unix://, got {url!r}")
    return url
