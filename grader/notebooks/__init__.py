"""Notebooks: a Jupyter/Colab notebook turned into the module that is graded, and which cells it uses."""
