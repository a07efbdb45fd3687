"""The words around the checks: the result's summary, how the student's process ended, why a step has no record,
and the notice of a submission the grader could not grade."""

from grader.messages.catalogue import define

define(
    {
        "grading.summary": (
            "{assignment}: {score:g}/{total:g} points ({dataset}, {profile} profile, seed {seed}).",
            "{assignment}: {score:g}/{total:g}점 ({dataset}, {profile} 프로필, 시드 {seed}).",
        ),
        "grading.ended_early": (
            "Your program did not run to the end: {ending}.",
            "프로그램이 끝까지 실행되지 않았습니다: {ending}.",
        ),
        "grading.output_tail": ("Last lines your program printed:", "프로그램이 마지막으로 출력한 내용:"),
        "grading.not_graded": (
            "The autograder could not grade this submission. This is not a score you earned.",
            "자동 채점기가 이 제출물을 채점하지 못했습니다. 여러분이 받은 점수가 아닙니다.",
        ),
        "grading.not_graded_check": ("Not graded: {reason}", "채점되지 않음: {reason}"),
        "ending.time_limit": (
            "the grader stopped your code after {seconds:g} s (the time limit): look for an endless loop",
            "제한 시간 {seconds:g}초가 지나 채점기가 코드를 멈췄습니다. 무한 루프가 있는지 확인하세요",
        ),
        "ending.memory": (
            "your code ran out of memory (limit {memory_mb} MB)",
            "코드가 메모리를 모두 사용했습니다 (한도 {memory_mb} MB)",
        ),
        "ending.disk": (
            "your code wrote too much data into the grader's folders, so the grader stopped it",
            "코드가 채점기 폴더에 너무 많은 데이터를 써서 채점기가 코드를 멈췄습니다",
        ),
        "ending.signal": ("your code was killed by signal {signal}", "코드가 시그널 {signal}로 강제 종료되었습니다"),
        "ending.exit": (
            "your code ended the process early (exit code {code})",
            "코드가 프로세스를 일찍 끝냈습니다 (exit code {code})",
        ),
        "step.interrupted": (
            "the process stopped during this step",
            "이 단계를 실행하는 중에 프로세스가 멈췄습니다",
        ),
        "step.not_reached": ("not reached", "이 단계까지 실행되지 않았습니다"),
        "step.not_reached_after": ("not reached ({ending})", "이 단계까지 실행되지 않았습니다 ({ending})"),
        "step.not_reached_during": (
            "not reached: the process stopped during `{step}` ({ending})",
            "이 단계까지 실행되지 않았습니다. `{step}` 실행 중에 프로세스가 멈췄습니다 ({ending})",
        ),
        "step.record_refused": (
            "the grader refused this step's record: {problem}",
            "채점기가 이 단계의 기록을 거부했습니다: {problem}",
        ),
        "step.record_unreadable": (
            "the grader could not read this step's record",
            "채점기가 이 단계의 기록을 읽지 못했습니다",
        ),
    }
)
