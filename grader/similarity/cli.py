"""`grader grade`'s similarity options, kept here so the command line gains them with one call."""

from __future__ import annotations

import argparse
from pathlib import Path

from grader.similarity.engine import DEFAULT_THRESHOLD, check_threshold
from grader.similarity.step import SimilarityOptions


def add_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("similarity report (for the instructor; it never changes a score)")
    group.add_argument(
        "--similarity",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="for a class: compare the submissions' code, skeleton left out, and write OUT/<assignment>/similarity.csv "
        "and a section of report.html (default: on)",
    )
    group.add_argument(
        "--similarity-against",
        type=_folder,
        metavar="DIR",
        help="also compare with earlier submissions (last term's), in any layout `grader grade` accepts; they are "
        "compared with this class, not among themselves",
    )
    group.add_argument(
        "--similarity-threshold",
        type=_threshold,
        default=DEFAULT_THRESHOLD,
        metavar="X",
        help="report a pair when at least this share (0-1] of either one's code is found in the other "
        f"(default: {DEFAULT_THRESHOLD})",
    )


def options_from(args: argparse.Namespace) -> SimilarityOptions:
    return SimilarityOptions(args.similarity, args.similarity_against, args.similarity_threshold)


def _folder(value: str) -> Path:
    path = Path(value)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"{value}: no such folder")
    return path


def _threshold(value: str) -> float:
    try:
        return check_threshold(float(value))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
