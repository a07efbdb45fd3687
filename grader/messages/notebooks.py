"""Messages about what is graded: the dataset chosen when none is named, which submitted file was graded, how a
notebook became the graded module, and why a notebook could not."""

from grader.messages.catalogue import define

define(
    {
        "notebook.cell": ("cell {cells}", "{cells}번 셀"),
        "notebook.cells": ("cells {cells}", "{cells}번 셀"),
        "notebook.magics_removed": (
            "{where}: IPython magics and shell commands (`%...`, `!...`) are not run by the grader.",
            "{where}: IPython 매직과 셸 명령(`%...`, `!...`)은 채점기가 실행하지 않습니다.",
        ),
        "notebook.colab_line": ("cell {cell}, line {line}: {code}", "{cell}번 셀 {line}번째 줄: {code}"),
        "notebook.colab_lines": (
            "cell {cell}, lines {first}-{last}: {code}",
            "{cell}번 셀 {first}-{last}번째 줄: {code}",
        ),
        "notebook.unused_cells": (
            "{where}: top-level code your functions do not use; not run.",
            "{where}: 함수와 클래스가 사용하지 않는 최상위 코드이므로 실행하지 않았습니다.",
        ),
        "notebook.not_a_notebook": (
            "{file} is not a Jupyter notebook (no list of cells): save it from Jupyter or Colab as .ipynb.",
            "{file}{file:은} Jupyter 노트북이 아닙니다(셀 목록이 없음). Jupyter 나 Colab 에서 .ipynb 로 저장하세요.",
        ),
        "notebook.version": (
            "{file} is in notebook format version {version}; the grader reads version 4 (Jupyter 4 and later, "
            "Colab). Open it in a current Jupyter or Colab and save it again.",
            "{file}{file:은} 노트북 형식 버전 {version} 입니다. grader는 버전 4 (Jupyter 4 이상, Colab) 를 읽습니다. "
            "최신 Jupyter 나 Colab 에서 열어 다시 저장하세요.",
        ),
        "notebook.invalid": (
            "{file} is not a valid notebook: {problem}. Open it in Jupyter or Colab and save it again.",
            "{file}{file:은} 올바른 노트북이 아닙니다: {problem}. Jupyter 나 Colab 에서 열어 다시 저장하세요.",
        ),
        "notebook.invalid_json": (
            "{file} cannot be read: it is not valid JSON ({problem}). Was it edited by hand or saved only in part? "
            "Download it again from Jupyter or Colab (File > Download > .ipynb).",
            "{file}{file:을} 읽을 수 없습니다: 올바른 JSON 이 아닙니다 ({problem}). 직접 편집했거나 "
            "일부만 저장되었나요? Jupyter 나 Colab 에서 다시 내려받으세요 (파일 > 다운로드 > .ipynb).",
        ),
        "notebook.too_large": (
            "{file} is {mb} MB, over the {limit} MB the grader reads. Clear the outputs (Edit > Clear all outputs) "
            "and save it again.",
            "{file} 의 크기가 {mb} MB 로, grader가 읽는 한도 {limit} MB 를 넘습니다. 출력을 모두 지우고 "
            "(편집 > 모든 출력 지우기) 다시 저장하세요.",
        ),
        "notebook.syntax_error": (
            "{file}, cell {cell}, line {line}: SyntaxError: {error}\n    {code}\n"
            "Python cannot read this cell, so it was not run; the other cells were graded. If a function you hand "
            "in is in this cell, fix the cell and run it again.",
            "{file}, {cell}번 셀, {line}번째 줄: SyntaxError: {error}\n    {code}\n"
            "Python이 이 셀을 읽을 수 없어 이 셀은 실행하지 않았고, 나머지 셀로 채점했습니다. 제출하는 함수가 이 셀에 "
            "있다면 셀을 고친 뒤 다시 실행해 보세요.",
        ),
        "dataset.fallback": (
            "{default} (this assignment's default dataset) is not installed here; grading on {chosen}. "
            "Choose with --dataset, or install it with `grader data fetch {default}`.",
            "이 과제의 기본 데이터셋인 {default}{default:이} 이 컴퓨터에 없어 {chosen}{chosen:으로} 채점합니다. "
            "--dataset 으로 고르거나 `grader data fetch {default}` 로 설치하세요.",
        ),
        "dataset.fallback_run": (
            "{default} (this assignment's default dataset) is not installed here; serving {chosen} instead. "
            "Choose with --dataset, or install it with `grader data fetch {default}`.",
            "이 과제의 기본 데이터셋인 {default}{default:이} 이 컴퓨터에 없어 {chosen}{chosen:을} 대신 제공합니다. "
            "--dataset 으로 고르거나 `grader data fetch {default}` 로 설치하세요.",
        ),
        "submission.missing": ("No submission to grade: {reason}", "채점할 제출물이 없습니다: {reason}"),
        "submission.none": (
            "no {accepted} in {folder}/ ({found})",
            "{folder}/ 에 {accepted}{accepted:이} 없습니다 ({found})",
        ),
        "submission.found_only": ("found only: {files}", "찾은 파일: {files}"),
        "submission.holds_only": (
            "it holds no {kinds} file, only: {files}",
            "{kinds} 파일은 없고 다음만 있습니다: {files}",
        ),
        "submission.empty": ("the folder is empty", "폴더가 비어 있습니다"),
        "submission.more": ("{listed} and {count} more", "{listed} 외 {count}개"),
        "submission.unrecognised": (
            "Left out, not recognised as anyone's submission: {files}",
            "누구의 제출물로도 인식되지 않아 제외한 항목: {files}",
        ),
        "submission.several": (
            "several {name} files in {folder}/ ({listed}): keep one, at {where}",
            "{folder}/ 에 {name} 파일이 여러 개 있습니다 ({listed}). {where} 에 하나만 남기세요",
        ),
        "submission.link_outside": (
            "{shown} is a symbolic link pointing outside the submitted folder; it was not followed",
            "{shown}{shown:은} 제출한 폴더 밖을 가리키는 심볼릭 링크이므로 따라가지 않았습니다",
        ),
        "submission.folder_is_link": (
            "{folder} is a symbolic link, not a student's own folder; it was not followed",
            "{folder}{folder:은} 학생 자신의 폴더가 아니라 심볼릭 링크이므로 따라가지 않았습니다",
        ),
        "submission.loose_link": (
            "{shown} is a symbolic link to another file, not a file of its own; it was not followed",
            "{shown}{shown:은} 자신의 파일이 아니라 다른 파일을 가리키는 심볼릭 링크이므로 따라가지 않았습니다",
        ),
        "submission.not_regular": ("{shown} is not a regular file", "{shown}{shown:은} 일반 파일이 아닙니다"),
        "submission.no_export_folder": (
            "{key} is listed in {metadata} but has no folder in the export",
            "{key}{key:이} {metadata} 에 있지만 내보낸 파일에 해당 폴더가 없습니다",
        ),
        "submission.helper_not_utf8": (
            "{file} was not used: its name is not UTF-8 (a zip made on Windows?), so no import can name it. "
            "Rename it with plain letters and hand it in again.",
            "{file} 파일은 사용하지 않았습니다. 파일 이름이 UTF-8이 아니어서(Windows에서 만든 zip인가요?) import로 "
            "부를 수 없습니다. 영문 이름으로 바꿔 다시 제출하세요.",
        ),
        "submission.graded_file": (
            "Graded file: {file}.",
            "채점한 파일: {file}",
        ),
        "submission.chose_preferred": (
            "This folder also holds {others}; {file} was graded, the first of the accepted names ({accepted}). "
            "Keep one of them to be sure which is graded.",
            "이 폴더에는 {others} 도 있습니다. 허용되는 이름({accepted}) 중 먼저 오는 {file}{file:을} 채점했습니다. "
            "어느 파일이 채점되는지 분명하도록 하나만 남기세요.",
        ),
        "submission.chose_edited": (
            "This folder also holds {others}, unchanged from the assignment's skeleton; {file} was graded.",
            "이 폴더에는 과제 뼈대 그대로인 {others} 도 있습니다. {file}{file:을} 채점했습니다.",
        ),
    }
)
