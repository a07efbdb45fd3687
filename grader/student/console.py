"""What `grader check` shows a student: live progress while their code runs (the step, the training's epoch and batch,
the time so far), then one line per visible check (mark, id, title) with its message wrapped to the terminal, indented
as a block, and the totals. Fixed wording comes from the message catalogue (`grader/messages/cli.py`), in the
student's language."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text as RichText

from grader.frameworks import FRAMEWORKS
from grader.messages import Text, render, say
from grader.results import AssignmentResult, Status, TestResult
from grader.runners import Progress, ProgressCallback
from grader.runners.base import TrainingCount

MESSAGE_INDENT = 5
MIN_ROOM = 20
NAMED_STEPS = frozenset({"prepare", "import", "fit", "export_weights", "experiment", "done"})
MARK_STYLES = {"cli.mark.pass": "green", "cli.mark.fail": "red", "cli.mark.note": "cyan"}
SLOW_LOADING_S = 5.0
HEARTBEAT_S = 15.0


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


def doing(progress: Progress) -> Text:
    """What the student's process is doing, from the sandbox's step name (a contract function, or a grader step),
    with the training's epoch and batch while the sandbox counts them."""
    step = progress.step
    if step is None:
        return say("cli.progress.starting")
    if step == "prepare":
        return _loading(progress)
    text = say(f"cli.progress.{step}") if step in NAMED_STEPS else say("cli.progress.step", step=step)
    return text if progress.count is None else say("cli.progress.counted", doing=text, count=counted(progress.count))


def _loading(progress: Progress) -> Text:
    """`loading PyTorch and the dataset`: the sandbox's first step imports the framework, which takes half a minute
    on a cold first run; past SLOW_LOADING_S the line says so, so a long wait does not look like a hang."""
    name = FRAMEWORKS[progress.framework].name if progress.framework in FRAMEWORKS else None
    text = say("cli.progress.prepare_framework", framework=name) if name else say("cli.progress.prepare")
    return say("cli.progress.slow_loading", doing=text) if progress.elapsed_s >= SLOW_LOADING_S else text


def counted(count: TrainingCount) -> Text:
    """`epoch 3/10, batch 1200/1875`, each total only when known."""
    if count.epochs:
        epoch = say("cli.progress.epoch_of", epoch=count.epoch, epochs=count.epochs)
    else:
        epoch = say("cli.progress.epoch", epoch=count.epoch)
    if count.batch is None:
        return epoch
    if count.batches:
        batch = say("cli.progress.batch_of", batch=count.batch, batches=count.batches)
    else:
        batch = say("cli.progress.batch", batch=count.batch)
    return say("cli.progress.epoch_batch", epoch=epoch, batch=batch)


class StepLines:
    """Progress where nothing can be redrawn (a CI log, a pipe): a line each time the code enters a new step or a new
    epoch, and one every `heartbeat_s` seconds of a long step (a cold import, a long epoch), so the log shows life."""

    def __init__(self, console: Console, lang: str, heartbeat_s: float = HEARTBEAT_S) -> None:
        self._console = console
        self._lang = lang
        self._heartbeat_s = heartbeat_s
        self._shown: tuple[str, str | None, int | None] | None = None  # the first call always shows
        self._shown_at = 0.0

    def __call__(self, progress: Progress) -> None:
        now = (progress.run, progress.step, progress.count.epoch if progress.count else None)
        if now == self._shown and progress.elapsed_s - self._shown_at < self._heartbeat_s:
            return
        self._shown, self._shown_at = now, progress.elapsed_s
        self._console.print(render(_line(progress), self._lang), markup=False, highlight=False)


def _line(progress: Progress) -> Text:
    """`[0:03] loading ...`, or `[save 0:03] loading ...` for one of a staged job's runs."""
    elapsed = clock(progress.elapsed_s)
    if progress.run:
        return say("cli.progress.run_line", run=progress.run, elapsed=elapsed, doing=doing(progress))
    return say("cli.progress.line", elapsed=elapsed, doing=doing(progress))


@contextmanager
def progress_view(console: Console, name: str, lang: str) -> Iterator[ProgressCallback]:
    """A callback for `grade_submission`: on a terminal, a status line with the step and a running clock."""
    if not console.is_terminal:
        yield StepLines(console, lang)
        return

    def status_text(progress: Progress) -> RichText:
        shown = f"{name} · {progress.run}" if progress.run else name
        line = say("cli.progress.status", name=shown, doing=doing(progress), elapsed=clock(progress.elapsed_s))
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
