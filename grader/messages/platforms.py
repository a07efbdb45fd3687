"""What students read when the grader runs inside Gradescope or PrairieLearn: which file is missing or ambiguous, and,
when the autograder itself is at fault, that it is not their score and who can fix it."""

from grader.messages.catalogue import define

define(
    {
        "platforms.no_file": (
            "no file to grade: upload {accepted} (or one .py or .ipynb file) and submit again ({found})",
            "채점할 파일이 없습니다. {accepted} (또는 .py 나 .ipynb 파일 하나)를 올려 다시 제출하세요 ({found})",
        ),
        "platforms.empty": ("the submission is empty", "제출물이 비어 있습니다"),
        "platforms.found_other": ("found only: {files}", "찾은 파일: {files}"),
        "platforms.several_files": (
            "several files could be graded ({files}) and none is named {accepted}: submit only one, or name the one "
            "to grade {accepted}",
            "채점할 수 있는 파일이 여러 개({files})인데 {accepted} 이름의 파일이 없습니다. 파일을 하나만 제출하거나, "
            "채점할 파일의 이름을 {accepted}{accepted:으로} 바꾸세요",
        ),
        "platforms.not_gradable": (
            "PrairieLearn marked this submission as not gradable: fix the problems listed and submit again. This "
            "attempt does not count.",
            "PrairieLearn 이 이 제출물을 채점할 수 없다고 표시했습니다. 아래에 나온 문제를 고친 뒤 다시 제출하세요. "
            "이번 시도는 횟수에 들어가지 않습니다.",
        ),
        "platforms.setup_broken": (
            "The autograder is not set up correctly ({problem}). This is not your score: tell your instructor, who "
            "should export it again with `grader export {platform} <assignment>`.",
            "자동 채점기가 올바르게 설정되지 않았습니다 ({problem}). 여러분의 점수가 아닙니다. 강사에게 알려 주세요. "
            "강사는 `grader export {platform} <assignment>` 로 채점기를 다시 만들어야 합니다.",
        ),
        "platforms.dataset_missing": (
            "The autograder has no usable copy of the {dataset} dataset ({problem}). This is not your score: tell "
            "your instructor, who should export the autograder again on a machine that has {dataset} "
            "(`grader data fetch {dataset}`) or grade on a dataset the image holds (`--dataset`).",
            "자동 채점기에 쓸 수 있는 {dataset} 데이터셋이 없습니다 ({problem}). 여러분의 점수가 아닙니다. 강사에게 "
            "알려 주세요. 강사는 {dataset}{dataset:이} 있는 머신(`grader data fetch {dataset}`)에서 채점기를 "
            "다시 만들거나, 이미지에 있는 데이터셋으로 채점해야 합니다 (`--dataset`).",
        ),
        "platforms.no_user": (
            "The autograder cannot run your code as the unprivileged user {user}, who does not exist here. This is "
            "not your score: tell your instructor.",
            "자동 채점기가 권한이 없는 사용자 {user}{user:으로} 코드를 실행할 수 없습니다 (이 사용자가 없습니다). "
            "여러분의 점수가 아닙니다. 강사에게 알려 주세요.",
        ),
        "platforms.no_result": (
            "The grading process ended without a result (exit code {code}). This is not your score: tell your "
            "instructor.",
            "채점 프로세스가 결과 없이 끝났습니다 (exit code {code}). 여러분의 점수가 아닙니다. 강사에게 알려 주세요.",
        ),
        "platforms.crashed": (
            "The autograder itself failed ({error}). This is not your score: tell your instructor.",
            "자동 채점기 자체에 오류가 났습니다 ({error}). 여러분의 점수가 아닙니다. 강사에게 알려 주세요.",
        ),
        "platforms.pl_skeletons": ("Start from the skeleton:", "뼈대 코드에서 시작하세요:"),
        "platforms.pl_upload": (
            "Upload your file as {accepted}; it is graded offline, on the held-out images too.",
            "파일을 {accepted}{accepted:으로} 올리세요. 오프라인으로, 비공개 평가 이미지로도 채점합니다.",
        ),
        "platforms.pl_check": (
            "Each submission is graded when you submit it, and its results appear below it: one line per visible "
            "check, and the checks shown after the due date together in one line.",
            "제출할 때마다 채점되며, 결과는 제출물 아래에 나옵니다. 공개 항목은 한 줄에 하나씩, "
            "마감 후 공개되는 항목은 한 줄로 묶어 보여 줍니다.",
        ),
        "platforms.dataset_instead": (
            "This autograder grades on {dataset}, not on {task} as the task says: {loader} in your code gives "
            "{dataset} images here (the same format: 28x28 grayscale, 10 classes), so your code needs no change, and "
            "the accuracy threshold is {dataset}'s.",
            "이 자동 채점기는 과제 설명의 {task} 대신 {dataset}{dataset:으로} 채점합니다. 코드의 {loader}{loader:이} "
            "여기서는 같은 형식(28x28 흑백, 10개 클래스)의 {dataset} 이미지를 돌려주므로 코드를 고칠 필요가 없으며, "
            "accuracy 기준값도 {dataset}의 기준값입니다.",
        ),
        "platforms.not_installed": (
            "The autograder is not installed: its setup did not finish. This is not your score: tell your "
            "instructor, who should read the autograder's build log on Gradescope.",
            "자동 채점기가 설치되지 않았습니다. 설치 단계가 끝나지 않았습니다. 여러분의 점수가 아닙니다. 강사에게 "
            "알려 주세요. 강사는 Gradescope 에서 자동 채점기 빌드 로그를 확인해야 합니다.",
        ),
    }
)
