"""Flawed example: a model whose layers look right but whose forward pass is not the reference MLP (it mixes a
uniform distribution into the softmax): loses `architecture`, and `softmax_sums`, which only the grader's own
forward pass of the weights can award."""

import numpy as np
import tensorflow as tf


def load_data():
    mnist = tf.keras.datasets.mnist
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    x_train, x_test = x_train / 255.0, x_test / 255.0
    y_train = np.eye(10)[y_train]
    y_test = np.eye(10)[y_test]
    return (x_train, y_train), (x_test, y_test)


class LooksRight(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.flatten = tf.keras.layers.Flatten()
        self.hidden = tf.keras.layers.Dense(128, activation='relu')
        self.dropout = tf.keras.layers.Dropout(0.2)
        self.out = tf.keras.layers.Dense(10, activation='softmax')

    def call(self, x, training=False):
        probs = self.out(self.dropout(self.hidden(self.flatten(x)), training=training))
        return 0.5 * probs + 0.05


def build_model():
    model = LooksRight()
    model(tf.zeros((1, 28, 28)))
    return model


def compile_model(model):
    model.compile(optimizer='adamw', loss='categorical_crossentropy', metrics=['accuracy'])


def train(model, x_train, y_train, epochs):
    model.fit(x_train, y_train, epochs=epochs)


def predict_proba(model, x):
    return np.asarray(model(x))
