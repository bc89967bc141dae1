"""Errors the domain raises; every interface turns them into its own 4xx format."""

from typing import Any


class InvalidInput(Exception):
    """The input breaks a business rule. `errors` maps field names to lists of messages
    (or, for nested fields such as attributes, to a mapping of the same shape)."""

    def __init__(self, errors: dict[str, Any]) -> None:
        super().__init__(errors)
        self.errors = errors

    @classmethod
    def field(cls, name: str, message: str) -> "InvalidInput":
        return cls({name: [message]})


class RateLimited(Exception):
    """Too many calls from one client in the window; `wait` is the seconds until it may retry."""

    def __init__(self, wait: int) -> None:
        super().__init__(f"Too many requests: try again in {wait} seconds.")
        self.wait = wait
