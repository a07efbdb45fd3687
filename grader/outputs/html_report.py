"""One self-contained HTML page about the whole class, for the instructor: summary numbers, plots and the failures.

Self-contained (inline CSS, plots as base64 PNG) so it can be mailed or archived as one file and opens offline. The
plots use matplotlib's object API (`Figure` + the Agg canvas), never pyplot, so no global backend or figure state is
touched in the process that grades. Every string a student controls is escaped with `html.escape`. The page is in the
session's language; plots carry numbers only, their axis titles are captions in the page (grader/messages/report.py).
Missing submissions are listed apart and count in no mean, median, histogram or pass rate. Checks whose observations
contradicted each other (`manual_review` in their metrics) are counted at the top, listed in their own table, and
flagged in the failures table, so a score the grader could not vouch for is not taken as final.
"""

from __future__ import annotations

import base64
import html
import io
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from grader import atomic
from grader.messages import check_lang, say
from grader.outputs._common import excerpt, first_line, manual_reviews, not_graded_reason, points
from grader.outputs.gradebook import check_columns
from grader.outputs.term_html import term_sections
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
.manual-review { color: #b00020; font-weight: bold; }
.none { color: #666; font-style: italic; }
.caption { color: #555; font-size: .9rem; margin-top: .2rem; }
"""


@dataclass(frozen=True)
class Failure:
    """A row of the failures table: a failed check, or a submission the harness could not grade (`check` None)."""

    student: str
    assignment: str
    check: str | None
    reason: str
    review: bool = False
    """The check's observations contradicted each other: the instructor must look."""


def failures(results: Sequence[AssignmentResult]) -> list[Failure]:
    rows = []
    for result in sorted(results, key=lambda r: (r.shown, r.assignment)):
        if result.status is SubmissionStatus.NOT_GRADED:
            rows.append(Failure(result.shown, result.assignment, None, first_line(not_graded_reason(result))))
            continue
        if result.status is SubmissionStatus.MISSING:
            continue
        review = manual_reviews(result)
        rows += [
            Failure(result.shown, result.assignment, test.name, excerpt(test.output), test.check_id in review)
            for test in result.tests
            if test.status is Status.FAILED
        ]
    return rows


def reviews(results: Sequence[AssignmentResult]) -> list[Failure]:
    """Every check that needs a manual review, passed or failed."""
    rows = []
    for result in sorted(results, key=lambda r: (r.shown, r.assignment)):
        review = manual_reviews(result)
        rows += [
            Failure(result.shown, result.assignment, test.name, excerpt(test.output), True)
            for test in result.tests
            if test.check_id in review
        ]
    return rows


@dataclass(frozen=True)
class ExtraSection:
    """A section another room renders for this page (the similarity report, `grader.similarity`): HTML that room has
    escaped itself, added after the page's own sections, and the CSS it needs, added to the page's."""

    html: str
    css: str = ""


def render_report(
    results: Sequence[AssignmentResult],
    title: str,
    lang: str = "en",
    unrecognised: Sequence[str] = (),
    sections: Sequence[ExtraSection] = (),
) -> str:
    check_lang(lang)

    def text(message_id: str) -> str:
        return say(f"report.{message_id}").render(lang)

    graded = [r for r in results if r.status is SubmissionStatus.GRADED]
    missing = [r for r in results if r.status is SubmissionStatus.MISSING]
    to_review = reviews(results)
    body = [f"<h1>{html.escape(title)}</h1>", _summary(results, graded, len(to_review), text)]
    if to_review:
        body += [f"<h2>{html.escape(text('manual_review_heading'))}</h2>", _failure_table(to_review, text)]
    if not results:
        body.append(f'<p class="none">{html.escape(text("no_submissions"))}</p>')
    else:
        body += [
            _section(text("scores"), text("scores_axes"), _score_histogram(graded), text("no_graded")),
            _section(text("pass_rates"), text("pass_rates_axes"), _pass_rates(graded), text("no_graded")),
            _section(text("accuracy"), text("accuracy_axes"), _accuracy_histogram(graded), text("no_accuracy")),
            _section(text("loss"), text("loss_axes"), _loss_curves(results), text("no_loss")),
            f"<h2>{html.escape(text('failures'))}</h2>",
            _failure_table(failures(results), text),
        ]
    if missing:
        rows = [Failure(r.shown, r.assignment, "", first_line(r.output)) for r in missing]
        body += [f"<h2>{html.escape(text('missing_heading'))}</h2>", _failure_table(rows, text, with_check=False)]
    body += term_sections(results, lang)
    if unrecognised:
        items = "".join(f"<li>{html.escape(name)}</li>" for name in unrecognised)
        body += [f"<h2>{html.escape(text('unrecognised'))}</h2>", f"<ul>{items}</ul>"]
    body += [section.html for section in sections]
    css = _CSS + "".join(section.css for section in sections)
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n<style>{css}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def write_report(
    results: Sequence[AssignmentResult],
    path: Path,
    title: str,
    lang: str = "en",
    unrecognised: Sequence[str] = (),
    sections: Sequence[ExtraSection] = (),
) -> Path:
    return atomic.write_text(path, render_report(results, title, lang, unrecognised, sections))


def _summary(
    results: Sequence[AssignmentResult], graded: list[AssignmentResult], to_review: int, text: Callable[[str], str]
) -> str:
    counts = {status: sum(r.status is status for r in results) for status in SubmissionStatus}
    stats = [
        (text("submissions"), str(len(results))),
        (text("graded"), str(counts[SubmissionStatus.GRADED])),
        (text("missing"), str(counts[SubmissionStatus.MISSING])),
        (text("not_graded"), str(counts[SubmissionStatus.NOT_GRADED])),
    ]
    if to_review:
        stats.append((text("manual_review"), str(to_review)))
    if graded:
        percents = [_percent(r) for r in graded]
        maxima = {r.max_score for r in graded}
        for name, average in (("mean", statistics.fmean), ("median", statistics.median)):
            value = f"{average(percents):.1f}%"
            if len(maxima) == 1:  # points only mean something when every submission had the same maximum
                value += f" ({points(average([r.score for r in graded]))} / {points(next(iter(maxima)))})"
            stats.append((text(name), value))
    cells = "".join(f'<div class="stat"><b>{html.escape(v)}</b>{html.escape(k)}</div>' for k, v in stats)
    return f'<div class="summary">{cells}</div>'


def _percent(result: AssignmentResult) -> float:
    return 100.0 * result.score / result.max_score if result.max_score > 0 else 0.0


def _section(heading: str, caption: str, image: str | None, empty: str) -> str:
    if image is None:
        return f'<h2>{html.escape(heading)}</h2>\n<p class="none">{html.escape(empty)}</p>'
    return (
        f'<h2>{html.escape(heading)}</h2>\n<img alt="{html.escape(heading)}" src="data:image/png;base64,{image}">\n'
        f'<p class="caption">{html.escape(caption)}</p>'
    )


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
    axes.set(xlabel="%", xlim=(0, 100))
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
    axes.set(xlabel="%", xlim=(0, 100))
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
        axes.axvline(threshold, color="#c44e52", linestyle="--", linewidth=2, label=f"{threshold:.2f}")
    if axes.get_legend_handles_labels()[0]:
        axes.legend()
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
    axes.xaxis.get_major_locator().set_params(integer=True)
    return _png(figure)


def _failure_table(rows: list[Failure], text: Callable[[str], str], with_check: bool = True) -> str:
    if not rows:
        return f'<p class="none">{html.escape(text("no_failures"))}</p>'
    headings = ["student", "assignment", *(["check"] if with_check else []), "reason"]
    lines = ["<table>", "<tr>" + "".join(f"<th>{html.escape(text(h))}</th>" for h in headings) + "</tr>"]
    not_graded = f'<span class="not-graded">{html.escape(text("not_graded"))}</span>'
    review = f' <span class="manual-review">{html.escape(text("manual_review"))}</span>'
    for row in rows:
        cells = [html.escape(row.student), html.escape(row.assignment)]
        if with_check:
            check = not_graded if row.check is None else html.escape(row.check) + (review if row.review else "")
            cells.append(check)
        lines.append(
            "<tr>"
            + "".join(f"<td>{cell}</td>" for cell in cells)
            + f'<td class="reason">{html.escape(row.reason)}</td></tr>'
        )
    lines.append("</table>")
    return "\n".join(lines)
