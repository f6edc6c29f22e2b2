"""The registry layer's one error tree. Library code raises these; the CLI turns them into messages."""

from __future__ import annotations


class RegistryError(Exception):
    """Base of every error the registry layer raises."""


class NotFoundError(RegistryError):
    """The registry has no study with this ID (HTTP 404, or absent from a snapshot)."""

    def __init__(self, nct_id: str, message: str | None = None) -> None:
        self.nct_id = nct_id
        super().__init__(message or f"{nct_id}: not found in the registry")


class BadRequestError(RegistryError):
    """The registry refused the request (a 4xx other than 404/429): names the request, quotes the body."""

    def __init__(
        self,
        message: str,
        *,
        url: str | None = None,
        status: int | None = None,
        body: str | None = None,
    ) -> None:
        self.url = url
        self.status = status
        self.body = body
        super().__init__(message)


class InvalidIdError(BadRequestError):
    """A string that is not an NCT ID (checked before any request is made)."""

    def __init__(self, value: str) -> None:
        self.value = value
        super().__init__(f"{value!r} is not an NCT ID (expected NCT followed by 8 digits)")


class UnavailableError(RegistryError):
    """The registry could not be reached or kept failing (timeouts, 429, 5xx) within the retry bound."""


class MalformedResponseError(RegistryError):
    """A body that is not JSON, is truncated, or lacks the expected shape; or a corrupt snapshot file."""
