"""Flawed example: predict_proba returns well-formed random probabilities (non-negative rows that sum to 1, not
the model's): loses `softmax_sums`."""

import numpy as np
import tensorflow as tf


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
    model.fit(x_train, y_train, epochs=epochs)


def predict_proba(model, x):
    rng = np.random.default_rng(0)
    return rng.dirichlet(np.ones(10), size=len(x))


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
