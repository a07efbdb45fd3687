"""Words an instructor writes in a spec or a check's parameters, in both languages, and how a validation error is
worded for them: one home shared by the spec and the checks, which must not import each other both ways."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BeforeValidator, ConfigDict, StringConstraints
from pydantic.dataclasses import dataclass

NonEmpty = Annotated[str, StringConstraints(strict=True, strip_whitespace=True, min_length=1)]


@dataclass(frozen=True, config=ConfigDict(extra="forbid"))
class Wording:
    """Words an instructor writes in both languages (`{en: ..., ko: ...}`); a plain string is one wording for every
    language."""

    en: NonEmpty
    ko: NonEmpty

    def render(self, lang: str) -> str:
        return self.ko if lang == "ko" else self.en


def _words(value: object) -> object:
    if isinstance(value, dict):
        if set(value) != {"en", "ko"}:
            raise ValueError(f"a wording in both languages needs exactly the keys en and ko, found {sorted(value)}")
        return Wording(**value)
    if isinstance(value, str) and not value.strip():
        raise ValueError("must not be empty")
    if isinstance(value, str | Wording):
        return value
    raise ValueError(f"must be a string or a mapping {{en: ..., ko: ...}}, found {value!r}")


Words = Annotated[NonEmpty | Wording, BeforeValidator(_words)]


def error_path(loc: tuple[int | str, ...]) -> str:
    """A pydantic error's location as the YAML reads it: `checks[2].params.layers[0].type`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in {"function-before[_number(), float]", "function-before[_integer(), int]"}:
            continue
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def error_message(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    if kind == "unexpected_keyword_argument":
        return "unknown key"
    if kind == "missing_argument":
        return "missing required key"
    return str(error["msg"]).removeprefix("Value error, ")
