"""What `grader check` shows a student: live progress while their code runs, then one line per visible check (mark,
id, title) with its message wrapped to the terminal, indented as a block, and the totals. Fixed wording comes from the
message catalogue (`grader/messages/cli.py`), in the student's language."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text as RichText

from grader.messages import Text, render, say
from grader.results import AssignmentResult, Status, TestResult
from grader.runners import Progress, ProgressCallback

MESSAGE_INDENT = 5
MIN_ROOM = 20
NAMED_STEPS = frozenset({"prepare", "import", "fit", "export_weights", "experiment", "done"})
MARK_STYLES = {"cli.mark.pass": "green", "cli.mark.fail": "red", "cli.mark.note": "cyan"}


def wrap_block(text: str, indent: int, width: int) -> list[str]:
    """`text` as lines of at most `width` cells, each starting with `indent` spaces plus the line's own indentation,
    continuation lines included. Words are never split (a long path stays whole and overflows instead); cells are
    counted as the terminal does, so Korean wraps at the right place."""
    pad = " " * indent
    out: list[str] = []
    for line in text.expandtabs().splitlines() or [""]:
        words = line.lstrip(" ")
        lead = pad + " " * (len(line) - len(words))
        room = max(width - cell_len(lead), MIN_ROOM)
        current = ""
        for word in words.split(" "):
            joined = f"{current} {word}" if current else word
            if current and cell_len(joined) > room:
                out.append(lead + current.rstrip())
                current = word
            else:
                current = joined
        out.append((lead + current).rstrip())
    return out


def clock(seconds: float) -> str:
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}:{rest:02d}"


def doing(step: str | None) -> Text:
    """What the student's process is doing, from the sandbox's step name (a contract function, or a grader step)."""
    if step is None:
        return say("cli.progress.starting")
    if step in NAMED_STEPS:
        return say(f"cli.progress.{step}")
    return say("cli.progress.step", step=step)


class StepLines:
    """Progress where nothing can be redrawn (a CI log, a pipe): one line each time the code enters a new step."""

    def __init__(self, console: Console, lang: str) -> None:
        self._console = console
        self._lang = lang
        self._shown: tuple[str, str | None] | None = None  # the first call always shows

    def __call__(self, progress: Progress) -> None:
        if (progress.run, progress.step) == self._shown:
            return
        self._shown = (progress.run, progress.step)
        self._console.print(render(_line(progress), self._lang), markup=False, highlight=False)


def _line(progress: Progress) -> Text:
    """`[0:03] loading ...`, or `[save 0:03] loading ...` for one of a staged job's runs."""
    elapsed = clock(progress.elapsed_s)
    if progress.run:
        return say("cli.progress.run_line", run=progress.run, elapsed=elapsed, doing=doing(progress.step))
    return say("cli.progress.line", elapsed=elapsed, doing=doing(progress.step))


@contextmanager
def progress_view(console: Console, name: str, lang: str) -> Iterator[ProgressCallback]:
    """A callback for `grade_submission`: on a terminal, a status line with the step and a running clock."""
    if not console.is_terminal:
        yield StepLines(console, lang)
        return

    def status_text(progress: Progress) -> RichText:
        shown = f"{name} · {progress.run}" if progress.run else name
        line = say("cli.progress.status", name=shown, doing=doing(progress.step), elapsed=clock(progress.elapsed_s))
        return RichText(render(line, lang))

    with console.status(status_text(Progress(None, 0.0))) as status:
        yield lambda progress: status.update(status_text(progress))


def _mark(test: TestResult) -> str:
    if test.max_score == 0:
        return "cli.mark.note"
    return "cli.mark.pass" if test.status is Status.PASSED else "cli.mark.fail"


def print_lines(console: Console, text: str, indent: int = 0, style: str | None = None, styled: int = 0) -> None:
    """Print `text` wrapped to the console; `style` colours the first `styled` characters of the first line."""
    for number, line in enumerate(wrap_block(text, indent, console.width)):
        shown = RichText(line)
        if style and number == 0:
            shown.stylize(style, indent, indent + styled)
        console.print(shown, soft_wrap=True, highlight=False)


def print_checks(console: Console, result: AssignmentResult, profile: str, lang: str) -> list[TestResult]:
    """The visible checks, their messages and the totals; returns the visible checks."""
    visible = [t for t in result.tests if t.visibility == "visible"]
    for test in visible:
        mark = render(say(_mark(test)), lang)
        line = say(
            "cli.check.line",
            mark=mark,
            check_id=test.check_id,
            title=render(test.name, lang),
            score=f"{test.score:g}",
            points=f"{test.max_score:g}",
        )
        print_lines(console, render(line, lang), style=MARK_STYLES[_mark(test)], styled=len(mark))
        print_lines(console, render(test.output, lang), indent=MESSAGE_INDENT)
    earned = sum(t.score for t in visible)
    total = sum(t.max_score for t in visible)
    console.print()
    print_lines(
        console, render(say("cli.check.total", earned=f"{earned:g}", total=f"{total:g}", profile=profile), lang)
    )
    hidden = len(result.tests) - len(visible)
    if hidden:
        print_lines(console, render(say("cli.check.hidden", count=hidden), lang))
    return visible
