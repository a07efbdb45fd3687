"""The one catalogue of every message a student reads, by id, in English and Korean.

Each area keeps its messages in a module of this package (`checks`, `notebooks`, ...); they all register into
`CATALOGUE`, which refuses a duplicate id, so an id names one message everywhere. A message is carried as `Text`
(an id and its parameters) until it is shown, and rendered then in the reader's language; parameters may themselves be
`Text` or lists of `Text`, rendered in the same language.
"""

from __future__ import annotations

from grader.messages import (  # noqa: F401  (each area registers its messages on import)
    checks,
    classroom,
    cli,
    cluster,
    feedback,
    grading,
    keras_saving,
    notebooks,
    platforms,
    report,
    sandbox,
    saving,
    similarity,
    stages,
    term,
    titles,
    torch_saving,
)
from grader.messages.catalogue import (
    CATALOGUE,
    DEFAULT_LANG,
    LANGS,
    Either,
    Message,
    Renderable,
    Text,
    check_lang,
    define,
    placeholders,
    render,
    say,
)

__all__ = [
    "CATALOGUE",
    "DEFAULT_LANG",
    "LANGS",
    "Either",
    "Message",
    "Renderable",
    "Text",
    "check_lang",
    "define",
    "placeholders",
    "render",
    "say",
]
