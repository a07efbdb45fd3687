"""The words of an assignment graded in several sandbox runs: how a run ended, and why a saved file was not handed
from one run to the next."""

from grader.messages.catalogue import define

define(
    {
        "grading.run_ended": (
            "The `{run}` run of your code did not run to the end: {ending}.",
            "코드의 `{run}` 실행이 끝까지 진행되지 않았습니다: {ending}.",
        ),
        "stage.sandbox_silent": (
            "the sandbox of the `{run}` run ended before it was ready for the submission ({ending})",
            "`{run}` 실행의 샌드박스가 제출물을 실행할 준비를 마치기 전에 끝났습니다 ({ending})",
        ),
        "stage.not_prepared": (
            "the sandbox could not prepare the run",
            "샌드박스가 실행을 준비하지 못했습니다",
        ),
        "ending.no_handoff": (
            "this run was not started, because {problem}",
            "이 실행은 시작되지 않았습니다. {problem}",
        ),
        "step.unknown_run": (
            "`{name}` names no run of this assignment (its runs: {runs}); the assignment spec needs fixing",
            "`{name}`{name:은} 이 과제의 실행이 아닙니다 (실행: {runs}). 과제 명세를 고쳐야 합니다",
        ),
        "handoff.missing": (
            "no file `{file}` was saved at the path the grader gave",
            "채점기가 준 경로에 `{file}` 파일이 저장되지 않았습니다",
        ),
        "handoff.link": (
            "`{file}` was saved as a symbolic link, not as a file; the grader does not follow links",
            "`{file}`{file:이} 파일이 아니라 심볼릭 링크로 저장되었습니다. 채점기는 링크를 따라가지 않습니다",
        ),
        "handoff.folder": (
            "`{file}` was saved as a folder, not as one file",
            "`{file}`{file:이} 파일 하나가 아니라 폴더로 저장되었습니다",
        ),
        "handoff.not_file": (
            "`{file}` is not a regular file",
            "`{file}`{file:은} 일반 파일이 아닙니다",
        ),
        "handoff.unreadable": (
            "`{file}` could not be read ({problem})",
            "`{file}`{file:을} 읽을 수 없습니다 ({problem})",
        ),
        "handoff.too_big": (
            "`{file}` is {size} bytes, over the {limit} byte limit for a saved model",
            "`{file}`의 크기가 {size}바이트로, 저장된 모델의 한도 {limit}바이트를 넘습니다",
        ),
    }
)
