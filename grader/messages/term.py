"""The wording of the course's term in every output: the roster, lateness and the instructor's adjustments."""

from grader.messages.catalogue import define

define(
    {
        "term.not_submitted": (
            "On the roster, but no submission was found.",
            "명단에 있지만 제출물을 찾지 못했습니다.",
        ),
        "term.not_on_roster": ("not on the roster", "명단에 없음"),
        "term.unclaimed_adjustment": (
            "adjustments.csv: {student} ({check}) is no one in this class; the row was not applied.",
            "adjustments.csv: {student:은} 이 반에 없는 학생입니다 ({check}). 이 줄은 적용하지 않았습니다.",
        ),
        "term.heading": ("Due date and adjustments", "제출 기한과 점수 조정"),
        "term.on_time": (
            "Submitted {submitted}, due {due}: on time.",
            "{submitted}에 제출, 마감 {due}: 기한 내 제출입니다.",
        ),
        "term.late": (
            "Submitted {submitted}, due {due}: {days} day(s) late, -{percent}% ({points} points).",
            "{submitted}에 제출, 마감 {due}: {days}일 늦어 {percent}% 감점 ({points}점).",
        ),
        "term.time_unknown": (
            "Due {due}; the submission time is not known, so it is not counted as late.",
            "마감 {due}. 제출 시각을 알 수 없어 늦은 제출로 보지 않았습니다.",
        ),
        "term.adjustment": ("{check}: {points} points ({by}): {comment}", "{check}: {points}점 ({by}): {comment}"),
        "term.final": ("Final score: {final} / {max}", "최종 점수: {max}점 중 {final}점"),
        "term.late_heading": ("Late submissions", "늦은 제출"),
        "term.adjustments_heading": ("Manual adjustments", "수동 점수 조정"),
        "term.unlisted_heading": ("Submissions by no one on the roster", "명단에 없는 학생의 제출물"),
        "term.submitted": ("submitted", "제출 시각"),
        "term.due": ("due", "마감"),
        "term.late_days": ("days late", "늦은 일수"),
        "term.penalty": ("penalty", "감점"),
        "term.points": ("points", "점수"),
        "term.comment": ("comment", "사유"),
        "term.by": ("by", "조정한 사람"),
        "term.final_heading": ("final", "최종"),
    }
)
