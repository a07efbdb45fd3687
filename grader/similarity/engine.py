"""Fingerprints and matches, by copydetect (winnowing over normalised tokens, as MOSS does), not by a comparer of ours.

copydetect tokenises each file with pygments' Python lexer and rewrites it before fingerprinting: every variable and
attribute name becomes `V`, every function name `F`, every class name `O`, every string `S`; comments and whitespace
go. Renamed variables therefore change nothing. A fingerprint is the hash of `NOISE_CHARS` consecutive characters of
that normalised code, and a file's fingerprints are a set, so functions or cells moved around match as before. The
skeleton's own fingerprints are removed from every file first (copydetect's boilerplate), so code every student was
handed never counts.

For a pair, copydetect gives the share of each file's fingerprinted code that is found in the other (the two
differ when one file is longer) and the number of normalised characters in common ("tokens" below: a name counts as
one). A pair is reported when either share reaches the threshold and they have at least `MIN_OVERLAP` tokens in
common, so two nearly empty files that share one dictated line are not reported.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from grader.messages import say
from grader.similarity.sources import Skipped, Source

if TYPE_CHECKING:
    from copydetect import CodeFingerprint

NOISE_CHARS = 30
"""The shortest match counted, in characters of normalised code (about one line: `self.V=V.V(128,10)` is 18)."""
GUARANTEE_CHARS = NOISE_CHARS
"""Equal to the noise threshold: a window of one, every fingerprint kept (assignments are small files)."""
DEFAULT_THRESHOLD = 0.6
MIN_OVERLAP = 100
"""Tokens in common below which a pair is never reported, whatever its shares."""


class SimilarityUnavailable(Exception):
    """copydetect is not installed (the grading images do not carry it): the report says so, grading goes on."""


@dataclass(frozen=True)
class Match:
    """Two submissions alike: `share_a` of a's code is found in b, `share_b` of b's in a; `spans_a` and `spans_b`
    are the character ranges of each file's `code` that match (not paired one to one: code may have moved)."""

    a: Source
    b: Source
    share_a: float
    share_b: float
    overlap: int
    spans_a: tuple[tuple[int, int], ...]
    spans_b: tuple[tuple[int, int], ...]

    @property
    def share(self) -> float:
        return max(self.share_a, self.share_b)


@dataclass(frozen=True)
class Findings:
    """What the report shows: the pairs above the threshold, most alike first, and what was compared or skipped."""

    threshold: float
    matches: tuple[Match, ...]
    compared: int
    earlier: int = 0
    skipped: tuple[Skipped, ...] = ()


def check_threshold(threshold: float) -> float:
    if not 0 < threshold <= 1:
        raise ValueError(f"the similarity threshold must be above 0 and at most 1, not {threshold}")
    return threshold


def compare(
    current: Sequence[Source | Skipped],
    earlier: Sequence[Source | Skipped] = (),
    skeletons: Sequence[Source] = (),
    threshold: float = DEFAULT_THRESHOLD,
) -> Findings:
    """Every pair of `current`, and each of `current` with each of `earlier` (an earlier term's submissions are not
    compared among themselves)."""
    check_threshold(threshold)
    try:
        from copydetect import CodeFingerprint, compare_files  # here: the grading images do not carry copydetect
    except ImportError as exc:
        raise SimilarityUnavailable(str(exc)) from None

    boilerplate = _boilerplate(CodeFingerprint, skeletons)
    skipped = [item for item in (*current, *earlier) if isinstance(item, Skipped)]
    prints: dict[str, tuple[Source, CodeFingerprint]] = {}
    for source in (item for item in (*current, *earlier) if isinstance(item, Source)):
        found = _fingerprint(CodeFingerprint, source, boilerplate)
        if isinstance(found, Skipped):
            skipped.append(found)
        else:
            prints[source.key] = (source, found)
    now = [pair for pair in prints.values() if not pair[0].earlier]
    before = [pair for pair in prints.values() if pair[0].earlier]
    pairs = [(x, y) for i, x in enumerate(now) for y in now[i + 1 :]] + [(x, y) for x in now for y in before]
    matches = [m for x, y in pairs if (m := _match(compare_files, x, y, threshold)) is not None]
    matches.sort(key=lambda m: (-m.share, -m.overlap, m.a.shown, m.b.shown))
    return Findings(threshold, tuple(matches), len(now), len(before), tuple(skipped))


def _boilerplate(fingerprint: type[CodeFingerprint], skeletons: Sequence[Source]) -> np.ndarray:
    """Every fingerprint of the skeletons (a window of one, as copydetect builds its own boilerplate)."""
    hashes: set[int] = set()
    for skeleton in skeletons:
        hashes |= fingerprint(skeleton.file, NOISE_CHARS, 1, fp=io.StringIO(skeleton.code), language="python").hashes
    return np.array(sorted(hashes), dtype=np.int64)


def _fingerprint(
    fingerprint: type[CodeFingerprint], source: Source, boilerplate: np.ndarray
) -> CodeFingerprint | Skipped:
    window = GUARANTEE_CHARS - NOISE_CHARS + 1
    try:
        found = fingerprint(
            source.file,
            NOISE_CHARS,
            window,
            boilerplate,
            fp=io.StringIO(source.code[_lead(source.code) :]),
            language="python",
        )
    except (RecursionError, ValueError) as exc:  # pygments or numpy on code no student meant to write
        return Skipped(source.shown, source.file, say("similarity.unreadable", error=type(exc).__name__))
    if len(found.offsets):
        # copydetect 0.5.0 records a class name's length where the running offset belongs; the running maximum puts
        # such an entry back at its neighbour's, so a match that starts at a class name is highlighted where it is.
        found.offsets[:, 1] = np.maximum.accumulate(found.offsets[:, 1])
    return found


def _lead(code: str) -> int:
    """What pygments drops from the start of the code before lexing (a BOM, blank lines), which copydetect's
    positions do not count: it is cut before fingerprinting and added back to every span."""
    start = 1 if code.startswith("\ufeff") else 0
    return len(code) - len(code[start:].lstrip("\n"))


def _match(
    compare_files: Callable[..., Any],
    x: tuple[Source, CodeFingerprint],
    y: tuple[Source, CodeFingerprint],
    threshold: float,
) -> Match | None:
    """The pair's match when it is reported: either share at the threshold, `MIN_OVERLAP` tokens in common."""
    (a, print_a), (b, print_b) = x, y
    if not print_a.hashes & print_b.hashes:
        return None
    overlap, (share_a, share_b), (slices_a, slices_b) = compare_files(print_a, print_b)
    if max(share_a, share_b) < threshold or overlap < MIN_OVERLAP:
        return None
    spans_a, spans_b = _spans(slices_a, a.code), _spans(slices_b, b.code)
    return Match(a, b, float(share_a), float(share_b), int(overlap), spans_a, spans_b)


def _spans(slices: np.ndarray, code: str) -> tuple[tuple[int, int], ...]:
    """copydetect's 2xN slice array as sorted, merged (start, end) ranges inside `code`."""
    lead = _lead(code)
    ranges = sorted(
        (max(0, int(start) + lead), min(len(code), int(end) + lead))
        for start, end in zip(slices[0], slices[1], strict=True)
    )
    merged: list[tuple[int, int]] = []
    for start, end in ranges:
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)
