"""Each check's title, `title.<check id>`: what the student sees as the check's name unless the spec names it."""

from grader.messages.catalogue import define

define(
    {
        "title.runs": ("Runs without errors", "오류 없이 실행"),
        "title.data_pipeline": ("Data pipeline", "데이터 파이프라인"),
        "title.architecture": ("Model architecture", "모델 구조"),
        "title.compile": ("Optimizer, loss and metric", "Optimizer, loss, metric 설정"),
        "title.optimizer": ("Optimizer and loss", "Optimizer와 loss"),
        "title.zero_grad": ("optimizer.zero_grad() used correctly", "optimizer.zero_grad()의 올바른 사용"),
        "title.train_eval_mode": ("Train and eval modes", "train mode와 eval mode"),
        "title.lightning_hooks": ("Lightning hooks", "Lightning hook 구현"),
        "title.softmax_sums": ("Softmax outputs sum to 1", "Softmax 출력의 합이 1"),
        "title.accuracy": ("Accuracy on held-out images", "비공개 평가 이미지에서의 정확도"),
        "title.loss_advice": ("Advice: softmax and CrossEntropyLoss", "조언: softmax와 CrossEntropyLoss"),
        "title.roundtrip": ("Saved, then loaded in a fresh run", "저장 후 새 실행에서 불러오기"),
        "title.saved_whole_model": ("The file holds the whole model", "파일에 모델 전체가 저장됨"),
        "title.state_dict_file": ("The file holds a state_dict", "파일에 state_dict가 저장됨"),
    }
)
