"""Flawed example: build_model scales the pixels in a Lambda layer, Python code that Keras refuses to load in safe mode;
load_model turns safe mode off, so only a run without the student's code sees it: loses `saved_whole_model`."""

import tensorflow as tf


def build_model():
    return tf.keras.models.Sequential([
        tf.keras.layers.Lambda(lambda x: x / 255.0, input_shape=(28, 28)),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(128, activation='relu'),
        tf.keras.layers.Dropout(0.2),
        tf.keras.layers.Dense(10, activation='softmax'),
    ])


def save_model(model, path):
    model.save(path)


def load_model(path):
    return tf.keras.models.load_model(path, safe_mode=False)
