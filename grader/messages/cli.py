"""The console's own wording for students: `grader check` (marks, totals, progress) and `grader run`."""

from grader.messages.catalogue import define

define(
    {
        "cli.mark.pass": ("PASS", "통과"),
        "cli.mark.fail": ("FAIL", "실패"),
        "cli.mark.note": ("NOTE", "참고"),
        "cli.check.line": (
            "{mark} {check_id} · {title} ({score}/{points})",
            "{mark} {check_id} · {title} ({score}/{points}점)",
        ),
        "cli.check.total": (
            "Visible checks: {earned}/{total} points ({profile} profile).",
            "공개 항목: {total}점 중 {earned}점 ({profile} 프로필).",
        ),
        "cli.check.hidden": (
            "{count} more check(s) are graded after the due date (e.g. accuracy on held-out images).",
            "{count}개 항목은 마감일 이후에 채점합니다 (예: 여러분의 코드가 보지 못한 비공개 평가 이미지로 잰 정확도).",
        ),
        "cli.progress.status": ("grading {name}: {doing} ({elapsed})", "{name} 채점 중: {doing} ({elapsed})"),
        "cli.progress.line": ("[{elapsed}] {doing}", "[{elapsed}] {doing}"),
        "cli.progress.run_line": ("[{run} {elapsed}] {doing}", "[{run} {elapsed}] {doing}"),
        "cli.progress.starting": ("starting the grader", "채점기를 시작하고 있습니다"),
        "cli.progress.prepare": (
            "loading the framework and the dataset",
            "프레임워크와 데이터셋을 불러오고 있습니다",
        ),
        "cli.progress.prepare_framework": (
            "loading {framework} and the dataset",
            "{framework}{framework:와} 데이터셋을 불러오고 있습니다",
        ),
        "cli.progress.slow_loading": (
            "{doing} — the first run after installing or restarting the computer can take a minute",
            "{doing} — 설치하거나 컴퓨터를 다시 켠 뒤 처음 실행할 때는 1분쯤 걸릴 수 있습니다",
        ),
        "cli.progress.counted": ("{doing} — {count}", "{doing} — {count}"),
        "cli.progress.epoch": ("epoch {epoch}", "에포크 {epoch}"),
        "cli.progress.epoch_of": ("epoch {epoch}/{epochs}", "에포크 {epoch}/{epochs}"),
        "cli.progress.batch": ("batch {batch}", "배치 {batch}"),
        "cli.progress.batch_of": ("batch {batch}/{batches}", "배치 {batch}/{batches}"),
        "cli.progress.epoch_batch": ("{epoch}, {batch}", "{epoch}, {batch}"),
        "cli.check_file": ("Checking {file}", "확인하는 파일: {file}"),
        "cli.check_no_file": (
            "None of {files} is in {folder}. Run grader check in the folder that holds your file, or name it: "
            "grader check {id} path/to/submission.ipynb",
            "이 폴더에 제출할 파일({files})이 없습니다: {folder}. 제출할 파일이 있는 폴더에서 grader check를 "
            "실행하거나, 파일을 직접 지정하세요: grader check {id} path/to/submission.ipynb",
        ),
        "cli.check_only_skeleton": (
            "{file} is the assignment's skeleton, unchanged: nothing of yours to check yet. Edit it, or name your own "
            "file: grader check {id} path/to/your/file",
            "아직 고치지 않은 과제 뼈대 파일이라 확인할 내용이 없습니다: {file}. 파일을 고치거나, 여러분의 파일을 "
            "직접 지정하세요: grader check {id} path/to/your/file",
        ),
        "cli.progress.import": ("importing your file", "제출한 파일을 불러오고 있습니다"),
        "cli.progress.step": ("running your `{step}`", "여러분의 `{step}` 코드를 실행하고 있습니다"),
        "cli.progress.fit": (
            "training your model with the grader's Trainer",
            "채점기의 Trainer로 여러분의 모델을 학습하고 있습니다",
        ),
        "cli.progress.export_weights": ("saving the trained weights", "학습된 가중치를 저장하고 있습니다"),
        "cli.progress.experiment": (
            "running your `train_one_epoch` on the grader's own batches (the training experiment)",
            "채점기가 준비한 batch로 여러분의 `train_one_epoch`을 실행하고 있습니다 (학습 실험)",
        ),
        "cli.progress.done": ("checking the results", "결과를 확인하고 있습니다"),
        "cli.weak_isolation": (
            "Student code runs as your own user here ({problem}): this protects against accidents, not against a "
            "student who attacks the grader. Install bubblewrap (apt-get install bubblewrap), or grade as root, in "
            "Docker (--backend docker-cpu) or on a platform.",
            "여기서는 학생 코드가 여러분의 사용자 권한으로 실행됩니다 ({problem}). "
            "실수는 막지만, 채점기를 공격하는 학생은 막지 못합니다. "
            "bubblewrap을 설치하거나(apt-get install bubblewrap), root로, "
            "Docker에서(--backend docker-cpu) 또는 플랫폼에서 채점하세요.",
        ),
        "cli.run.start": (
            "Running {file} as __main__ on {dataset} ({profile} profile: {train} training and {test} test images), "
            "offline, in the folder {folder}",
            "{file}{file:을} __main__으로 실행합니다. 데이터셋: {dataset} ({profile} 프로필: 학습 이미지 {train}장, "
            "테스트 이미지 {test}장), 오프라인, 작업 폴더: {folder}",
        ),
        "cli.run.previous": (
            "The previous run's folder is kept as {folder}.",
            "이전 실행의 폴더는 {folder}{folder:으로} 이름을 바꿔 남겨 두었습니다.",
        ),
        "cli.run.kept": (
            "Your program's working folder, with whatever it saved, is kept: {folder}",
            "프로그램의 작업 폴더는 프로그램이 저장한 파일과 함께 그대로 남아 있습니다: {folder}",
        ),
        "cli.run.notebook": (
            "A notebook runs top to bottom, every code cell; IPython magics and `!` shell lines are skipped.",
            "노트북은 모든 코드 셀을 위에서 아래로 실행하며, IPython 매직과 `!` 셸 명령 줄은 건너뜁니다.",
        ),
        "cli.run.magics_skipped": (
            "{where}: IPython magics and `!` shell lines skipped.",
            "{where}: IPython 매직과 `!` 셸 명령 줄을 건너뜁니다.",
        ),
        "cli.run.colab_skipped": (
            "Skipped, as they work only in Colab (google.colab exists nowhere else):\n{lines}",
            "Colab에서만 동작하므로 건너뜁니다 (google.colab 모듈은 Colab에만 있습니다):\n{lines}",
        ),
        "cli.run.exit": (
            "Your program ended with exit code {code} after {seconds:.1f} s.",
            "프로그램이 {seconds:.1f}초 만에 끝났습니다 (종료 코드 {code}).",
        ),
        "cli.run.signal": (
            "Your program was killed by signal {signal} after {seconds:.1f} s.",
            "프로그램이 {seconds:.1f}초 만에 시그널 {signal}{signal:으로} 강제 종료되었습니다.",
        ),
        "cli.run.timeout": (
            "The grader stopped your program after {limit:g} s (the time limit; change it with --time-limit).",
            "시간 제한({limit:g}초)이 지나 grader가 프로그램을 멈췄습니다 (--time-limit으로 바꿀 수 있습니다).",
        ),
    }
)
