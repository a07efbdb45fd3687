"""Attack example: `train` asks a helper process for help over the network (the in-process network guard does not
reach a child process), and trains only when an answer comes back: a stand-in for downloading trained weights or
the test labels. With the network cut for every process of the run, it trains on nothing and loses `accuracy`.
tests/test_attacks.py listens on 127.0.0.1:47613 while it grades this file."""

import subprocess
import sys

import numpy as np
import tensorflow as tf

HELPER = (
    "import socket\n"
    "with socket.create_connection(('127.0.0.1', 47613), timeout=5) as s:\n"
    "    print(s.recv(64).decode())\n"
)
TOKEN = "grader-network-test"


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


def train(model, x_train, y_train, epochs):
    try:
        answer = subprocess.run([sys.executable, "-c", HELPER], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return
    if answer.stdout.strip() == TOKEN:
        model.fit(x_train, y_train, epochs=epochs)


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
