"""The catalogue itself: messages by id in English and Korean, `Text` (an id and its parameters, rendered in the
reader's language when shown), and the helpers to define, say and render them. The area modules of this package
register into it; `grader.messages` gathers them all."""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from grader.messages.particles import PAIRS, particle
from grader.registry import Registry

LANGS = ("en", "ko")
DEFAULT_LANG = "en"


@dataclass(frozen=True)
class Message:
    """One catalogue entry: the same `str.format` template in each language, with the same placeholders."""

    en: str
    ko: str

    def template(self, lang: str) -> str:
        return self.ko if lang == "ko" else self.en


CATALOGUE: Registry[Message] = Registry("message")


def define(entries: Mapping[str, tuple[str, str]]) -> None:
    """Register an area's messages: `{id: (english, korean)}`."""
    for message_id, (en, ko) in entries.items():
        CATALOGUE.add(message_id, Message(en, ko))


@dataclass(frozen=True)
class Text:
    """A message not yet rendered: its catalogue id and the values of its placeholders."""

    id: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def render(self, lang: str = DEFAULT_LANG) -> str:
        values = {key: render(value, lang) for key, value in self.params.items()}
        return _FORMATTER.format(CATALOGUE[self.id].template(check_lang(lang)), **values)


class _Formatter(string.Formatter):
    """`str.format`, plus `{name:을}`: the Korean particle that follows the value of `name` (`particles`)."""

    def format_field(self, value: Any, format_spec: str) -> Any:
        if format_spec in PAIRS:
            return particle(str(value), format_spec)
        return super().format_field(value, format_spec)


_FORMATTER = _Formatter()


def say(message_id: str, **params: Any) -> Text:
    """`say("runs.ok", steps=5)`: a Text, checked against the catalogue at once so a typo fails where it is made."""
    CATALOGUE[message_id]
    return Text(message_id, params)


@runtime_checkable
class Renderable(Protocol):
    """Anything that words itself in a language: a `Text`, or an instructor's wording from a spec (`spec.Wording`)."""

    def render(self, lang: str) -> str: ...


@dataclass(frozen=True)
class Either:
    """Alternatives in the reader's language: `submission.py or submission.ipynb`, `submission.py 또는 ...`."""

    items: tuple[str, ...]

    def render(self, lang: str) -> str:
        return (" 또는 " if check_lang(lang) == "ko" else " or ").join(self.items)


def render(value: Any, lang: str = DEFAULT_LANG) -> Any:
    """Text rendered in `lang`; a list or tuple of parts joined by new lines; anything else left as it is."""
    if isinstance(value, Renderable):
        return value.render(lang)
    if isinstance(value, list | tuple):
        return "\n".join(str(render(part, lang)) for part in value)
    return value


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; choose one of: {', '.join(LANGS)}")
    return lang


def placeholders(template: str) -> set[str]:
    """The field names a template uses (`{accuracy:.4f}` -> accuracy), to hold both languages to the same ones."""
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template) if name}
