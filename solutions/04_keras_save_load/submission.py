"""Reference solution for 04_keras_save_load (course note section 3)."""

import numpy as np
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
    return tf.keras.models.load_model(path)


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
