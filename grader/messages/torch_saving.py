"""The words of the PyTorch save-and-load assignment (course note section 3): why the sandbox could not save or read
the file (`sandbox.torch_*`), and what `state_dict_file` found in it."""

from grader.messages.catalogue import define

define(
    {
        "sandbox.torch_not_trained": (
            "the grader could not train the model a few steps (see `train`), so there was nothing to save",
            "채점기가 모델을 몇 단계 학습시키지 못해 (`train` 참고) 저장할 것이 없었습니다",
        ),
        "sandbox.torch_not_saved": (
            "{call} returned, but no file is at the path it was given: save to exactly that path, as in "
            "torch.save(model.state_dict(), path)",
            "{call}{call:이} 끝났지만 전달받은 경로에 파일이 없습니다. torch.save(model.state_dict(), path)처럼 "
            "바로 그 경로에 저장하세요",
        ),
        "sandbox.torch_empty_file": ("the saved file is empty (0 bytes)", "저장된 파일이 비어 있습니다 (0바이트)"),
        "sandbox.torch_pickled_model": (
            "the file is a pickled whole model (class `{name}`), not a state_dict. Loading a pickled model needs the "
            "code of its class, and unpickling runs whatever code the file names, so torch.load(path, "
            "weights_only=True) refuses it: the course note saves the state_dict instead",
            "파일이 state_dict가 아니라 pickle로 저장한 모델 전체(클래스 `{name}`)입니다. pickle로 저장한 모델을 "
            "불러오려면 그 클래스의 코드가 필요하고, unpickling은 파일이 가리키는 코드를 무엇이든 실행하므로 "
            "torch.load(path, weights_only=True)는 이 파일을 거부합니다. 강의 노트는 대신 state_dict를 저장합니다",
        ),
        "sandbox.torch_pickled_object": (
            "the file holds a pickled `{name}` object, which torch.load(path, weights_only=True) refuses, because "
            "unpickling it would run code the file names. A state_dict file holds tensors only (a checkpoint dict may "
            "add plain numbers, such as the epoch)",
            "파일에 pickle로 저장한 `{name}` 객체가 있습니다. 이 객체를 unpickling하면 파일이 가리키는 코드가 "
            "실행되므로 torch.load(path, weights_only=True)는 이를 거부합니다. state_dict 파일에는 tensor만 들어 "
            "있어야 합니다 (checkpoint dict라면 epoch 같은 일반 숫자를 함께 넣을 수 있습니다)",
        ),
        "sandbox.torch_unreadable": (
            "torch.load could not read the file, which is not one torch.save writes ({problem})",
            "torch.load가 파일을 읽지 못했습니다. torch.save로 저장한 파일이 아닙니다 ({problem})",
        ),
        "sandbox.torch_no_state_dict": (
            "the file holds no state_dict (a dict of name -> tensor), neither by itself nor inside a checkpoint "
            "dict; it holds a {found}",
            "파일에 state_dict(이름 -> tensor의 dict)가 없습니다. 그 자체로도, checkpoint dict 안에도 없고, 들어 있는 "
            "것은 {found}입니다",
        ),
        "sandbox.torch_load_returned": (
            "{call} must return the loaded model, a torch.nn.Module; it returned {found}",
            "{call}{call:은} 불러온 모델(torch.nn.Module)을 반환해야 하는데, 반환값의 타입은 {found}입니다",
        ),
        "state_dict_file.ok": (
            "`{file}` loads with torch.load(path, weights_only=True) and holds the model's state_dict: {count} tensors "
            "({names}) with the values the model had when it was saved.",
            "`{file}`{file:은} torch.load(path, weights_only=True)로 열리고 모델의 state_dict를 담고 있습니다. tensor "
            "{count}개({names})가 저장할 때 모델의 값 그대로입니다.",
        ),
        "state_dict_file.ok_nested": (
            "`{file}` loads with torch.load(path, weights_only=True) and holds the model's state_dict under the key "
            "`{key}` of a checkpoint dict: {count} tensors ({names}) with the values the model had when it was saved.",
            "`{file}`{file:은} torch.load(path, weights_only=True)로 열리고 checkpoint dict의 `{key}` 키 아래에 모델의 "
            "state_dict를 담고 있습니다. tensor {count}개({names})가 저장할 때 모델의 값 그대로입니다.",
        ),
        "state_dict_file.refused": (
            "The grader could not read `{file}` as a state_dict with torch.load(path, weights_only=True), in a run "
            "without your code: {error}",
            "채점기가 여러분의 코드 없이 torch.load(path, weights_only=True)로 `{file}`{file:을} state_dict로 읽지 "
            "못했습니다: {error}",
        ),
        "what.state_dict_file": (
            "reading `{file}` with torch.load(path, weights_only=True)",
            "torch.load(path, weights_only=True)로 `{file}` 읽기",
        ),
        "state_dict_file.note": (
            "Course note, section 3: a PyTorch model file is a list of weights (state_dict), loaded into the model's "
            "class defined beforehand: torch.save(model.state_dict(), path) to save; model = MLP() then "
            "model.load_state_dict(torch.load(path)) to load.",
            "강의 노트 3절: PyTorch의 모델 파일은 가중치 목록(state_dict)이며, 미리 정의한 모델 Class에 불러와야 "
            "합니다. 저장은 torch.save(model.state_dict(), path), 불러오기는 model = MLP() 다음 "
            "model.load_state_dict(torch.load(path))입니다.",
        ),
        "state_dict_file.names": (
            "`{file}` does not hold the model's state_dict: expected the tensors {expected}, found {found}.",
            "`{file}`에 모델의 state_dict가 없습니다. 기대한 tensor는 {expected}인데 실제로는 {found}입니다.",
        ),
        "state_dict_file.shapes": (
            "`{file}` holds the model's tensor names, but not their shapes:",
            "`{file}`에 모델의 tensor 이름은 있지만 형태가 다릅니다:",
        ),
        "state_dict_file.shape": (
            "`{name}`: expected {expected}, found {found}",
            "`{name}`: 기대한 형태는 {expected}인데 실제로는 {found}입니다",
        ),
        "state_dict_file.values": (
            "`{file}` holds the model's tensors, but {count} of the {total} do not hold the values the model had when "
            "save_weights was called (the first: `{name}`): save the state_dict of the model you are given, not of a "
            "new MLP().",
            "`{file}`에 모델의 tensor가 있지만 {total}개 중 {count}개가 save_weights를 호출했을 때 모델의 값과 "
            "다릅니다 (첫 번째: `{name}`). 새 MLP()가 아니라 전달받은 모델의 state_dict를 저장하세요.",
        ),
        "state_dict_file.unreadable": (
            "The grader could not read the weights it recorded ({problem}).",
            "채점기가 기록한 가중치를 읽을 수 없습니다 ({problem}).",
        ),
        "state_dict_file.none": ("nothing", "아무것도 없음"),
    }
)
