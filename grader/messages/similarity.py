"""The wording of the similarity report (grader/similarity/), for the instructor: a section of report.html and the
session's one line about it."""

from grader.messages.catalogue import define

define(
    {
        "similarity.heading": ("Similar code", "유사한 코드"),
        "similarity.explained": (
            "Pairs whose code is alike once names, strings and comments are set aside and the skeleton's code is left "
            "out (copydetect: matches of {noise} or more normalised characters, wherever they are in the file). A pair "
            "is listed when at least {threshold}% of either one's code is found in the other and they have at least "
            "{min_overlap} tokens in common (a name counts as one). This is for you to look at: it never changes a "
            "score, and code the assignment dictates is alike in honest work too.",
            "변수 이름, 문자열, 주석을 빼고 과제 뼈대 코드를 제외한 뒤에도 코드가 닮은 쌍입니다 "
            "(copydetect: 파일 안 어디에 있든 정규화된 문자 {noise}개 이상이 일치하는 부분). "
            "어느 한쪽 코드의 {threshold}% 이상이 다른 쪽에 있고 공통 토큰이 {min_overlap}개 이상"
            "(이름 하나는 토큰 하나)인 쌍만 보입니다. 검토용일 뿐 점수를 바꾸지 않으며, "
            "과제가 정해 준 코드는 정직한 답안끼리도 닮습니다.",
        ),
        "similarity.compared": ("{count} submission(s) compared.", "제출물 {count}개를 비교했습니다."),
        "similarity.compared_earlier": (
            "{count} submission(s) compared with each other and with {earlier} earlier submission(s), which are not "
            "compared among themselves.",
            "제출물 {count}개를 서로, 그리고 이전 제출물 {earlier}개와 비교했습니다 (이전 제출물끼리는 비교하지 "
            "않습니다).",
        ),
        "similarity.none_above": ("No pair reaches the threshold.", "기준에 이르는 쌍이 없습니다."),
        "similarity.pair": (
            "{a} and {b}: {share_a}% of {a}'s code is in {b}'s, {share_b}% of {b}'s in {a}'s; {overlap} tokens in "
            "common",
            "{a}, {b}: {a}의 코드 중 {share_a}%가 {b}에, {b}의 코드 중 {share_b}%가 {a}에 있음; 공통 토큰 {overlap}개",
        ),
        "similarity.share_a": ("A → B: share of A's code found in B", "A → B: A의 코드 중 B에 있는 비율"),
        "similarity.share_b": ("B → A: share of B's code found in A", "B → A: B의 코드 중 A에 있는 비율"),
        "similarity.tokens": ("tokens in common", "공통 토큰"),
        "similarity.earlier": ("{name} (earlier)", "{name} (이전 제출물)"),
        "similarity.caption": (
            "Highlighted: the code found in both files, in each file's own order. The numbers are lines; in a "
            "notebook, cell:line, cells counted as Jupyter shows them.",
            "강조된 부분이 두 파일 모두에 있는 코드이며, 각 파일의 순서대로 보입니다. 번호는 줄 번호이고, 노트북에서는 "
            "Jupyter가 보여 주는 셀 번호를 써서 셀:줄입니다.",
        ),
        "similarity.elided": ("… {lines} line(s) not in common …", "… 공통이 아닌 {lines}줄 …"),
        "similarity.cut": (
            "… the rest is not shown ({lines} more line(s)) …",
            "… 나머지는 보이지 않습니다 ({lines}줄 더) …",
        ),
        "similarity.more_pairs": (
            "{count} more pair(s) above the threshold are in similarity.csv only.",
            "기준을 넘는 쌍 {count}개는 similarity.csv에만 있습니다.",
        ),
        "similarity.skipped_heading": ("Not compared", "비교하지 않은 제출물"),
        "similarity.too_large": ("larger than {limit} KiB", "{limit} KiB보다 큽니다"),
        "similarity.binary": ("not text (it holds NUL bytes)", "텍스트가 아닙니다 (NUL 바이트가 있음)"),
        "similarity.not_utf8": ("not UTF-8 text", "UTF-8 텍스트가 아닙니다"),
        "similarity.not_a_file": ("not a regular file", "일반 파일이 아닙니다"),
        "similarity.unreadable": ("could not be read ({error})", "읽을 수 없습니다 ({error})"),
        "similarity.unavailable": (
            "Not computed: copydetect is not installed where the grader runs ({error}).",
            "계산하지 않았습니다: 채점기가 실행되는 곳에 copydetect가 설치되어 있지 않습니다 ({error}).",
        ),
        "similarity.failed": (
            "Not computed: the similarity step failed ({error}). Grading and every other output are unaffected.",
            "계산하지 않았습니다: 유사도 단계가 실패했습니다 ({error}). 채점과 다른 출력에는 영향이 없습니다.",
        ),
        "similarity.not_recomputed": (
            "Not recomputed: this run regraded only some students. similarity.csv is from the last run over the whole "
            "class; grade the class folder again to refresh it.",
            "다시 계산하지 않았습니다: 이번 실행에서는 일부 학생만 다시 채점했습니다. "
            "similarity.csv는 반 전체를 마지막으로 채점했을 때의 것입니다. "
            "새로 만들려면 반 폴더 전체를 다시 채점하세요.",
        ),
        "similarity.console": (
            "similarity: {pairs} pair(s) at or above {threshold}% among {count} submission(s); see {path}",
            "유사도: 제출물 {count}개 가운데 {threshold}% 이상인 쌍 {pairs}개; {path} 참고",
        ),
        "similarity.console_skipped": (
            "similarity: {file} of {student} was not compared: {reason}",
            "유사도: {student}의 {file:은} 비교하지 않았습니다: {reason}",
        ),
    }
)
