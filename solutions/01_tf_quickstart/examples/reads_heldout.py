"""Attack example: `train` ignores the data it is given and fits the test images instead, wherever a student who
has read the grader would look for them (Debian's dataset folder, the grader's caches, the grading image's and the
platforms' data folders). With the test set in reach it would score far above honest training; kept out of reach,
it trains on nothing and loses `accuracy`."""

import gzip
import os
from pathlib import Path

import numpy as np
import tensorflow as tf

PLACES = (
    os.environ.get("GRADER_DATA_DIR", ""),
    "/usr/share/datasets",
    "~/.cache/grader/datasets",
    "/root/.cache/grader/datasets",
    "/opt/grader-data",
    "/autograder/source/data",
    "/grade/tests",
    "..",
    "/tmp",
)
DEPTH = 4


def load_data():
    mnist = tf.keras.datasets.mnist
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    x_train, x_test = x_train / 255.0, x_test / 255.0
    y_train = np.eye(10)[y_train]
    y_test = np.eye(10)[y_test]
    return (x_train, y_train), (x_test, y_test)


def build_model():
    return tf.keras.models.Sequential([
        tf.keras.layers.Flatten(input_shape=(28, 28)),
        tf.keras.layers.Dense(128, activation='relu'),
        tf.keras.layers.Dropout(0.2),
        tf.keras.layers.Dense(10, activation='softmax'),
    ])


def compile_model(model):
    model.compile(optimizer='adamw', loss='categorical_crossentropy', metrics=['accuracy'])


def _idx(path):
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    dims = [int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(data[3])]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * len(dims)).reshape(dims)


def _test_set():
    """The published test images and labels, from any copy this process can read."""
    for place in PLACES:
        if not place:
            continue
        root = Path(place).expanduser()
        try:
            for folder, folders, files in os.walk(root):
                if folder.count(os.sep) - str(root).count(os.sep) >= DEPTH:
                    folders[:] = []
                images = [f for f in files if f.startswith("t10k-images")]
                labels = [f for f in files if f.startswith("t10k-labels")]
                if images and labels:
                    return _idx(Path(folder) / images[0]), _idx(Path(folder) / labels[0])
        except OSError:
            continue
    return None


def train(model, x_train, y_train, epochs):
    found = _test_set()
    if found is None:
        return  # nothing to cheat with, and no honest training either
    x_test, y_test = found
    model.fit(x_test / 255.0, np.eye(10)[y_test], epochs=5, verbose=0)


def predict_proba(model, x):
    return np.asarray(model(x))


if __name__ == "__main__":
    (x_train, y_train), (x_test, y_test) = load_data()
    model = build_model()
    compile_model(model)
    train(model, x_train, y_train, epochs=10)
    _, accuracy = model.evaluate(x_test, y_test, verbose=2)
    print(f'accuracy : {accuracy:.4f}')
    np.set_printoptions(suppress=True, precision=8, linewidth=160)
    prediction = predict_proba(model, x_test[:20])
    print(prediction)
    print(np.sum(prediction, axis=1))
