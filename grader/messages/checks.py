"""What each check tells the student: what was expected, what was found, and what to change.

Ids are `<check id>.<case>`; `step.*` words a step that could not be checked, `list.item` one line of a list.
"""

from grader.messages.catalogue import define

define(
    {
        "list.item": ("- {item}", "- {item}"),
        "mismatch": (
            "{field}: expected {expected}, found {found}",
            "{field}: 기대한 값은 {expected}인데 실제 값은 {found}입니다",
        ),
        "step.raised": (
            "{what} raised an error, so it could not be checked:\n{error}",
            "{what} 실행 중 오류가 발생해 검사할 수 없었습니다:\n{error}",
        ),
        "step.skipped": ("{what} was not run: {reason}", "{what} 실행을 건너뛰었습니다: {reason}"),
        "step.unfinished": ("{what} did not finish: {reason}", "{what} 실행이 끝나지 않았습니다: {reason}"),
        "what.forward_pass": ("the model's forward pass", "모델의 forward"),
        "manual_review": (
            "The grader cannot tell which is true (its records may have been changed while your code ran), so it "
            "gives no reason of its own: this check needs a manual review by your instructor.",
            "채점기는 어느 쪽이 맞는지 알 수 없으므로(코드가 실행되는 동안 채점기의 기록이 바뀌었을 수 있습니다) "
            "이유를 추측하지 않습니다. 이 검사는 담당 교수자의 수동 검토가 필요합니다.",
        ),
        "check.records_malformed": (
            "The grader's records of your run are malformed, so this check could not read them ({problem}).",
            "실행 기록의 형식이 잘못되어 이 검사가 기록을 읽을 수 없었습니다 ({problem}).",
        ),
        # runs
        "runs.ok": (
            "{file} imported and all {count} functions ran without error.",
            "{file} 파일을 불러왔고 함수 {count}개가 모두 오류 없이 실행되었습니다.",
        ),
        "runs.failed": (
            "These parts of your submission did not run cleanly:",
            "제출물의 다음 부분이 제대로 실행되지 않았습니다:",
        ),
        "runs.import": ("importing {file}", "{file} 불러오기"),
        "runs.raised": ("{what} raised an error: {error}", "{what}에서 오류가 발생했습니다: {error}"),
        "runs.unfinished": ("{what} did not finish: {reason}", "{what} 실행이 끝나지 않았습니다: {reason}"),
        "runs.skipped": ("{what} not run: {reason}", "{what} 실행을 건너뛰었습니다: {reason}"),
        # data_pipeline
        "data_pipeline.ok": (
            "Pixels are preprocessed as in the course note and labels are {labels}, for train and test.",
            "학습·테스트 데이터 모두 픽셀이 강의 노트대로 전처리되었고, 레이블은 {labels}입니다.",
        ),
        "data_pipeline.onehot": ("one-hot with {classes} columns", "{classes}열의 one-hot 벡터"),
        "data_pipeline.index": ("class numbers", "클래스 번호"),
        "data_pipeline.failed": (
            "{step}() does not prepare the data as expected:",
            "{step}()에서 준비한 데이터가 기대와 다릅니다:",
        ),
        "data_pipeline.unreadable": (
            "the grader could not read the data {step}() prepared: {problem}",
            "채점기가 {step}()에서 준비한 데이터를 읽지 못했습니다: {problem}",
        ),
        "data_pipeline.rows": (
            "{name}: expected {count} rows (all the data the grader served), found shape {shape}",
            "{name}: 채점기가 제공한 데이터 전체인 {count}개 행이 있어야 하는데, 실제 shape은 {shape}입니다",
        ),
        "data_pipeline.pixel_count": (
            "{name}: each image should hold {expected} pixels, found {found}",
            "{name}: 이미지마다 픽셀이 {expected}개여야 하는데 {found}개입니다",
        ),
        "data_pipeline.pixel_range": (
            "{name}: found values in [{found_low:g}, {found_high:g}], expected [{low:g}, {high:g}] after {transform}. "
            "{hint}",
            "{name}: 값의 범위가 [{found_low:g}, {found_high:g}]입니다. {transform} 적용 후에는 [{low:g}, {high:g}] "
            "범위여야 합니다. {hint}",
        ),
        "data_pipeline.pixel_values": (
            "{name}: found values in [{found_low:g}, {found_high:g}], the range expected after {transform}, but they "
            "differ from the expected pixels by up to {gap:.3g}. {hint}",
            "{name}: 값의 범위 [{found_low:g}, {found_high:g}]는 {transform} 적용 후의 범위와 같지만, 기대한 픽셀 "
            "값과 최대 {gap:.3g}만큼 다릅니다. {hint}",
        ),
        "data_pipeline.pixel_hint": (
            "Divide by 255.0 as the course note does (section 1-1, 데이터셋 로딩).",
            "강의 노트처럼 255.0으로 나누세요 (1-1, 데이터셋 로딩).",
        ),
        "data_pipeline.label_hint": (
            "Convert them with np.eye(10)[y] as the course note does (section 1-1).",
            "강의 노트처럼 np.eye(10)[y]로 변환하세요 (1-1).",
        ),
        "data_pipeline.class_numbers": (
            "{name}: found class numbers (e.g. {example}), expected one-hot vectors. {hint}",
            "{name}: 레이블이 one-hot 벡터여야 하는데 클래스 번호(예: {example})입니다. {hint}",
        ),
        "data_pipeline.onehot_columns": (
            "{name}: one-hot labels need {classes} columns, found {found}",
            "{name}: one-hot 레이블은 {classes}열이어야 하는데 {found}열입니다",
        ),
        "data_pipeline.onehot_wrong": (
            "{name}: labels are not the one-hot vectors of the true classes (first row: expected class {expected}, "
            "found {found}). {hint}",
            "{name}: 레이블이 실제 클래스의 one-hot 벡터가 아닙니다 (첫 행: 기대한 클래스는 {expected}인데 실제 값은 "
            "{found}입니다). {hint}",
        ),
        "data_pipeline.index_wrong": (
            "{name}: labels should be the class numbers of the images (first row: expected {expected}, found "
            "{found}). {hint}",
            "{name}: 레이블은 이미지의 클래스 번호여야 합니다 (첫 행: 기대한 값은 {expected}인데 실제 값은 "
            "{found}입니다). {hint}",
        ),
        "data_pipeline.batch_size": (
            "{split} loader: expected batch_size={expected}, found {found}",
            "{split} loader: 기대한 값은 batch_size={expected}인데 실제 값은 {found}입니다",
        ),
        "data_pipeline.shuffle": (
            "{split} loader: expected shuffle={expected}, found {found}",
            "{split} loader: 기대한 값은 shuffle={expected}인데 실제 값은 {found}입니다",
        ),
        # architecture
        "architecture.ok": (
            "{chain}; {count:,} parameters; forward pass matches the reference.",
            "{chain}; 파라미터 {count:,}개; forward 결과가 참조 모델과 일치합니다.",
        ),
        "architecture.failed": (
            "The model does not match the course note's MLP:",
            "모델이 강의 노트의 MLP와 다릅니다:",
        ),
        "architecture.layer_count": (
            "expected {expected} layers: {chain}\n  found {found}: {layers}",
            "레이어가 {expected}개여야 합니다: {chain}\n  실제 {found}개: {layers}",
        ),
        "architecture.no_layers": ("no layers", "레이어 없음"),
        "architecture.layer": (
            "layer {index}: expected {expected}, found {found}",
            "{index}번째 레이어: 기대한 레이어는 {expected}인데 실제 레이어는 {found}입니다",
        ),
        "architecture.setting": (
            "layer {index} ({type}): expected {key}={expected}, found {found}",
            "{index}번째 레이어({type}): 기대한 값은 {key}={expected}인데 실제 값은 {found}입니다",
        ),
        "architecture.input_shape": (
            "input shape: expected {expected}, found {found}",
            "입력 shape: 기대한 값은 {expected}인데 실제 값은 {found}입니다",
        ),
        "architecture.parameters": (
            "parameter count: expected {expected:,}, found {found:,}",
            "파라미터 수: {expected:,}개여야 하는데 {found:,}개입니다",
        ),
        "architecture.weights_unreadable": (
            "the grader could not read your model's weights: {problem}",
            "채점기가 모델의 가중치를 읽지 못했습니다: {problem}",
        ),
        "architecture.output_unreadable": (
            "the grader could not read your model's output: {problem}",
            "채점기가 모델의 출력을 읽지 못했습니다: {problem}",
        ),
        "architecture.weights_mismatch": (
            "your weights do not fit the reference model, so its forward pass cannot be compared: {problem}",
            "가중치가 참조 모델에 맞지 않아 forward 결과를 비교할 수 없습니다: {problem}",
        ),
        "architecture.output_shape": (
            "your model outputs shape {found} for {rows} images; expected {expected}",
            "이미지 {rows}장에 대한 모델 출력의 shape이 {found}입니다. 기대한 shape은 {expected}입니다",
        ),
        "architecture.forward": (
            "on the same weights your model's forward pass differs from the reference MLP by up to {gap:.3g}: "
            "the model must compute exactly the layers of the course note, in that order",
            "같은 가중치에서 모델의 forward 결과가 참조 MLP와 최대 {gap:.3g}만큼 다릅니다. 모델은 강의 노트의 "
            "레이어를 그 순서 그대로 계산해야 합니다",
        ),
        # compile (Keras) and optimizer (PyTorch, Lightning)
        "compile.ok": (
            "optimizer '{optimizer}', loss '{loss}', metrics {metrics}.",
            "강의 노트와 같은 설정입니다: optimizer '{optimizer}', loss '{loss}', metrics {metrics}.",
        ),
        "compile.failed": (
            "model.compile(...) is not set up as in the course note:",
            "model.compile(...) 설정이 강의 노트와 다릅니다:",
        ),
        "optimizer.ok": (
            "{optimizer} over all the model's parameters.",
            "{optimizer} optimizer가 모델의 모든 파라미터를 학습합니다.",
        ),
        "optimizer.ok_learning_rate": ("Learning rate {rate:g}.", "학습률은 {rate:g}입니다."),
        "optimizer.ok_loss": ("Loss: {loss}.", "loss는 {loss}입니다."),
        "optimizer.failed": (
            "{where} does not set up training as in the course note:",
            "{where}의 학습 설정이 강의 노트와 다릅니다:",
        ),
        "optimizer.learning_rate": (
            "learning rate: expected {expected:g}, found {found}",
            "학습률: 기대한 값은 {expected:g}인데 실제 값은 {found}입니다",
        ),
        "optimizer.coverage": (
            "the optimizer does not hold all of the model's parameters: build it from model.parameters()",
            "optimizer가 모델의 파라미터를 모두 갖고 있지 않습니다. model.parameters()로 만들어야 합니다",
        ),
        # zero_grad
        "zero_grad.ok": (
            "At each of the first {steps} optimizer steps the gradients were exactly that batch's fresh gradients.",
            "처음 {steps}번의 optimizer step 모두에서 gradient가 정확히 그 batch에서 새로 구한 gradient였습니다.",
        ),
        "zero_grad.experiment": (
            "the grader's training experiment (your train_one_epoch on the grader's own batches)",
            "채점기의 학습 실험 (채점기가 준비한 batch로 실행한 여러분의 train_one_epoch)",
        ),
        "zero_grad.replay_ok": (
            "In the grader's training experiment ({batches} batches it chose, its own SGD optimizer), the weights "
            "after every optimizer step are exactly those a correct loop reaches, as the grader recomputed them "
            "without your code.",
            "채점기의 학습 실험(채점기가 고른 batch {batches}개, 채점기의 SGD optimizer)에서 매 optimizer step 뒤의 "
            "가중치가, 채점기가 여러분의 코드 없이 다시 계산한 올바른 루프의 가중치와 정확히 같습니다.",
        ),
        "zero_grad.replay_accumulated": (
            "In the grader's training experiment, the weights after optimizer step {index} of {batches} are those "
            "reached when the gradients accumulate from batch to batch (no zero_grad() before the backward pass), as "
            "the grader recomputed them.",
            "채점기의 학습 실험에서 optimizer step {batches}번 중 {index}번째 뒤의 가중치가, gradient가 batch마다 "
            "누적될 때(backward 전에 zero_grad()가 없을 때) 채점기가 다시 계산한 가중치와 같습니다.",
        ),
        "zero_grad.replay_still": (
            "In the grader's training experiment, optimizer step {index} of {batches} did not move the weights: the "
            "step used no gradients (zero_grad() between loss.backward() and optimizer.step()) or was not made.",
            "채점기의 학습 실험에서 optimizer step {batches}번 중 {index}번째가 가중치를 바꾸지 않았습니다. step이 "
            "gradient 없이 실행되었거나(loss.backward()와 optimizer.step() 사이의 zero_grad()) 실행되지 않았습니다.",
        ),
        "zero_grad.replay_other": (
            "In the grader's training experiment, the weights after optimizer step {index} of {batches} are not those "
            "a correct loop reaches from the same start on the same batches, as the grader recomputed them.",
            "채점기의 학습 실험에서 optimizer step {batches}번 중 {index}번째 뒤의 가중치가, 같은 시작점과 같은 "
            "batch에서 올바른 루프가 도달하는 가중치(채점기가 다시 계산한 값)와 다릅니다.",
        ),
        "zero_grad.replay_steps": (
            "In the grader's training experiment ({batches} batches), train_one_epoch made {steps} optimizer "
            "step(s): it should make one step per batch, for every batch of the loader it is given.",
            "채점기의 학습 실험(batch {batches}개)에서 train_one_epoch가 optimizer step을 {steps}번 했습니다. 주어진 "
            "loader의 batch마다 한 번씩 step을 해야 합니다.",
        ),
        "zero_grad.replay_unsupported": (
            "The grader could not recompute your model's training to verify the zero_grad usage ({problem}), so "
            "these points cannot be given: use the course note's layers (Flatten, Linear, ReLU, Dropout, Softmax).",
            "채점기가 zero_grad 사용을 확인하기 위해 모델의 학습을 다시 계산하지 못했습니다 ({problem}). 그래서 이 "
            "점수를 줄 수 없습니다. 강의 노트의 layer(Flatten, Linear, ReLU, Dropout, Softmax)를 사용하세요.",
        ),
        "zero_grad.replay_unreadable": (
            "The weights handed over from the grader's training experiment cannot be used ({problem}).",
            "채점기의 학습 실험에서 넘겨받은 가중치를 사용할 수 없습니다 ({problem}).",
        ),
        "zero_grad.records_disagree": (
            "What the grader recorded during your own training disagrees with its experiment; the experiment decides.",
            "여러분의 학습 중에 채점기가 기록한 내용이 채점기의 실험 결과와 다릅니다. 점수는 실험 결과로 정합니다.",
        ),
        "zero_grad.why": (
            "Why it matters (course note 2-1, 중요 사항): loss.backward() adds the new gradients to whatever is "
            "already stored in each parameter's .grad. If the values from earlier batches are not reset, "
            "back-propagation does not work correctly (역전파가 올바르게 진행되지 않음), so call "
            "model.optimizer.zero_grad() once per batch, before loss.backward() (or right after "
            "model.optimizer.step()).",
            "왜 중요한가요 (강의 노트 2-1, 중요 사항): loss.backward()는 새 gradient를 각 파라미터의 .grad에 이미 "
            "저장된 값에 더합니다. 이전 batch의 값을 초기화하지 않으면 역전파가 올바르게 진행되지 않으므로, batch마다 "
            "loss.backward() 전에 (또는 model.optimizer.step() 바로 뒤에) model.optimizer.zero_grad()를 한 번 "
            "호출하세요.",
        ),
        "zero_grad.no_step": (
            "model.optimizer.step() was never called during `{step}`, so nothing is learned.",
            "`{step}` 동안 model.optimizer.step()이 한 번도 호출되지 않아 아무것도 학습되지 않습니다.",
        ),
        "zero_grad.inconsistent": (
            "The grader's observations contradict each other: no optimizer step was recorded during `{step}`, yet the "
            "model's weights changed in training.",
            "채점기의 관찰 결과가 서로 맞지 않습니다. `{step}` 동안 optimizer step이 한 번도 기록되지 않았는데 "
            "학습 중에 모델의 가중치는 바뀌었습니다.",
        ),
        "zero_grad.gradients_missing": (
            "The grader's observations contradict each other: `{step}` finished with optimizer_steps={steps} in its "
            "record, yet the gradients the grader records from the first optimizer step on are missing ({problem}).",
            "채점기의 관찰 결과가 서로 맞지 않습니다. `{step}`은 기록상 optimizer_steps={steps}로 끝났는데, 채점기가 "
            "첫 optimizer step부터 기록하는 gradient가 없습니다 ({problem}).",
        ),
        "zero_grad.steps_disagree": (
            "The grader's observations contradict each other: the record of `{step}` counts {steps} optimizer "
            "step(s), yet the grader recorded the gradients of {recorded}.",
            "채점기의 관찰 결과가 서로 맞지 않습니다. `{step}`의 기록에는 optimizer step이 {steps}번인데, 채점기는 "
            "{recorded}번의 step에서 gradient를 기록했습니다.",
        ),
        "zero_grad.unreadable": (
            "the grader could not read the recorded gradients",
            "채점기가 기록된 gradient를 읽지 못했습니다",
        ),
        "zero_grad.too_few": (
            "only {steps} optimizer step(s) were observed; at least {minimum} are needed",
            "optimizer step이 {steps}번만 관찰되었습니다. 적어도 {minimum}번이 필요합니다",
        ),
        "zero_grad.wiped": (
            "At optimizer step {index} the gradients were already zero, where that batch's gradients were expected: "
            "zero_grad() runs between loss.backward() and optimizer.step(), so each step wipes the gradients it "
            "should use and the model never learns.",
            "{index}번째 optimizer step에서 그 batch의 gradient가 있어야 하는데 이미 0이었습니다. zero_grad()가 "
            "loss.backward()와 optimizer.step() 사이에서 실행되어 step마다 써야 할 gradient를 지우므로, 모델이 전혀 "
            "학습하지 못합니다.",
        ),
        "zero_grad.accumulated": (
            "At optimizer step {index} the gradients were the sum of this batch's and all earlier batches' gradients, "
            "where this batch's own were expected: zero_grad() is never called, so gradients accumulate from batch "
            "to batch.",
            "{index}번째 optimizer step에서 gradient가 이번 batch만의 값이 아니라 이번 batch와 이전 모든 batch의 "
            "gradient를 더한 값이었습니다. zero_grad()가 한 번도 호출되지 않아 gradient가 batch마다 누적됩니다.",
        ),
        "zero_grad.other": (
            "At optimizer step {index} the gradients used were not this batch's own gradients.",
            "{index}번째 optimizer step에서 쓰인 gradient가 이번 batch만의 gradient가 아니었습니다.",
        ),
        "zero_grad.step_call": (
            "The grader saw this at the optimizer.step() call in `{function}`, {place}.",
            "채점기는 `{function}` 함수, {place}의 optimizer.step() 호출에서 이를 확인했습니다.",
        ),
        # train_eval_mode
        "train_eval_mode.ok": (
            "train mode while training; eval mode without gradient tracking while evaluating.",
            "학습 중에는 train mode, 평가 중에는 gradient 추적 없이 eval mode입니다.",
        ),
        "train_eval_mode.failed": (
            "The model's train and eval modes are not set as in the course note:",
            "train mode와 eval mode 전환이 강의 노트와 다릅니다:",
        ),
        "train_eval_mode.inconsistent": (
            "The grader's observations contradict each other: `{name}` was recorded, yet the record of the model's "
            "modes during it is not one the grader can have written ({found}).",
            "채점기의 관찰 결과가 서로 맞지 않습니다. `{name}`의 실행은 기록되었는데, 그동안의 모델 mode 기록은 "
            "채점기가 쓸 수 있는 기록이 아닙니다 ({found}).",
        ),
        "train_eval_mode.never_called": (
            "`{name}` never called the model",
            "`{name}`에서 모델을 한 번도 호출하지 않았습니다",
        ),
        "train_eval_mode.train": (
            "`{name}` ran the model in eval mode{seen}: call model.train() at its start, inside `{name}` itself, "
            "whatever mode the model arrives in (after an evaluation it is in eval mode; course note 2-1: "
            "model.train() puts the model in train mode, where dropout is active and back-propagation is possible)",
            "`{name}`에서 모델이 eval mode로 실행되었습니다{seen}. 모델이 어떤 mode로 넘어오든 (평가 직후에는 eval "
            "mode입니다) `{name}` 함수의 시작 부분에서 model.train()을 호출하세요 (강의 노트 2-1: model.train()은 "
            "dropout이 동작하고 loss back-prop이 가능한 train mode로 전환합니다)",
        ),
        "train_eval_mode.eval": (
            "`{name}` ran the model in train mode{seen}: call model.eval() first, so dropout is switched off while "
            "measuring. The call belongs inside `{name}` itself: the course note's top-level code calls "
            "model.eval() just before evaluating, but a function must set the mode it needs, whatever mode its "
            "caller left the model in (course note 2-1: model.eval())",
            "`{name}`에서 모델이 train mode로 실행되었습니다{seen}. 측정하는 동안 dropout이 꺼지도록 먼저 "
            "model.eval()을 호출하세요. 이 호출은 `{name}` 함수 안에 있어야 합니다. 강의 노트의 최상위 코드는 평가 "
            "직전에 model.eval()을 호출하지만, 함수는 호출한 쪽이 모델을 어떤 mode로 남겨 두었든 필요한 mode로 "
            "직접 전환해야 합니다 (강의 노트 2-1: model.eval())",
        ),
        "train_eval_mode.grad": (
            "`{name}` tracked gradients{seen}: wrap the loop in `with torch.no_grad():` inside `{name}` (course note "
            "2-1: loss back-prop 없이 모델 실행) so no computation graph is built while evaluating",
            "`{name}`에서 gradient를 추적했습니다{seen}. 평가 중에 계산 그래프가 만들어지지 않도록 `{name}` 함수 "
            "안의 루프를 `with torch.no_grad():`로 감싸세요 (강의 노트 2-1: loss back-prop 없이 모델 실행)",
        ),
        # where: a place the sandbox saw, in the student's file (`grader.checks.where`)
        "where.line": ("line {line}", "{line}번째 줄"),
        "where.cell": ("cell {cell}, line {line}", "{cell}번 셀, {line}번째 줄"),
        "where.model_call": (  # a fragment inside a sentence, hence its leading space
            " (the model call in `{function}`, {place})",
            " (`{function}` 함수, {place}의 모델 호출)",
        ),
        # lightning_hooks
        "lightning_hooks.ok": (
            "All five hooks are defined with the right signatures; training_step returns a loss that reaches every "
            "parameter; validation_step and test_step run.",
            "다섯 hook이 모두 올바른 시그니처로 정의되어 있고, training_step이 모든 파라미터에 닿는 loss를 반환하며, "
            "validation_step과 test_step이 실행됩니다.",
        ),
        "lightning_hooks.failed": (
            "The LightningModule hooks are not all in place:",
            "LightningModule의 hook이 모두 갖춰지지 않았습니다:",
        ),
        "lightning_hooks.undefined": (
            "`{name}` is not defined in CustomModel: add `def {signature}:` (course note 2-2)",
            "CustomModel에 `{name}` 정의가 없습니다. `def {signature}:` 정의를 추가하세요 (강의 노트 2-2)",
        ),
        "lightning_hooks.signature": (
            "`{name}` takes ({parameters}); expected `{signature}`",
            "`{name}`의 매개변수는 ({parameters})입니다. 기대한 형태는 `{signature}`입니다",
        ),
        "lightning_hooks.no_loss": (
            "training_step must return the loss (a scalar tensor); it returned {returned}. Returning the loss is what "
            "makes Lightning back-propagate (course note 2-2).",
            "training_step은 loss(스칼라 tensor)를 반환해야 하는데, 반환값의 타입은 {returned}입니다. Loss를 "
            "반환해야 Lightning이 역전파를 실시합니다 (강의 노트 2-2).",
        ),
        "lightning_hooks.partial": (
            "the loss returned by training_step reaches only {reached} of the {total} parameters through "
            "back-propagation: compute it from the model's output",
            "training_step이 반환한 loss가 역전파로 파라미터 {total}개 중 {reached}개에만 닿습니다. loss는 모델의 "
            "출력으로 계산하세요",
        ),
        # softmax_sums
        "softmax_sums.ok": (
            "{rows} rows, all non-negative, each summing to 1 (largest error {worst:.2e}).",
            "{rows}개 행 모두 음수가 없고 각 행의 합이 1입니다 (최대 오차 {worst:.2e}).",
        ),
        "softmax_sums.unreadable": (
            "the grader could not read what {what} returned: {problem}",
            "채점기가 {what}의 반환값을 읽지 못했습니다: {problem}",
        ),
        "softmax_sums.shape": (
            "{what} on {rows} test images should return shape {expected}, found {found}",
            "테스트 이미지 {rows}장에 대한 {what}의 반환값은 shape이 {expected}여야 하는데 {found}입니다",
        ),
        "softmax_sums.not_finite": (
            "{what} returned NaN or infinite values; expected probabilities",
            "{what}의 반환값에 NaN 또는 무한대 값이 있습니다. 확률이어야 합니다",
        ),
        "softmax_sums.negative": (
            "{what} returned negative values (smallest {smallest:.4g}); expected probabilities, which are never "
            "negative.",
            "{what}의 반환값에 음수가 있습니다 (가장 작은 값 {smallest:.4g}). 확률은 음수일 수 없습니다.",
        ),
        "softmax_sums.sums": (
            "rows of {what} should each sum to 1 (within {tolerance:g}); the worst row sums to {worst:.6f}.",
            "{what}의 각 행의 합은 1이어야 하는데 (오차 {tolerance:g} 이내), 가장 벗어난 행의 합은 {worst:.6f}입니다.",
        ),
        "softmax_sums.changed": (
            "Your model's own output is probabilities (non-negative rows that each sum to 1), so {what} changes it "
            "(for example, takes its log): return the model's output as is (course note: 모델 확률 출력).",
            "모델 자체의 출력은 확률(음수가 없고 각 행의 합이 1)이므로, {what}에서 모델의 출력을 바꾸고 있습니다 "
            "(예: log를 취함). 모델의 출력을 그대로 반환하세요 (강의 노트: 모델 확률 출력).",
        ),
        "softmax_sums.no_softmax": (
            "Does the last layer use softmax? Your model's own output is not probabilities either (its worst row sums "
            "to {model_sum:.6f}, its smallest value is {model_min:.4g}): the last layer should apply softmax over the "
            "classes (course note: 모델 확률 출력).",
            "마지막 레이어가 softmax를 사용하는지 확인하세요. 모델 자체의 출력도 확률이 아닙니다 (가장 벗어난 행의 합 "
            "{model_sum:.6f}, 가장 작은 값 {model_min:.4g}). 마지막 레이어에서 클래스 방향으로 softmax를 적용해야 "
            "합니다 (강의 노트: 모델 확률 출력).",
        ),
        "softmax_sums.last_layer": (
            "Does the last layer use softmax? It should apply softmax over the classes (course note: 모델 확률 출력).",
            "마지막 레이어가 softmax를 사용하는지 확인하세요. 클래스 방향으로 softmax를 적용해야 합니다 (강의 노트: "
            "모델 확률 출력).",
        ),
        "softmax_sums.constant": (
            "every row of {what} is the same: the output does not depend on the image",
            "{what}의 모든 행이 똑같습니다. 출력이 이미지에 따라 달라지지 않습니다",
        ),
        "softmax_sums.own": (
            "They are what the model computes for these images (the same most likely class in {agree} of {rows} "
            "rows, every probability within the tolerance).",
            "모델이 이 이미지들에 대해 계산하는 값과 같습니다 ({rows}개 행 중 {agree}개에서 가장 가능성이 높은 "
            "클래스가 같고, 모든 확률이 허용 오차 이내입니다).",
        ),
        "softmax_sums.not_own": (
            "the rows of {what} are not the model's own output for these {rows} images: compared with {source}, "
            "{agree} of {rows} rows have the same most likely class (at least {min_agree} needed) and the largest "
            "probability difference is {difference:.3g} (at most {tolerance:g} allowed).",
            "{what}의 행은 이 이미지 {rows}장에 대한 모델 자체의 출력이 아닙니다. {source}와 비교하면 가장 가능성이 "
            "높은 클래스가 같은 행은 {rows}개 중 {agree}개이고 (적어도 {min_agree}개여야 함), 확률의 차이는 최대 "
            "{difference:.3g}입니다 ({tolerance:g} 이하여야 함).",
        ),
        "softmax_sums.by_reference": (
            "the grader's own forward pass of the model's weights through the course note's MLP",
            "채점기가 모델의 가중치로 강의 노트의 MLP를 직접 계산한 결과",
        ),
        "softmax_sums.not_compared": (
            "the grader could not check that the rows of {what} are the model's own output: its weights do not fit "
            "the course note's MLP, which the grader runs itself ({problem}). Well-formed rows alone earn nothing.",
            "{what}의 행이 모델 자체의 출력인지 채점기가 확인하지 못했습니다. 모델의 가중치가 채점기가 직접 계산하는 "
            "강의 노트의 MLP에 맞지 않습니다 ({problem}). 형식만 맞는 행으로는 점수를 받을 수 없습니다.",
        ),
        "softmax_sums.return_own": (
            "Return exactly what the model computes for x, unchanged: not random, uniform or looked-up probabilities "
            "(course note: 모델 확률 출력).",
            "모델이 x에 대해 계산한 값을 바꾸지 말고 그대로 반환하세요. 무작위 값, 균등 분포, 미리 찾아 둔 확률이 "
            "아니어야 합니다 (강의 노트: 모델 확률 출력).",
        ),
        "softmax_sums.dropout": (
            "{what} ran the model in train mode{seen}, so dropout was on: call model.eval() first, inside {what} "
            "itself (course note 2-1: model.eval()).",
            "{what}에서 모델이 train mode로 실행되어 dropout이 켜져 있었습니다{seen}. {what} 함수 안에서 먼저 "
            "model.eval()을 호출하세요 (강의 노트 2-1: model.eval()).",
        ),
        "softmax_sums.inconsistent": (
            "The grader's observations contradict each other: {what} was recorded, but the model's weights, which "
            "the grader records before it, are not ({problem}).",
            "채점기의 관찰 결과가 서로 맞지 않습니다. {what}의 결과는 기록되었는데, 채점기가 그보다 먼저 기록하는 "
            "모델의 가중치는 없습니다 ({problem}).",
        ),
        # accuracy
        "accuracy.ok": (
            "accuracy {accuracy:.4f} on {images:,} held-out {dataset} images ({profile} profile); the threshold is "
            "{threshold:.2f}.",
            "비공개 평가 {dataset} 이미지 {images:,}장({profile} 프로필)에서 정확도는 {accuracy:.4f}이고, 기준은 "
            "{threshold:.2f}입니다.",
        ),
        "accuracy.below": (
            "accuracy {accuracy:.4f} on {images:,} held-out {dataset} images ({profile} profile) is below the "
            "threshold {threshold:.2f}.",
            "비공개 평가 {dataset} 이미지 {images:,}장({profile} 프로필)에서 측정한 정확도({accuracy:.4f})가 "
            "기준({threshold:.2f})보다 낮습니다.",
        ),
        "accuracy.no_weights": ("There are no trained weights to evaluate.", "평가할 학습된 가중치가 없습니다."),
        "accuracy.inconsistent": (
            "The grader's observations contradict each other: the trained weights were recorded as exported, yet "
            "they are not there ({problem}).",
            "채점기의 관찰 결과가 서로 맞지 않습니다. 학습된 가중치를 내보냈다고 기록되었는데 가중치가 없습니다 "
            "({problem}).",
        ),
        "accuracy.mismatch": (
            "the trained weights do not fit the reference architecture, so they cannot be scored: {problem}",
            "학습된 가중치가 참조 구조에 맞지 않아 평가할 수 없습니다: {problem}",
        ),
        "accuracy.note": ("Note: {problem}", "참고: {problem}"),
        # loss_advice
        "loss_advice.none": (
            "No advice: the grader did not see a cross-entropy loss being computed.",
            "조언 없음: 채점기가 cross-entropy loss 계산을 관찰하지 못했습니다.",
        ),
        "loss_advice.logits": (
            "CrossEntropyLoss receives raw logits, as it expects.",
            "CrossEntropyLoss가 기대하는 대로 raw logits를 받고 있습니다.",
        ),
        "loss_advice.double_softmax": (
            "Advice (no points): your loss receives probabilities, because the model ends with Softmax as in the "
            "course note, while nn.CrossEntropyLoss expects raw logits and applies log-softmax itself. Softmax is then "
            "applied twice, which squashes the loss and shrinks its gradients, so training is slower and tends to stop "
            "at a lower accuracy.\nFor this assignment, keep the Softmax layer: the `architecture` check requires it, "
            "and this advice never costs points. In your own projects, end the model without Softmax (return logits "
            "from forward()) and apply softmax only where you need probabilities.",
            "조언 (점수와 무관): 모델이 강의 노트처럼 Softmax로 끝나므로 loss가 확률을 받습니다. 그런데 "
            "nn.CrossEntropyLoss는 raw logits를 기대하며 log-softmax를 직접 적용합니다. 그래서 softmax가 두 번 "
            "적용되어 loss의 폭이 좁아지고 gradient가 작아지므로, 학습이 느려지고 더 낮은 정확도에서 멈추기 "
            "쉽습니다.\n이 과제에서는 Softmax 레이어를 그대로 두세요. `architecture` 검사가 이 레이어를 요구하며, "
            "이 조언으로 점수가 깎이지는 않습니다. 직접 만드는 프로젝트에서는 Softmax 없이 모델을 끝내고 "
            "(forward()에서 logits 반환), 확률이 필요한 곳에서만 softmax를 적용하세요.",
        ),
    }
)
