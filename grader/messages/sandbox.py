"""Why a contract step failed or was skipped, as the sandbox reports it: it records an id of this module and plain JSON
parameters (it cannot import host code), and the host words them in the student's language."""

from grader.messages.catalogue import define

define(
    {
        "sandbox.sys_exit": (
            "the code called sys.exit({code}) instead of returning",
            "코드가 값을 반환하지 않고 sys.exit({code})를 호출했습니다",
        ),
        "sandbox.load_data_returned": (
            "load_data() must return ((x_train, y_train), (x_test, y_test)); it returned {found}",
            "load_data()는 ((x_train, y_train), (x_test, y_test))를 반환해야 하는데, 반환값의 타입은 {found}입니다",
        ),
        "sandbox.build_model_returned": (
            "build_model() must return a keras Model; it returned {found}",
            "build_model()은 keras Model을 반환해야 하는데, 반환값의 타입은 {found}입니다",
        ),
        "sandbox.not_compiled": (
            "compile_model(model) must call model.compile(...); the model is not compiled",
            "compile_model(model)에서 model.compile(...)을 호출해야 하는데, 모델이 컴파일되지 않았습니다",
        ),
        "sandbox.model_type": (
            "{call} must create a {expected}; it created {found}",
            "{call}로 만든 객체의 타입이 {found}입니다. {expected}의 인스턴스여야 합니다",
        ),
        "sandbox.loaders_returned": (
            "make_loaders must return (train_loader, test_loader); it returned {found}",
            "make_loaders는 (train_loader, test_loader)를 반환해야 하는데, 반환값의 타입은 {found}입니다",
        ),
        "sandbox.loader_type": (
            "make_loaders must return DataLoaders; the {split} loader is a {found}",
            "make_loaders는 DataLoader를 반환해야 하는데, {split} loader의 타입은 {found}입니다",
        ),
        "sandbox.optimizer_type": (
            "expected a torch.optim optimizer, found {found}",
            "torch.optim의 optimizer여야 하는데, 실제 타입은 {found}입니다",
        ),
        "sandbox.no_experiment": (
            "this job names no training experiment: the grader's job.json is incomplete",
            "이 작업에 학습 실험이 지정되지 않았습니다. 채점기의 job.json이 불완전합니다",
        ),
        "sandbox.no_model": (
            "{call} did not create a usable model",
            "{call}로 사용할 수 있는 모델을 만들지 못했습니다",
        ),
        "sandbox.not_compiled_skip": (
            "the model could not be compiled, so it cannot be trained",
            "모델을 컴파일하지 못해 학습할 수 없습니다",
        ),
        "sandbox.no_optimizer": (
            "compile_model did not set model.optimizer and model.loss_function",
            "compile_model에서 model.optimizer와 model.loss_function을 설정하지 않았습니다",
        ),
        "sandbox.import_refused": ("{reason}", "{reason}"),
        "sandbox.not_imported": (
            "{file} could not be imported (see `runs` for the error)",
            "{file} 파일을 불러오지 못했습니다 (오류는 `runs`에서 확인하세요)",
        ),
        "sandbox.cannot_load": (
            "could not load {file} as a Python module",
            "{file} 파일을 Python 모듈로 불러오지 못했습니다",
        ),
        "sandbox.no_function": (
            "{file} has no function `{name}`: keep every function of the skeleton, with its name",
            "{file}에 `{name}` 함수가 없습니다. 뼈대 코드의 함수를 이름 그대로 모두 남겨 두세요",
        ),
        "sandbox.not_a_function": (
            "`{name}` in {file} is not a function",
            "{file}에 있는 `{name}`의 타입이 함수가 아닙니다",
        ),
    }
)
