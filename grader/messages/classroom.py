"""The wording of `grader classroom` around the checks' own messages: the CI log, the job summary and the messages the
grading reporter shows. `Points <score>/<max>` is not here: it is the autograding actions' own marker, the same in
every language."""

from grader.messages.catalogue import define

define(
    {
        "classroom.mark.pass": ("pass", "통과"),
        "classroom.mark.fail": ("fail", "실패"),
        "classroom.mark.error": ("error", "오류"),
        "classroom.mark.later": ("later", "보류"),
        "classroom.column.check": ("check", "검사"),
        "classroom.column.result": ("result", "결과"),
        "classroom.column.points": ("points", "점수"),
        "classroom.column.details": ("details", "설명"),
        "classroom.heading": ("{assignment}: {score}/{max_score} points", "{assignment}: {score}/{max_score}점"),
        "classroom.not_graded": ("{assignment}: not graded", "{assignment}: 채점되지 않음"),
        "classroom.not_graded_points": ("not graded", "채점되지 않음"),
        "classroom.not_earned": (
            "The autograder could not grade this submission; no score is reported. This is not a score you earned.",
            "자동 채점기가 이 제출물을 채점하지 못해 점수를 보고하지 않습니다. 여러분이 받은 점수가 아닙니다.",
        ),
        "classroom.withheld_details": (
            "Details are shown after the due date (visibility: {visibility}).",
            "자세한 결과는 마감 후에 공개됩니다 (visibility: {visibility}).",
        ),
        "classroom.unknown_profile": (
            "unknown profile {profile} (known: {known})",
            "알 수 없는 프로필 {profile} (사용할 수 있는 프로필: {known})",
        ),
        "classroom.unknown_backend": (
            "unknown backend {backend} (known: {known})",
            "알 수 없는 backend {backend} (사용할 수 있는 backend: {known})",
        ),
        "classroom.no_repository": (
            "{repo}: the repository folder is not there",
            "{repo}: 저장소 폴더가 없습니다",
        ),
    }
)
