"""Domain errors raised by services; pages and the API turn them into messages."""
from __future__ import annotations


class DomainError(Exception):
    status = 400

    def __init__(self, errors: dict[str, str] | str):
        self.errors = errors if isinstance(errors, dict) else {"_": errors}
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))


class ValidationError(DomainError):
    status = 422


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409


class Gone(DomainError):
    status = 410
