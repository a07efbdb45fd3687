"""The words of `roundtrip`, shared by the Keras and PyTorch save-and-load assignments (course note section 3)."""

from grader.messages.catalogue import define

define(
    {
        "roundtrip.ok": (
            "The model `{call}` returned, in a fresh run, gives the saved model's outputs on {rows} test images "
            "(largest difference {difference:.1e}).",
            "새 실행에서 `{call}`{call:이} 돌려준 모델이 테스트 이미지 {rows}장에 대해 저장한 모델과 같은 "
            "출력을 냅니다 (최대 차이 {difference:.1e}).",
        ),
        "roundtrip.differs": (
            "The model `{call}` returned, in a fresh run, does not give the saved model's outputs: on {rows} test "
            "images they differ by up to {difference:.3g} (allowed: {tolerance:g}).",
            "새 실행에서 `{call}`{call:이} 돌려준 모델의 출력이 저장한 모델과 다릅니다. 테스트 이미지 "
            "{rows}장에서 최대 {difference:.3g}만큼 차이가 납니다 (허용: {tolerance:g}).",
        ),
        "roundtrip.none_loaded": (
            "None of the saved weights are in the returned model: `{call}` built a model but loaded nothing into it.",
            "돌려준 모델에 저장한 가중치가 하나도 없습니다. `{call}`{call:이} 모델을 만들었지만 아무것도 불러오지 "
            "않았습니다.",
        ),
        "roundtrip.file_not_saved_model": (
            "The returned model holds exactly the weights in the file, but the file does not hold the model the save "
            "function was given: save the model you receive, as it is, not a new one.",
            "돌려준 모델에는 파일의 가중치가 그대로 들어 있지만, 그 파일에는 저장 함수가 받은 모델이 들어 있지 "
            "않습니다. 새 모델이 아니라 전달받은 모델을 그대로 저장하세요.",
        ),
        "roundtrip.some_loaded": (
            "Only {matched} of the {total} saved weight arrays are in the model `{call}` returned.",
            "`{call}`{call:이} 돌려준 모델에는 저장한 가중치 배열 {total}개 중 {matched}개만 들어 있습니다.",
        ),
        "roundtrip.training": (
            "The returned model holds the saved weights but is still in training mode, so dropout changes its "
            "outputs at every call: `{call}` must return the model ready for inference.",
            "돌려준 모델에 저장한 가중치가 들어 있지만 아직 학습 모드라서 dropout이 호출할 때마다 출력을 바꿉니다. "
            "`{call}`{call:은} 추론할 준비가 된 모델을 돌려줘야 합니다.",
        ),
        "roundtrip.inconsistent": (
            "The grader's observations contradict each other: the model `{call}` returned holds every saved weight "
            "and is in inference mode, yet its outputs differ. The grader cannot tell why, so it gives no reason of "
            "its own: this check needs a manual review by your instructor.",
            "채점기의 관찰 결과가 서로 맞지 않습니다. `{call}`{call:이} 돌려준 모델에 저장한 가중치가 모두 있고 추론 "
            "모드인데도 출력이 다릅니다. 채점기는 이유를 알 수 없으므로 스스로 이유를 짐작하지 않습니다. 이 검사는 "
            "강사의 수동 검토가 필요합니다.",
        ),
        "roundtrip.called": (
            "`{call}` called `{name}()` ({count} time(s)).",
            "`{call}`{call:이} `{name}()`{name:을} 호출했습니다 ({count}번).",
        ),
        "roundtrip.unreadable": (
            "The grader could not read the outputs it recorded ({problem}).",
            "채점기가 기록한 출력을 읽을 수 없습니다 ({problem}).",
        ),
        "roundtrip.shape": (
            "The model `{call}` returned gives outputs of shape {found}; the saved model gave {saved}.",
            "`{call}`{call:이} 돌려준 모델의 출력 형태는 {found}인데, 저장한 모델은 {saved}였습니다.",
        ),
        "roundtrip.not_finite": (
            "The model `{call}` returned gives NaN or infinite outputs.",
            "`{call}`{call:이} 돌려준 모델의 출력에 NaN 또는 무한대 값이 있습니다.",
        ),
    }
)
