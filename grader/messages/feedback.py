"""The fixed wording of feedback.md around the checks' own messages."""

from grader.messages.catalogue import define

define(
    {
        "feedback.title": ("Feedback", "피드백"),
        "feedback.assignment": ("Assignment", "과제"),
        "feedback.submission": ("Submission", "제출물"),
        "feedback.total": ("Total: {score} / {max} points", "총점: {score} / {max}점"),
        "feedback.points": ("{score} / {max} points", "{score} / {max}점"),
        "feedback.passed": ("passed", "통과"),
        "feedback.failed": ("failed", "실패"),
        "feedback.not_graded": (
            "not graded — this is a problem with the grading system, not your score; your instructor will re-run it",
            "채점되지 않음 — 채점 시스템의 문제이며 여러분의 점수가 아닙니다. 담당 교수자가 다시 채점할 것입니다",
        ),
        "feedback.not_graded_short": ("not graded", "채점되지 않음"),
        "feedback.missing": (
            "missing — no submission was found to grade, so no check could run",
            "미제출 — 채점할 제출물을 찾지 못해 어떤 검사도 실행하지 못했습니다",
        ),
        "feedback.missing_reason": ("What was found", "찾은 내용"),
        "feedback.missing_short": ("not run (missing)", "실행하지 않음 (미제출)"),
        "feedback.reason": ("Why it could not be graded", "채점하지 못한 이유"),
        "feedback.accuracy": (
            "Accuracy on held-out images: {accuracy:.4f} (threshold {threshold:.2f})",
            "비공개 평가 이미지에서의 정확도: {accuracy:.4f} (기준 {threshold:.2f})",
        ),
        "feedback.checks": ("Checks", "검사 항목"),
        "feedback.total_shown": (
            "Shown so far: {score} / {max} points; {later} more points are graded on checks shown after the due date",
            "지금까지 공개된 점수: {score} / {max}점 (마감 후 공개되는 검사 {later}점은 별도)",
        ),
        "feedback.withheld": ("shown after the due date", "마감 후 공개"),
        "feedback.withheld_points": ("{max} points", "{max}점"),
        "feedback.how_graded": ("How your file was graded", "채점한 방식"),
        "prairielearn.points": ("{score} / {total} points", "{total}점 중 {score}점"),
        "prairielearn.not_graded": (
            "Not graded: the autograder could not grade this submission. This is a problem with the grading system, "
            "not your score; your instructor will re-run it.",
            "채점되지 않음: 채점 시스템이 이 제출물을 채점하지 못했습니다. 점수가 아니라 채점 시스템의 문제이며, "
            "담당 교수자가 다시 채점할 것입니다.",
        ),
        "prairielearn.withheld": (
            "{count} check(s) shown after the due date",
            "마감 후 공개되는 검사 {count}개",
        ),
    }
)
