"""The similarity step of `grader grade` over a class: read, compare, and hand the class outputs what to write.

It runs on the host after grading, reads the submitted files as data, and never touches a result: whatever it finds
or fails at, the scores, the gradebook and every student's files are the same. A failure of the step itself is shown
in the report's section and on the console, and the class's other outputs are written as ever.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from grader.job import Submission
from grader.messages import say
from grader.outputs.html_report import ExtraSection
from grader.similarity import report
from grader.similarity.engine import DEFAULT_THRESHOLD, Findings, SimilarityUnavailable, compare
from grader.similarity.sources import class_sources, earlier_sources, skeleton_sources
from grader.spec import AssignmentSpec


@dataclass(frozen=True)
class SimilarityOptions:
    enabled: bool = True
    """On by default: a class run (a class folder, or several submissions) gets the report; one submission never."""
    against: Path | None = None
    """An earlier term's submissions, compared with this class's, not among themselves."""
    threshold: float = DEFAULT_THRESHOLD


@dataclass(frozen=True)
class Step:
    """What the step gives the class outputs: a section for report.html, and the findings behind similarity.csv
    (None: nothing to write, so an earlier similarity.csv is left as it is)."""

    section: ExtraSection | None = None
    findings: Findings | None = None

    @property
    def sections(self) -> tuple[ExtraSection, ...]:
        return () if self.section is None else (self.section,)

    @property
    def files(self) -> tuple[str, ...]:
        return () if self.findings is None else (report.FILENAME,)

    @property
    def digest(self) -> str:
        """Part of the class outputs' digest: a rerun whose similarity changed (an earlier term's folder, the
        threshold) writes them again; one where nothing changed leaves them as they are."""
        text = (self.section.html if self.section else "") + (report.csv_text(self.findings) if self.findings else "")
        return "similarity=" + hashlib.sha256(text.encode("utf-8")).hexdigest()

    def write(self, out: Path) -> list[Path]:
        return [] if self.findings is None else [report.write_csv(self.findings, out)]


def run_step(
    spec: AssignmentSpec,
    submissions: Sequence[Submission],
    options: SimilarityOptions,
    *,
    class_outputs: bool,
    whole_class: bool,
    lang: str,
    notify: Callable[[str], None],
    out: Path,
) -> Step:
    """Compare the class's submissions (and an earlier term's) when the run writes class outputs. `whole_class`
    False: this run regraded some students into a class graded before, whose other files it has not read, so the
    earlier similarity.csv is left as it is."""
    if not options.enabled or not class_outputs:
        return Step()
    if not whole_class:
        return Step(report.render_note("not_recomputed", lang))
    try:
        current = class_sources(submissions)
        earlier = earlier_sources(options.against, spec) if options.against is not None else []
        findings = compare(current, earlier, skeleton_sources(spec), options.threshold)
    except SimilarityUnavailable as exc:
        notify(say("similarity.unavailable", error=str(exc)).render(lang))
        return Step(report.render_note("unavailable", lang, error=str(exc)))
    except Exception as exc:  # an instructor's report: whatever failed, the grading and its outputs stand
        error = f"{type(exc).__name__}: {exc}"
        notify(report.utf8_safe(say("similarity.failed", error=error).render(lang)))
        return Step(report.render_note("failed", lang, error=error))
    for skipped in findings.skipped:
        reason = skipped.reason.render(lang)
        line = say("similarity.console_skipped", student=skipped.shown, file=skipped.file, reason=reason).render(lang)
        notify(report.utf8_safe(line))
    threshold = f"{100 * findings.threshold:.0f}"
    pairs, count, path = len(findings.matches), findings.compared, out / report.FILENAME
    notify(say("similarity.console", pairs=pairs, threshold=threshold, count=count, path=str(path)).render(lang))
    return Step(report.render_section(findings, lang), findings)
