"""What the host verifies outside the student's process: the keyed training experiment, its NumPy
replay, and the reference forward passes."""
