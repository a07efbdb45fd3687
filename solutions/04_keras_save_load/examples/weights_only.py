"""Flawed example: save_model saves the weights only (model.save_weights, which Keras wants in a .weights.h5 file), so
nothing is at the path the grader gave and nothing can be loaded: loses `runs`, `saved_whole_model` and
`roundtrip`."""

import tensorflow as tf


def build_model():
    return tf.keras.models.Sequential([
        tf.keras.layers.Flatten(input_shape=(28, 28)),
        tf.keras.layers.Dense(128, activation='relu'),
        tf.keras.layers.Dropout(0.2),
        tf.keras.layers.Dense(10, activation='softmax'),
    ])


def save_model(model, path):
    model.save_weights(path.replace('.keras', '.weights.h5'))


def load_model(path):
    model = build_model()
    model.load_weights(path.replace('.keras', '.weights.h5'))
    return model
