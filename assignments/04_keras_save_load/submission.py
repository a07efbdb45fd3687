"""04_keras_save_load: save the whole Keras model, then load it without defining it again (course note section 3).

Fill in every TODO. Keep the function names and signatures: the grader calls them one at a time, in separate runs.
Check your work with:  grader check 04_keras_save_load
"""

import numpy as np
import tensorflow as tf


def build_model():
    """Return the MLP: Flatten(28x28) -> Dense(128, relu) -> Dropout(0.2) -> Dense(10, softmax)."""
    # TODO: build the tf.keras.models.Sequential model of the course note
    raise NotImplementedError("TODO: build_model")


def save_model(model, path):
    """Save the whole model, architecture and weights, in one file at `path` (a path ending in .keras)."""
    # TODO: save the model to exactly this path
    raise NotImplementedError("TODO: save_model")


def load_model(path):
    """Return the model saved at `path`, restored from the file alone: do not call build_model()."""
    # TODO: load the model
    raise NotImplementedError("TODO: load_model")


if __name__ == "__main__":
    (x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
    x_train, x_test = x_train / 255.0, x_test / 255.0
    y_train, y_test = np.eye(10)[y_train], np.eye(10)[y_test]
    model = build_model()
    model.compile(optimizer='adamw', loss='categorical_crossentropy', metrics=['accuracy'])
    model.fit(x_train, y_train, epochs=1)

    save_model(model, 'model.keras')
    loaded = load_model('model.keras')
    loaded.summary()

    _, accuracy = loaded.evaluate(x_test, y_test, verbose=2)
    print(f'accuracy of the loaded model : {accuracy:.4f}')
    difference = np.abs(model.predict(x_test[:20]) - loaded.predict(x_test[:20])).max()
    print(f'largest difference from the saved model : {difference}')
