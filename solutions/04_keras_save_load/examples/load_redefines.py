"""Flawed example: load_model defines the model again inline (not through build_model) and loads the weights into it,
PyTorch's way: loses `roundtrip`."""

import tensorflow as tf


def build_model():
    return tf.keras.models.Sequential([
        tf.keras.layers.Flatten(input_shape=(28, 28)),
        tf.keras.layers.Dense(128, activation='relu'),
        tf.keras.layers.Dropout(0.2),
        tf.keras.layers.Dense(10, activation='softmax'),
    ])


def save_model(model, path):
    model.save(path)


def load_model(path):
    model = tf.keras.models.Sequential([
        tf.keras.layers.Flatten(input_shape=(28, 28)),
        tf.keras.layers.Dense(128, activation='relu'),
        tf.keras.layers.Dropout(0.2),
        tf.keras.layers.Dense(10, activation='softmax'),
    ])
    model.load_weights(path)
    return model
