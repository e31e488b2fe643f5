"""Domain errors: raised by services, answered as problem details by the server."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldError:
    field: str
    message: str


class ProblemError(Exception):
    status = 400
    title = "Bad request"

    def __init__(self, detail: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []

    @classmethod
    def field(cls, field: str, message: str) -> ProblemError:
        return cls(f"{field}: {message}", [FieldError(field, message)])


class Invalid(ProblemError):
    status = 422
    title = "Invalid data"


class NotFound(ProblemError):
    status = 404
    title = "Not found"


class Conflict(ProblemError):
    status = 409
    title = "Conflict"


class NotAuthenticated(ProblemError):
    status = 401
    title = "Authentication required"


class Forbidden(ProblemError):
    status = 403
    title = "Forbidden"
