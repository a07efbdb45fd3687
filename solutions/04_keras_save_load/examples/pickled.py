"""Flawed example: save_model pickles the model instead of saving it with Keras; loading a pickle runs code, so the
grader never opens one: loses `saved_whole_model`."""

import pickle

import tensorflow as tf


def build_model():
    return tf.keras.models.Sequential([
        tf.keras.layers.Flatten(input_shape=(28, 28)),
        tf.keras.layers.Dense(128, activation='relu'),
        tf.keras.layers.Dropout(0.2),
        tf.keras.layers.Dense(10, activation='softmax'),
    ])


def save_model(model, path):
    with open(path, 'wb') as file:
        pickle.dump(model, file)


def load_model(path):
    with open(path, 'rb') as file:
        return pickle.load(file)
