"""What a result graded on a Dask cluster says to the student: which machine graded it, and, when none could, why
that is not their score."""

from grader.messages.catalogue import define

define(
    {
        "cluster.graded_on": (
            "Graded on {host} (Dask worker {address}).",
            "{host} 에서 채점했습니다 (Dask 워커 {address}).",
        ),
        "cluster.refused": (
            "the grading machine {host} is set up differently from the machine that runs the grading session "
            "({differences}), so it did not grade this: one class is graded in one environment",
            "채점 머신 {host} 의 설정이 채점 세션을 실행하는 머신과 달라서 ({differences}) 이 제출물을 채점하지 "
            "않았습니다. 한 반의 제출물은 모두 같은 환경에서 채점합니다",
        ),
        "cluster.difference": ("{what} {found} instead of {expected}", "{what} {found}, 기대한 값 {expected}"),
        "cluster.what.grader_source": ("grader source", "채점기 소스"),
        "cluster.what.spec": ("assignment spec", "과제 명세"),
        "cluster.what.environment": ("grading environment", "채점 환경"),
        "cluster.what.dataset": ("dataset", "데이터셋"),
        "cluster.lost": (
            "every grading machine that started this submission stopped before it finished ({error})",
            "이 제출물의 채점을 시작한 채점 머신이 모두 채점을 마치기 전에 멈췄습니다 ({error})",
        ),
        "cluster.failed": (
            "the grading cluster could not grade this ({error})",
            "채점 클러스터가 이 제출물을 채점하지 못했습니다 ({error})",
        ),
        "cluster.unusable": (
            "the grading machine {host} could not grade this ({error})",
            "채점 머신 {host}{host:이} 이 제출물을 채점하지 못했습니다 ({error})",
        ),
    }
)
