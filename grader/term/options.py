"""How a session is told the course's policy: `grader grade` options, the spec's `due` block, and what an earlier
session of the same assignment used (`OUT/<assignment>/term.json`), so that regrading one student later, without
repeating every option, keeps the roster, the due date and the adjustments. An option given now replaces the
remembered one; delete term.json to forget them all.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from grader import atomic
from grader.spec import AssignmentSpec
from grader.term.adjustments import read_adjustments
from grader.term.clock import MomentError, parse_moment
from grader.term.keys import TableError
from grader.term.lateness import LatePolicy, PolicyError, read_extensions
from grader.term.policy import TermPolicy
from grader.term.roster import read_roster

REMEMBERED = "term.json"
_FILES = ("roster", "extensions", "adjustments")
_VALUES = ("due", "late_per_day", "late_cap", "grace_minutes")


class TermSetupError(ValueError):
    """The roster, the late policy or the adjustments cannot be used; the message says what to change."""


def add_term_options(parser: argparse.ArgumentParser) -> None:
    term = parser.add_argument_group("the course's term (remembered in OUT/<assignment>/term.json for later sessions)")
    term.add_argument("--roster", type=Path, help="CSV of student_id,name,email,github: who is missing, who is unknown")
    term.add_argument(
        "--due",
        metavar="WHEN",
        help="due date with a UTC offset, e.g. 2026-12-10T23:59+09:00 (default: the spec's due.at)",
    )
    term.add_argument(
        "--late-per-day",
        type=float,
        metavar="SHARE",
        help="penalty per late day, 0.1 = 10%% (default: "
        "the spec's due.late.per_day, else 0: lateness shown, no penalty)",
    )
    term.add_argument("--late-cap", type=float, metavar="SHARE", help="the most lateness can cost (default: 1)")
    term.add_argument("--grace-minutes", type=int, metavar="N", help="minutes past the due date not counted late")
    term.add_argument("--extensions", type=Path, help="CSV of student,due or student,days: per-student extensions")
    term.add_argument(
        "--adjustments",
        type=Path,
        help="CSV of student,check,points,comment[,by]: manual changes, "
        "merged into every output and kept across regrades",
    )


def term_policy(spec: AssignmentSpec, args: argparse.Namespace, folder: Path) -> tuple[TermPolicy, list[str]]:
    """The policy for this session, and a line for each setting taken from an earlier session."""
    remembered = _remembered(folder)
    settings: dict[str, Any] = {}
    notes = []
    for name in (*_FILES, *_VALUES):
        given = getattr(args, name, None)
        if given is not None:
            settings[name] = str(Path(given).resolve()) if name in _FILES else given
        elif name in remembered:
            settings[name] = remembered[name]
            notes.append(f"{name.replace('_', '-')}: {remembered[name]} (from {folder / REMEMBERED})")
    policy = _build(spec, settings)
    if settings:
        atomic.write_text(folder / REMEMBERED, json.dumps(settings, indent=1, ensure_ascii=False))
    return policy, notes


def _remembered(folder: Path) -> dict[str, Any]:
    path = folder / REMEMBERED
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise TermSetupError(f"{path}: unreadable ({exc}); delete it and pass the term's options again") from None
    return {k: v for k, v in data.items() if k in (*_FILES, *_VALUES)} if isinstance(data, dict) else {}


def _build(spec: AssignmentSpec, settings: dict[str, Any]) -> TermPolicy:
    try:
        roster = read_roster(Path(settings["roster"])) if "roster" in settings else None
        adjustments = None
        if "adjustments" in settings:
            adjustments = read_adjustments(Path(settings["adjustments"]), [check.id for check in spec.checks])
        return TermPolicy(roster, _late(spec, settings), adjustments)
    except (TableError, PolicyError, MomentError) as exc:
        raise TermSetupError(str(exc)) from None


def _late(spec: AssignmentSpec, settings: dict[str, Any]) -> LatePolicy | None:
    due_text = settings.get("due") or (spec.due.at if spec.due else None)
    if due_text is None:
        if any(name in settings for name in ("late_per_day", "late_cap", "grace_minutes", "extensions")):
            raise PolicyError("a late policy or extensions need a due date: pass --due, or set due.at in the spec")
        return None
    due = parse_moment(due_text)
    late = spec.due.late if spec.due else None
    per_day = settings.get("late_per_day", late.per_day if late else 0.0)
    cap = settings.get("late_cap", late.cap if late else 1.0)
    grace = settings.get("grace_minutes", late.grace_minutes if late else 0)
    extensions = read_extensions(Path(settings["extensions"]), due) if "extensions" in settings else {}
    return LatePolicy(due, float(per_day), float(cap), int(grace), extensions)
