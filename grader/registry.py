"""One small generic registry: checks, runners and sandbox probes are looked up by id, never by if/elif."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class RegistryError(KeyError):
    """A duplicate or unknown id; the message lists what is known."""

    def __str__(self) -> str:
        return str(self.args[0])


class Registry(Generic[T]):
    """Maps ids to entries; registering an id twice raises so two modules can never silently shadow each other."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._entries: dict[str, T] = {}

    def add(self, key: str, entry: T) -> T:
        if key in self._entries:
            raise RegistryError(f"duplicate {self.kind} id {key!r}")
        self._entries[key] = entry
        return entry

    def register(self, key: str) -> Callable[[T], T]:
        def decorate(entry: T) -> T:
            return self.add(key, entry)

        return decorate

    def __getitem__(self, key: str) -> T:
        try:
            return self._entries[key]
        except KeyError:
            known = ", ".join(sorted(self._entries)) or "none"
            raise RegistryError(f"unknown {self.kind} {key!r} (known: {known})") from None

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._entries))

    def __len__(self) -> int:
        return len(self._entries)
