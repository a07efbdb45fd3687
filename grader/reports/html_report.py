"""One self-contained HTML page about the whole class, for the instructor: summary numbers, plots and the failures.

Self-contained (inline CSS, plots as base64 PNG) so it can be mailed or archived as one file and opens offline. The
plots use matplotlib's object API (`Figure` + the Agg canvas), never pyplot, so no global backend or figure state is
touched in the process that grades. Every string a student controls is escaped with `html.escape`.
"""

from __future__ import annotations

import base64
import html
import io
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from grader.reports._common import atomic_write_text, excerpt, first_line, not_graded_reason, points
from grader.reports.gradebook import check_columns
from grader.results import AssignmentResult, Status, SubmissionStatus

if TYPE_CHECKING:
    from matplotlib.figure import Figure

FILENAME = "report.html"
PASS_COLOUR = "#55a868"  # the browser test looks for it on screen

_CSS = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; color: #222; background: #fff; }
h1 { margin-bottom: .2rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #ddd; }
.summary { display: flex; gap: 1rem; flex-wrap: wrap; }
.stat { background: #f3f5f8; border-radius: 6px; padding: .6rem 1rem; min-width: 8rem; }
.stat b { display: block; font-size: 1.5rem; }
img { max-width: 100%; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #ddd; padding: .3rem .5rem; text-align: left; vertical-align: top; }
td.reason { white-space: pre-wrap; }
th { background: #f3f5f8; }
.not-graded { color: #a15c00; font-weight: bold; }
.none { color: #666; font-style: italic; }
"""


@dataclass(frozen=True)
class Failure:
    """A row of the failures table: a failed check, or a submission the harness could not grade (`check` None)."""

    student: str
    assignment: str
    check: str | None
    reason: str


def failures(results: Sequence[AssignmentResult]) -> list[Failure]:
    rows = []
    for result in sorted(results, key=lambda r: (r.submission, r.assignment)):
        if result.status is SubmissionStatus.NOT_GRADED:
            rows.append(Failure(result.submission, result.assignment, None, first_line(not_graded_reason(result))))
            continue
        rows += [
            Failure(result.submission, result.assignment, test.name, excerpt(test.output))
            for test in result.tests
            if test.status is Status.FAILED
        ]
    return rows


def render_report(results: Sequence[AssignmentResult], title: str) -> str:
    graded = [r for r in results if r.status is SubmissionStatus.GRADED]
    body = [f"<h1>{html.escape(title)}</h1>", _summary(results, graded)]
    if not results:
        body.append('<p class="none">No submissions.</p>')
    else:
        body += [
            _section("Score distribution", _score_histogram(graded), "No graded submissions."),
            _section("Pass rate per check", _pass_rates(graded), "No graded submissions."),
            _section("Accuracy on held-out images", _accuracy_histogram(graded), "No accuracy measured."),
            _section("Training loss per epoch", _loss_curves(results), "No training loss recorded."),
            "<h2>Failures</h2>",
            _failure_table(failures(results)),
        ]
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def write_report(results: Sequence[AssignmentResult], path: Path, title: str) -> Path:
    return atomic_write_text(path, render_report(results, title))


def _summary(results: Sequence[AssignmentResult], graded: list[AssignmentResult]) -> str:
    stats = [
        ("submissions", str(len(results))),
        ("graded", str(len(graded))),
        ("not graded", str(len(results) - len(graded))),
    ]
    if graded:
        percents = [_percent(r) for r in graded]
        maxima = {r.max_score for r in graded}
        for name, average in (("mean", statistics.fmean), ("median", statistics.median)):
            text = f"{average(percents):.1f}%"
            if len(maxima) == 1:  # points only mean something when every submission had the same maximum
                text += f" ({points(average([r.score for r in graded]))} / {points(next(iter(maxima)))})"
            stats.append((f"{name} score", text))
    cells = "".join(f'<div class="stat"><b>{html.escape(v)}</b>{html.escape(k)}</div>' for k, v in stats)
    return f'<div class="summary">{cells}</div>'


def _percent(result: AssignmentResult) -> float:
    return 100.0 * result.score / result.max_score if result.max_score > 0 else 0.0


def _section(heading: str, image: str | None, empty: str) -> str:
    content = f'<img alt="{html.escape(heading)}" src="data:image/png;base64,{image}">' if image else ""
    return f"<h2>{html.escape(heading)}</h2>\n" + (content or f'<p class="none">{html.escape(empty)}</p>')


def _figure() -> Figure:
    """matplotlib is imported here, not at the top: the grading images run the CLI without it."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 3.6), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _png(figure: Figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _score_histogram(graded: list[AssignmentResult]) -> str | None:
    if not graded:
        return None
    figure = _figure()
    axes = figure.add_subplot()
    axes.hist([_percent(r) for r in graded], bins=range(0, 105, 5), color="#4c72b0", edgecolor="white")
    axes.set(xlabel="score (% of the maximum)", ylabel="submissions", xlim=(0, 100))
    axes.yaxis.get_major_locator().set_params(integer=True)
    return _png(figure)


def _pass_rates(graded: list[AssignmentResult]) -> str | None:
    checks = check_columns(graded)
    if not checks:
        return None
    rates = []
    for check in checks:
        outcomes = [t.status is Status.PASSED for r in graded for t in r.tests if t.check_id == check]
        rates.append(100.0 * sum(outcomes) / len(outcomes))
    figure = _figure()
    axes = figure.add_subplot()
    bars = axes.barh(checks[::-1], rates[::-1], color=PASS_COLOUR)
    axes.bar_label(bars, labels=[f"{rate:.0f}%" for rate in rates[::-1]], padding=3)
    axes.set(xlabel="submissions passing (%)", xlim=(0, 100))
    return _png(figure)


def _accuracy_histogram(graded: list[AssignmentResult]) -> str | None:
    measured = [
        test.metrics for r in graded for test in r.tests if test.check_id == "accuracy" and "accuracy" in test.metrics
    ]
    if not measured:
        return None
    figure = _figure()
    axes = figure.add_subplot()
    axes.hist([float(m["accuracy"]) for m in measured], bins=20, color="#8172b2", edgecolor="white")
    for threshold in sorted({float(m["threshold"]) for m in measured if "threshold" in m}):
        axes.axvline(threshold, color="#c44e52", linestyle="--", linewidth=2, label=f"threshold {threshold:.2f}")
    if axes.get_legend_handles_labels()[0]:
        axes.legend()
    axes.set(xlabel="accuracy on held-out images", ylabel="submissions")
    axes.yaxis.get_major_locator().set_params(integer=True)
    return _png(figure)


def _loss_curves(results: Sequence[AssignmentResult]) -> str | None:
    curves = [r.training_loss for r in results if r.training_loss]
    if not curves:
        return None
    figure = _figure()
    axes = figure.add_subplot()
    # No legend: a class is too many lines to name, and names in a figure would bypass the HTML escaping.
    for losses in curves:
        axes.plot(range(1, len(losses) + 1), losses, marker="o", alpha=0.6)
    axes.set(xlabel="epoch", ylabel="mean training loss")
    axes.xaxis.get_major_locator().set_params(integer=True)
    return _png(figure)


def _failure_table(rows: list[Failure]) -> str:
    if not rows:
        return '<p class="none">No failures.</p>'
    lines = ["<table>", "<tr><th>student</th><th>assignment</th><th>check</th><th>reason</th></tr>"]
    for row in rows:
        check = html.escape(row.check) if row.check is not None else '<span class="not-graded">not graded</span>'
        cells = [html.escape(row.student), html.escape(row.assignment), check, html.escape(row.reason)]
        lines.append(
            "<tr>" + "".join(f"<td>{cell}</td>" for cell in cells[:3]) + f'<td class="reason">{cells[3]}</td></tr>'
        )
    lines.append("</table>")
    return "\n".join(lines)
