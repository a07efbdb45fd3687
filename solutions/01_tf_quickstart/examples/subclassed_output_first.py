"""Honest example: a subclassed model that creates its output layer first and its Flatten last, so `model.layers`
and `get_weights()` follow that order; its forward pass is the course note's MLP. The architecture is read from the
forward pass and the weights reach the reference by data flow: nothing is lost."""

import numpy as np
import tensorflow as tf


def load_data():
    mnist = tf.keras.datasets.mnist
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    x_train, x_test = x_train / 255.0, x_test / 255.0
    y_train = np.eye(10)[y_train]
    y_test = np.eye(10)[y_test]
    return (x_train, y_train), (x_test, y_test)


class OutputFirst(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.out = tf.keras.layers.Dense(10, activation='softmax')
        self.hidden = tf.keras.layers.Dense(128, activation='relu')
        self.flatten = tf.keras.layers.Flatten()
        self.dropout = tf.keras.layers.Dropout(0.2)

    def call(self, x, training=False):
        return self.out(self.dropout(self.hidden(self.flatten(x)), training=training))


def build_model():
    model = OutputFirst()
    model(tf.zeros((1, 28, 28)))
    return model


def compile_model(model):
    model.compile(optimizer='adamw', loss='categorical_crossentropy', metrics=['accuracy'])


def train(model, x_train, y_train, epochs):
    model.fit(x_train, y_train, epochs=epochs)


def predict_proba(model, x):
    return np.asarray(model(x))
