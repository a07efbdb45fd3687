"""`grader export prairielearn`: a PrairieLearn question folder whose external grader is the grading image.

The folder holds `info.json` (external grading on, the image, the entry point, a timeout), `question.html` (the task
from the assignment's README, Korean and English, less what only the repository's students have; the skeletons to
download, and a file upload for the student's file), `tests/` (the spec and the export's settings: /grade/tests in the
container, never shown to students) and `clientFilesQuestion/` (the skeletons: all the files students get).
PrairieLearn stops a grading job after at most 600 s, so a profile whose time limit does not fit is graded with a
shorter one, said when exporting.
"""

from __future__ import annotations

import html
import json
import shutil
import uuid
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt

from grader.messages import LANGS, say
from grader.platforms.settings import ASSIGNMENT_DIR, RUN_AS, ExportError, PlatformSettings
from grader.platforms.task_text import dataset_note, for_platform, shipped_readme
from grader.spec import AssignmentSpec

ENTRYPOINT = f"/opt/venv/bin/python -m grader.platforms.prairielearn_entry --run-as {RUN_AS}"
"""The grading image's Python (docker/Dockerfile); PrairieLearn splits the line on spaces."""
MAX_TIMEOUT_S = 600
"""PrairieLearn's ceiling for externalGradingOptions.timeout."""
MARGIN_S = 60
"""Time the job needs besides the student's code: starting Python, loading the dataset, the checks."""
UUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "grader:prairielearn")
"""Fixed, so that a question keeps its uuid (and its students' submissions) every time it is exported again."""
SKELETONS = "clientFilesQuestion"


@dataclass(frozen=True)
class PrairieLearnExport:
    spec: AssignmentSpec
    settings: PlatformSettings
    image: str
    topic: str


@dataclass(frozen=True)
class Question:
    folder: Path
    uuid: str
    timeout_s: int
    time_limit_s: float
    shortened: bool
    """The profile's time limit did not fit PrairieLearn's ceiling, so `time_limit_s` is shorter."""


def question_uuid(assignment: str) -> str:
    return str(uuid.uuid5(UUID_NAMESPACE, assignment))


def _task_html(spec: AssignmentSpec, lead: str) -> str:
    """The assignment's README (Korean and English) as HTML, without its repository-only parts, `lead` under its
    title; PrairieLearn runs question.html through Mustache, so no brace reaches it as a brace."""
    readme = spec.folder / "README.md" if spec.folder else None
    if readme is not None and readme.is_file():
        task = for_platform(readme.read_text(encoding="utf-8"))
        text = MarkdownIt("commonmark", {"html": False}).enable("table").render(task)
    else:
        titles = dict.fromkeys(spec.title_in(lang) for lang in LANGS)
        text = f"<h2>{html.escape(' · '.join(titles))}</h2>\n"
    title, closed, rest = text.partition("</h1>\n")
    text = f"{title}{closed}{lead}{rest}" if closed else f"{lead}{text}"
    return text.replace("{", "&#123;").replace("}", "&#125;")


def _attribute(names: list[str]) -> str:
    """A pl-file-upload file-name list: commas escaped, and no quotes (PrairieLearn refuses them in file names)."""
    return html.escape(", ".join(name.replace(",", "\\,") for name in names))


def question_html(spec: AssignmentSpec, dataset: str) -> str:
    """The question page: the task, then the files students get (the skeletons to download) and how to hand in."""
    skeletons = [name for name in spec.entries if spec.folder and (spec.folder / name).is_file()]
    note = dataset_note(spec, dataset)
    swapped = "".join(f"<p><strong>{html.escape(note.render(lang))}</strong></p>\n" for lang in LANGS) if note else ""
    label = " · ".join(say("platforms.pl_skeletons").render(lang) for lang in LANGS)
    downloads = "\n".join(
        f'  <pl-file-download file-name="{html.escape(name)}" directory="{SKELETONS}"></pl-file-download>'
        for name in skeletons
    )
    upload = " · ".join(say("platforms.pl_upload", accepted=" / ".join(spec.entries)).render(lang) for lang in LANGS)
    checking = " · ".join(say("platforms.pl_check").render(lang) for lang in LANGS)
    return (
        "<pl-question-panel>\n"
        f"{_task_html(spec, swapped)}"
        f"<p>{html.escape(label)}</p>\n<p>\n{downloads}\n</p>\n"
        f"<p>{html.escape(upload)}</p>\n<p>{html.escape(checking)}</p>\n"
        "</pl-question-panel>\n\n"
        f'<pl-file-upload optional-file-names="{_attribute(list(spec.entries))}"></pl-file-upload>\n\n'
        "<pl-submission-panel>\n"
        "  <pl-external-grader-results></pl-external-grader-results>\n"
        "  <pl-file-preview></pl-file-preview>\n"
        "</pl-submission-panel>\n"
    )


def info_json(export: PrairieLearnExport, timeout_s: int) -> dict[str, Any]:
    spec = export.spec
    return {
        "uuid": question_uuid(spec.id),
        "title": spec.title_in(export.settings.lang),
        "topic": export.topic,
        "tags": [spec.id, spec.framework],
        "type": "v3",
        "singleVariant": True,
        "gradingMethod": "External",
        "externalGradingOptions": {
            "enabled": True,
            "image": export.image,
            "entrypoint": ENTRYPOINT,
            "timeout": timeout_s,
            "enableNetworking": False,
        },
    }


def export_prairielearn(export: PrairieLearnExport, out: Path) -> Question:
    """Write the question folder `out` (its tests/ and skeletons replaced, other files of the question kept)."""
    spec = export.spec
    if spec.folder is None:
        raise ExportError(f"{spec.id}: the spec has no assignment folder to package")
    limit = export.settings.time_limit_s or spec.profiles[export.settings.profile].time_limit_s  # type: ignore[index]
    runs = len(spec.stages)  # each run of the submission gets the limit: together they must fit the ceiling
    fitted = min(limit, (MAX_TIMEOUT_S - MARGIN_S) // runs)
    settings = replace(export.settings, time_limit_s=fitted)
    timeout = int(spec.wall_time_s(fitted)) + MARGIN_S
    out.mkdir(parents=True, exist_ok=True)
    info = json.dumps(info_json(export, timeout), indent=2, ensure_ascii=False)
    (out / "info.json").write_text(info + "\n", encoding="utf-8")
    (out / "question.html").write_text(question_html(spec, settings.dataset), encoding="utf-8")
    for folder in (out / "tests", out / SKELETONS):
        shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(spec.folder, out / "tests" / ASSIGNMENT_DIR, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    readme = shipped_readme(spec, settings.dataset)
    if readme is not None:
        (out / "tests" / ASSIGNMENT_DIR / "README.md").write_text(readme, encoding="utf-8")
    (out / SKELETONS).mkdir()
    for name in spec.entries:
        if (spec.folder / name).is_file():
            shutil.copyfile(spec.folder / name, out / SKELETONS / name)
    settings.write(out / "tests")
    return Question(out, question_uuid(spec.id), timeout, fitted, fitted < limit)
