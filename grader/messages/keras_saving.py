"""The words of the Keras save-and-load assignment (course note section 3): why the save, inspect or load run could
not use the file (`sandbox.*`, recorded by the sandbox as ids), and the `saved_whole_model` check."""

from grader.messages.catalogue import define

define(
    {
        # the save run
        "sandbox.keras_not_trained": (
            "the grader could not train the model build_model() returned (it must take 28x28 images and give 10 "
            "probabilities), so save_model was not called",
            "채점기가 build_model()이 반환한 모델을 학습시키지 못해(28x28 이미지를 받아 확률 10개를 내야 합니다) "
            "save_model을 호출하지 않았습니다",
        ),
        "sandbox.keras_saved_nothing": (
            "save_model(model, path) saved nothing at the path it was given (`{file}`): save the whole model to "
            "exactly that path, model.save(path)",
            "save_model(model, path)가 전달받은 경로(`{file}`)에 아무것도 저장하지 않았습니다. 바로 그 경로에 "
            "model.save(path)로 모델 전체를 저장하세요",
        ),
        "sandbox.keras_saved_elsewhere": (
            "save_model(model, path) saved nothing at the path it was given (`{file}`); its folder holds {found} "
            "instead: save the whole model to exactly that path, model.save(path)",
            "save_model(model, path)가 전달받은 경로(`{file}`)에는 아무것도 저장하지 않았고, 같은 폴더에는 "
            "{found}{found:이} 있습니다. 바로 그 경로에 model.save(path)로 모델 전체를 저장하세요",
        ),
        "sandbox.keras_saved_weights_only": (
            "save_model(model, path) saved the weights only (`{found}`, as model.save_weights does) and nothing at "
            "`{file}`: as the course note says (section 3), Keras saves the whole model, architecture and weights, in "
            "one file with model.save(path)",
            "save_model(model, path)가 가중치만 저장했고(`{found}`, model.save_weights가 저장하는 파일) `{file}`에는 "
            "아무것도 저장하지 않았습니다. 강의 노트 3절처럼 Keras는 model.save(path)로 구조와 가중치를 포함한 모델 "
            "전체를 파일 하나에 저장합니다",
        ),
        "sandbox.keras_saved_folder": (
            "save_model(model, path) made a folder at `{file}` (a TensorFlow SavedModel, as model.export makes), not "
            "one file: save with model.save(path)",
            "save_model(model, path)가 `{file}`에 파일 하나가 아니라 폴더(model.export가 만드는 TensorFlow "
            "SavedModel)를 만들었습니다. model.save(path)로 저장하세요",
        ),
        # the inspect and load runs
        "sandbox.keras_load_model_returned": (
            "load_model(path) must return a keras Model; it returned {found}",
            "load_model(path)는 keras Model을 반환해야 하는데, 반환값의 타입은 {found}입니다",
        ),
        "sandbox.keras_file_hdf5": (
            "`{file}` is an HDF5 file, not a .keras archive: the weights only (model.save_weights) or the legacy .h5 "
            "format. Save the whole model with model.save(path), to a path ending in .keras",
            "`{file}`{file:은} .keras 아카이브가 아니라 HDF5 파일입니다(model.save_weights로 저장한 가중치, 또는 예전 "
            ".h5 형식). .keras로 끝나는 경로에 model.save(path)로 모델 전체를 저장하세요",
        ),
        "sandbox.keras_file_pickle": (
            "`{file}` is a Python pickle, not a .keras archive: loading a pickle runs whatever code it names, so the "
            "grader never loads one. Save the whole model with model.save(path)",
            "`{file}`{file:은} .keras 아카이브가 아니라 Python pickle입니다. pickle을 불러오면 그 안에 적힌 코드가 "
            "실행되므로 채점기는 pickle을 불러오지 않습니다. model.save(path)로 모델 전체를 저장하세요",
        ),
        "sandbox.keras_file_not_keras": (
            "`{file}` is not a .keras archive (a zip file holding the model's config.json and its weights): save the "
            "whole model with model.save(path)",
            "`{file}`{file:은} .keras 아카이브(모델의 config.json과 가중치를 담은 zip 파일)가 아닙니다. "
            "model.save(path)로 모델 전체를 저장하세요",
        ),
        "sandbox.keras_file_no_config": (
            "`{file}` is a zip file without config.json, the model's architecture, so Keras cannot rebuild the model "
            "from it: save the whole model with model.save(path)",
            "`{file}`{file:은} 모델 구조를 담은 config.json이 없는 zip 파일이라 Keras가 모델을 다시 만들 수 없습니다. "
            "model.save(path)로 모델 전체를 저장하세요",
        ),
        "sandbox.keras_file_unsafe": (
            "`{file}` holds Python code (a Lambda layer), which Keras refuses to load in safe mode, the default of "
            "keras.models.load_model: build the model from Keras's own layers only, as the note does (Flatten, "
            "Dense, Dropout)",
            "`{file}`에 Python 코드(Lambda 레이어)가 들어 있어 Keras가 safe mode(keras.models.load_model의 기본값)에서 "
            "불러오기를 거부합니다. 강의 노트처럼 Keras 기본 레이어(Flatten, Dense, Dropout)만으로 모델을 만드세요",
        ),
        "sandbox.keras_file_custom": (
            "`{file}` names classes defined in your code ({names}), which a run without your code cannot "
            "rebuild: as the course note says (section 3), a Keras model file is used without defining the model "
            "class again, so build the model from Keras's own layers (tf.keras.models.Sequential)",
            "`{file}`에 여러분의 코드에서 정의한 클래스({names})가 들어 있어, 여러분의 코드 없이 실행하면 모델을 다시 "
            "만들 수 없습니다. 강의 노트 3절처럼 Keras 모델 파일은 모델 Class를 새로 정의하지 않고 바로 이용하는 "
            "것이므로, Keras 기본 레이어(tf.keras.models.Sequential)로 모델을 만드세요",
        ),
        "sandbox.keras_file_unloadable": (
            "keras.models.load_model could not load `{file}`: {error}",
            "keras.models.load_model이 `{file}`{file:을} 불러오지 못했습니다: {error}",
        ),
        # the saved_whole_model check
        "saved_whole_model.ok": (
            "Keras alone, in a fresh run that never imports your code, loaded `{file}` in safe mode: {chain}, with "
            "all {count} weight arrays of the trained model and its outputs.",
            "여러분의 코드를 불러오지 않는 새 실행에서 Keras만으로 `{file}`{file:을} safe mode로 불러왔습니다: "
            "{chain}. 학습된 모델의 가중치 배열 {count}개와 출력이 모두 그대로입니다.",
        ),
        "saved_whole_model.unloadable": (
            "The grader could not load `{file}` with Keras alone (keras.models.load_model(path, safe_mode=True), in "
            "a fresh run that never imports your code): {error}",
            "채점기가 Keras만으로 `{file}`{file:을} 불러오지 못했습니다(여러분의 코드를 불러오지 않는 새 실행에서 "
            "keras.models.load_model(path, safe_mode=True)): {error}",
        ),
        "saved_whole_model.failed": (
            "`{file}` loads, but it does not hold the whole trained model of the course note:",
            "`{file}`{file:은} 불러와지지만, 강의 노트의 학습된 모델 전체를 담고 있지 않습니다:",
        ),
        "saved_whole_model.weights_count": (
            "the file holds {found} weight arrays; the model given to save_model had {expected}",
            "파일에 가중치 배열이 {found}개 있는데, save_model에 전달된 모델에는 {expected}개가 있었습니다",
        ),
        "saved_whole_model.weights_differ": (
            "only {matched} of the {total} weight arrays in the file are those of the trained model given to "
            "save_model: save that model, as it is",
            "파일의 가중치 배열 {total}개 중 {matched}개만 save_model에 전달된 학습된 모델의 것입니다. 전달받은 모델을 "
            "그대로 저장하세요",
        ),
        "saved_whole_model.outputs_differ": (
            "the model in the file computes other outputs than the model given to save_model (up to {difference:.3g} "
            "apart, allowed {tolerance:g})",
            "파일의 모델이 save_model에 전달된 모델과 다른 출력을 냅니다(최대 {difference:.3g} 차이, 허용 "
            "{tolerance:g})",
        ),
        "saved_whole_model.unreadable": (
            "the grader could not read what it recorded ({problem})",
            "채점기가 기록한 값을 읽을 수 없습니다 ({problem})",
        ),
        "saved_whole_model.note": (
            "Course note section 3 (TensorFlow vs. PyTorch): Keras saves the whole model in one file, architecture "
            "and weights (model.save(path)), and a saved model file is used directly, without defining the model "
            "class again (keras.models.load_model(path)). Loading is safe by default: safe mode refuses Python code "
            "saved in a Lambda layer.",
            "강의 노트 3절(TensorFlow vs. PyTorch): Keras는 구조와 가중치를 포함한 모델 전체를 파일 하나에 "
            "저장하고(model.save(path)), 저장된 모델 파일은 모델 Class를 따로 새로 정의할 필요 없이 바로 이용합니다"
            "(keras.models.load_model(path)). 불러오기는 기본적으로 safe mode이며, Lambda 레이어에 저장된 Python "
            "코드는 거부합니다.",
        ),
    }
)
