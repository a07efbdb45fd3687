"""The similarity findings as the instructor reads them: `similarity.csv` (every pair above the threshold) and a
section of report.html with each pair's two files side by side, the code they have in common highlighted.

Everything a student controls (names, file names, code) is escaped with `html.escape`; the section has no script and
no external asset. Long files are shown around their matches only, and the page is bounded: at most `MAX_PAIRS_SHOWN`
pairs, `MAX_LINES_SHOWN` lines a side, `MAX_LINE_CHARS` characters a line.
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Callable
from pathlib import Path

from grader import atomic
from grader.messages import check_lang, say
from grader.outputs.html_report import ExtraSection
from grader.similarity.engine import MIN_OVERLAP, NOISE_CHARS, Findings, Match
from grader.similarity.sources import Skipped, Source

FILENAME = "similarity.csv"
MAX_PAIRS_SHOWN = 50
MAX_LINES_SHOWN = 200
MAX_LINE_CHARS = 300
CONTEXT_LINES = 2
"""Lines kept around each match, so the highlighted code reads in its place."""
COLUMNS = (
    "student_a", "student_b", "share_a_in_b", "share_b_in_a", "tokens_in_common",
    "file_a", "file_b", "folder_a", "folder_b", "b_is_earlier",
)  # fmt: skip
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

CSS = """
.sim-sides { display: grid; grid-template-columns: 1fr 1fr; gap: .6rem; margin-bottom: 1.5rem; }
.sim-side { min-width: 0; }
.sim-file { font-weight: bold; margin: .3rem 0; overflow-wrap: anywhere; }
.sim-code { background: #f7f7f9; border: 1px solid #ddd; padding: .4rem; overflow-x: auto; font-size: .8rem;
  margin: 0; }
.sim-code mark { background: #ffd27a; }
.sim-code .ln { color: #888; display: inline-block; min-width: 3.2em; user-select: none; }
.sim-code .gap { color: #666; font-style: italic; }
"""


def csv_text(findings: Findings) -> str:
    """Every reported pair, most alike first; shares as fractions (0.973), tokens as copydetect counts them."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for m in findings.matches:
        row = [m.a.shown, m.b.shown, f"{m.share_a:.3f}", f"{m.share_b:.3f}", str(m.overlap), m.a.file, m.b.file]
        row += [m.a.key, m.b.key, "yes" if m.b.earlier else "no"]
        writer.writerow([_cell(value) for value in row])
    return utf8_safe(buffer.getvalue())


def write_csv(findings: Findings, out: Path) -> Path:
    """UTF-8 with a BOM, like the gradebook, so spreadsheets read Korean names."""
    return atomic.write_text(out / FILENAME, csv_text(findings), encoding="utf-8-sig")


def utf8_safe(text: str) -> str:
    """Lone surrogates (a notebook's JSON may hold `\\ud800`, a file name bytes that are not UTF-8) written as escapes,
    so the file can always be written."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _cell(text: str) -> str:
    # A name like `=HYPERLINK(...)` would run as a formula when the file is opened in a spreadsheet.
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def render_section(findings: Findings, lang: str = "en") -> ExtraSection:
    """The report.html section: what was compared, the pairs, each pair's files side by side, what was skipped."""
    check_lang(lang)

    def text(message_id: str, **params: object) -> str:
        return html.escape(say(f"similarity.{message_id}", **params).render(lang))

    explained = text("explained", noise=NOISE_CHARS, threshold=_percent(findings.threshold), min_overlap=MIN_OVERLAP)
    body = [f"<h2>{text('heading')}</h2>", f'<p class="caption">{explained}</p>']
    if findings.earlier:
        body.append(f"<p>{text('compared_earlier', count=findings.compared, earlier=findings.earlier)}</p>")
    else:
        body.append(f"<p>{text('compared', count=findings.compared)}</p>")
    if not findings.matches:
        body.append(f'<p class="none">{text("none_above")}</p>')
    else:
        body += [_pair_table(findings, lang, text), f'<p class="caption">{text("caption")}</p>']
        for number, match in enumerate(findings.matches[:MAX_PAIRS_SHOWN], start=1):
            body.append(_pair(number, match, lang, text))
        if len(findings.matches) > MAX_PAIRS_SHOWN:
            body.append(f'<p class="none">{text("more_pairs", count=len(findings.matches) - MAX_PAIRS_SHOWN)}</p>')
    body += _skipped(findings.skipped, lang, text)
    return ExtraSection(utf8_safe('<section id="similarity">\n' + "\n".join(body) + "\n</section>"), CSS)


def render_note(message_id: str, lang: str = "en", **params: object) -> ExtraSection:
    """The section when there are no findings to show: not recomputed, copydetect missing, the step failed."""
    note = html.escape(utf8_safe(say(f"similarity.{message_id}", **params).render(check_lang(lang))))
    heading = html.escape(say("similarity.heading").render(lang))
    return ExtraSection(f'<section id="similarity">\n<h2>{heading}</h2>\n<p class="none">{note}</p>\n</section>')


def _percent(share: float) -> str:
    return f"{100 * share:.0f}"


def _name(source: Source, lang: str) -> str:
    return say("similarity.earlier", name=source.shown).render(lang) if source.earlier else source.shown


def _pair_table(findings: Findings, lang: str, text: Callable[..., str]) -> str:
    headings = ["#", "A", "B", text("share_a"), text("share_b"), text("tokens")]
    lines = ["<table>", "<tr>" + "".join(f"<th>{h}</th>" for h in headings) + "</tr>"]
    for number, m in enumerate(findings.matches[:MAX_PAIRS_SHOWN], start=1):
        cells = [
            f'<a href="#similar-{number}">{number}</a>',
            html.escape(_name(m.a, lang)),
            html.escape(_name(m.b, lang)),
            f"{_percent(m.share_a)}%",
            f"{_percent(m.share_b)}%",
            str(m.overlap),
        ]
        lines.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
    lines.append("</table>")
    return "\n".join(lines)


def _pair(number: int, m: Match, lang: str, text: Callable[..., str]) -> str:
    title = text(
        "pair",
        a=_name(m.a, lang),
        b=_name(m.b, lang),
        share_a=_percent(m.share_a),
        share_b=_percent(m.share_b),
        overlap=m.overlap,
    )
    sides = [_side(m.a, m.spans_a, lang, text), _side(m.b, m.spans_b, lang, text)]
    return f'<h3 id="similar-{number}">{number}. {title}</h3>\n<div class="sim-sides">{"".join(sides)}</div>'


def _side(source: Source, spans: tuple[tuple[int, int], ...], lang: str, text: Callable[..., str]) -> str:
    label = html.escape(f"{_name(source, lang)} — {source.file}")
    code = _code(source, spans, text)
    return f'<div class="sim-side"><div class="sim-file">{label}</div><pre class="sim-code">{code}</pre></div>'


def _code(source: Source, spans: tuple[tuple[int, int], ...], text: Callable[..., str]) -> str:
    """The lines around the matches, each match in <mark>; runs of other lines folded into one line that counts them."""
    lines = _lines(source.code)
    marked = [_marks(start, end, spans) for start, end in lines]
    near = {i + d for i, marks in enumerate(marked) if marks for d in range(-CONTEXT_LINES, CONTEXT_LINES + 1)}
    shown: list[str] = []
    gap = 0
    for i, (start, end) in enumerate(lines):
        if i not in near:
            gap += 1
            continue
        if gap:
            shown.append(f'<span class="gap">{text("elided", lines=gap)}</span>')
            gap = 0
        if len(shown) >= MAX_LINES_SHOWN:
            rest = len(lines) - i
            shown.append(f'<span class="gap">{text("cut", lines=rest)}</span>')
            return "\n".join(shown)
        place = html.escape(source.place(i + 1))
        shown.append(f'<span class="ln">{place}</span>{_line(source.code, start, end, marked[i])}')
    if gap:
        shown.append(f'<span class="gap">{text("elided", lines=gap)}</span>')
    return "\n".join(shown)


def _lines(code: str) -> list[tuple[int, int]]:
    """(start, end) of each line of `code`, its newline left out (the code has `\\n` line endings only)."""
    found, start = [], 0
    for line in code.split("\n"):
        found.append((start, start + len(line)))
        start += len(line) + 1
    if found and found[-1][0] == found[-1][1] == len(code):
        found.pop()  # the empty "line" after a final newline
    return found


def _marks(start: int, end: int, spans: tuple[tuple[int, int], ...]) -> list[tuple[int, int]]:
    return [(max(start, s), min(end, e)) for s, e in spans if s < end and e > start]


def _line(code: str, start: int, end: int, marks: list[tuple[int, int]]) -> str:
    """One line, escaped, its matched parts in <mark>, cut at MAX_LINE_CHARS."""
    stop = min(end, start + MAX_LINE_CHARS)
    parts, at = [], start
    for s, e in marks:
        s, e = max(s, at), min(e, stop)
        if s >= e:
            continue
        parts += [html.escape(code[at:s]), f"<mark>{html.escape(code[s:e])}</mark>"]
        at = e
    parts.append(html.escape(code[at:stop]))
    if stop < end:
        parts.append(" …")
    return "".join(parts)


def _skipped(skipped: tuple[Skipped, ...], lang: str, text: Callable[..., str]) -> list[str]:
    if not skipped:
        return []
    items = "".join(
        f"<li>{html.escape(f'{s.shown} — {s.file}: {s.reason.render(lang)}')}</li>"
        for s in sorted(skipped, key=lambda s: s.shown)
    )
    return [f"<h3>{text('skipped_heading')}</h3>", f"<ul>{items}</ul>"]
