"""Flawed example: the model is a class of the student's own (a keras.Model subclass, registered so that the student's
load_model can rebuild it); a run without the student's code cannot, while the note's Keras file needs no class
defined again: loses `saved_whole_model`."""

import tensorflow as tf


@tf.keras.utils.register_keras_serializable()
class MLP(tf.keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.flatten = tf.keras.layers.Flatten()
        self.hidden = tf.keras.layers.Dense(128, activation='relu')
        self.dropout = tf.keras.layers.Dropout(0.2)
        self.out = tf.keras.layers.Dense(10, activation='softmax')

    def call(self, x, training=False):
        return self.out(self.dropout(self.hidden(self.flatten(x)), training=training))


def build_model():
    model = MLP()
    model(tf.zeros((1, 28, 28)))
    return model


def save_model(model, path):
    model.save(path)


def load_model(path):
    return tf.keras.models.load_model(path)
