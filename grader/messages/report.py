"""The wording of report.html, the instructor's class page. Axis titles go in captions under each plot, not inside
the picture, so they read in Korean without depending on which fonts the grading machine has."""

from grader.messages.catalogue import define

define(
    {
        "report.submissions": ("submissions", "제출물"),
        "report.graded": ("graded", "채점됨"),
        "report.missing": ("missing", "미제출"),
        "report.not_graded": ("not graded", "채점되지 않음"),
        "report.mean": ("mean score (graded)", "평균 점수 (채점된 제출물)"),
        "report.median": ("median score (graded)", "중앙값 (채점된 제출물)"),
        "report.no_submissions": ("No submissions.", "제출물이 없습니다."),
        "report.no_graded": ("No graded submissions.", "채점된 제출물이 없습니다."),
        "report.scores": ("Score distribution", "점수 분포"),
        "report.scores_axes": (
            "Horizontal: score (% of the maximum); vertical: submissions.",
            "가로: 점수 (만점 대비 %), 세로: 제출물 수.",
        ),
        "report.pass_rates": ("Pass rate per check", "검사 항목별 통과율"),
        "report.pass_rates_axes": ("Submissions passing each check (%).", "각 검사를 통과한 제출물 비율 (%)."),
        "report.accuracy": ("Accuracy on held-out images", "비공개 평가 이미지에서의 정확도"),
        "report.accuracy_axes": (
            "Horizontal: accuracy; vertical: submissions; dashed: the threshold.",
            "가로: 정확도, 세로: 제출물 수, 점선: 기준값.",
        ),
        "report.no_accuracy": ("No accuracy measured.", "측정된 정확도가 없습니다."),
        "report.loss": ("Training loss per epoch", "에포크별 학습 손실"),
        "report.loss_axes": (
            "Horizontal: epoch; vertical: mean training loss; one line per submission.",
            "가로: 에포크, 세로: 평균 학습 손실, 제출물마다 선 하나.",
        ),
        "report.no_loss": ("No training loss recorded.", "기록된 학습 손실이 없습니다."),
        "report.failures": ("Failures", "실패한 검사"),
        "report.no_failures": ("No failures.", "실패한 검사가 없습니다."),
        "report.missing_heading": (
            "Missing submissions (not in the scores above)",
            "미제출 (위 점수 통계에서 제외)",
        ),
        "report.unrecognised": (
            "Not recognised as anyone's submission",
            "누구의 제출물로도 인식되지 않은 항목",
        ),
        "report.student": ("student", "학생"),
        "report.assignment": ("assignment", "과제"),
        "report.check": ("check", "검사"),
        "report.reason": ("reason", "이유"),
        "report.manual_review": ("needs manual review", "수동 검토 필요"),
        "report.manual_review_heading": (
            "Needs manual review (the grader's observations contradict each other)",
            "수동 검토 필요 (채점기의 관찰 결과가 서로 맞지 않음)",
        ),
        "report.manual_review_note": (
            "manual review: {checks} (the grader's observations contradict each other)",
            "수동 검토 필요: {checks} (채점기의 관찰 결과가 서로 맞지 않음)",
        ),
    }
)
