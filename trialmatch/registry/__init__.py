"""Registry layer: where registry facts come from (live API v2 or an offline snapshot)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from trialmatch.registry.interface import (
    BadRequestError,
    GetResult,
    InvalidIdError,
    MalformedResponseError,
    NotFoundError,
    Query,
    Registry,
    RegistryError,
    UnavailableError,
    normalize_nct_id,
)
from trialmatch.registry.study import RegistryDate, Study

DEFAULT_API_URL = "https://clinicaltrials.gov/api/v2"

__all__ = [
    "DEFAULT_API_URL",
    "BadRequestError",
    "GetResult",
    "InvalidIdError",
    "MalformedResponseError",
    "NotFoundError",
    "Query",
    "Registry",
    "RegistryDate",
    "RegistryError",
    "RegistrySettings",
    "Study",
    "UnavailableError",
    "normalize_nct_id",
    "open_registry",
]


def default_cache_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("trialmatch")) / "http_cache.sqlite"


@dataclass(frozen=True)
class RegistrySettings:
    """How to reach the registry: the values of --registry, --api-url, --cache and friends."""

    source: str = "api"
    """``"api"`` for the live API, otherwise a snapshot directory or .zip path."""
    api_url: str | None = None
    """Base URL of the API; default ``TRIALMATCH_API_URL`` or the real one."""
    cache_path: Path | None = None
    """SQLite HTTP cache file; default ``TRIALMATCH_CACHE`` or the user cache directory."""
    use_cache: bool = True
    """False turns the HTTP cache off (--no-cache)."""
    cache_expire_hours: float = 24.0
    """HTTP cache expiry in hours."""
    rate: float = 1.0
    """Client-side rate limit in requests per second (robots.txt Crawl-delay: 1)."""

    def resolved_api_url(self) -> str:
        return (self.api_url or os.environ.get("TRIALMATCH_API_URL") or DEFAULT_API_URL).rstrip("/")

    def resolved_cache_path(self) -> Path | None:
        if not self.use_cache:
            return None
        if self.cache_path:
            return Path(self.cache_path)
        env = os.environ.get("TRIALMATCH_CACHE")
        return Path(env) if env else default_cache_path()


def open_registry(settings: RegistrySettings) -> Registry:
    """The Registry for these settings: the live API client or a snapshot source."""
    if settings.source == "api":
        from trialmatch.registry.api import ApiRegistry

        return ApiRegistry(
            base_url=settings.resolved_api_url(),
            cache_path=settings.resolved_cache_path(),
            cache_expire_hours=settings.cache_expire_hours,
            rate=settings.rate,
        )
    from trialmatch.registry.snapshot import SnapshotRegistry

    return SnapshotRegistry(Path(settings.source))
