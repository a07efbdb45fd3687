"""A report, for the instructor, of pairs of submissions whose code is alike beyond renamed variables and reordered
cells, across a class and optionally an earlier term's submissions. It never changes a score.

    sources   each submission's graded file as data: a `.py` as written, a notebook as its code cells top to bottom
              (bounded in size; a binary, non-UTF-8 or oversized file is skipped and listed, never fatal)
    engine    copydetect: tokens normalised (names -> V/F/O, strings -> S, comments and layout gone), winnowed
              fingerprints of 30 normalised characters, the skeleton's fingerprints removed from every file
    report    similarity.csv and a section of report.html with each pair's files side by side, matches highlighted
    step      the part of `grader grade` that runs it; cli: its options (`--similarity`, `--similarity-against DIR`,
              `--similarity-threshold X`)

How to read it. For each pair, "A → B" is the share of A's code (skeleton left out) that is also in B, and "B → A" the
reverse; they differ when one file is longer (a student who copied and then added code has the smaller share). A
pair is listed when either share reaches the threshold (default 0.6) and they have at least 100 tokens in common.
Calibrated on 02_torch_loop (tests/test_similarity.py): independent correct solutions share 13-43% (the code the
assignment dictates is alike in honest work: the layers, the training loop's six calls), a copy with renamed variables
and functions moved around 88-99%, a notebook and its `.py` 77-94%. A listed pair is a reason to look at the two
files, not a verdict. Each pair's section shows both files around their matches, the shared code highlighted.
"""

from grader.similarity.cli import add_options, options_from
from grader.similarity.step import SimilarityOptions, Step, run_step

__all__ = ["SimilarityOptions", "Step", "add_options", "options_from", "run_step"]
