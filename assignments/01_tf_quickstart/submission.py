"""01_tf_quickstart: the course note's TensorFlow quickstart (section 1-1), one function per step.

Fill in every TODO. Keep the function names and signatures: the grader calls them one at a time.
Check your work with:  grader check 01_tf_quickstart
"""

import numpy as np
import tensorflow as tf


def load_data():
    """Return ((x_train, y_train), (x_test, y_test)) from tf.keras.datasets.mnist.load_data().

    - pixels scaled to [0, 1]
    - labels one-hot with 10 columns
    """
    # TODO: load MNIST, scale the pixels, one-hot encode the labels
    raise NotImplementedError("TODO: load_data")


def build_model():
    """Return the MLP: Flatten(28x28) -> Dense(128, relu) -> Dropout(0.2) -> Dense(10, softmax)."""
    # TODO: build the tf.keras.models.Sequential model of the course note
    raise NotImplementedError("TODO: build_model")


def compile_model(model):
    """Compile with optimizer 'adamw', loss 'categorical_crossentropy' and metric 'accuracy'."""
    # TODO: model.compile(...)
    raise NotImplementedError("TODO: compile_model")


def train(model, x_train, y_train, epochs):
    """Train the model for `epochs` epochs."""
    # TODO: model.fit(...)
    raise NotImplementedError("TODO: train")


def predict_proba(model, x):
    """Return the class probabilities for the images x, as a numpy array of shape (N, 10)."""
    # TODO: run the model on x
    raise NotImplementedError("TODO: predict_proba")


if __name__ == "__main__":
    (x_train, y_train), (x_test, y_test) = load_data()
    model = build_model()
    compile_model(model)
    train(model, x_train, y_train, epochs=10)

    _, accuracy = model.evaluate(x_test, y_test, verbose=2)
    print(f"accuracy : {accuracy:.4f}")

    np.set_printoptions(suppress=True, precision=8, linewidth=160)
    prediction = predict_proba(model, x_test[:20])
    print(prediction)
    print(np.sum(prediction, axis=1))
