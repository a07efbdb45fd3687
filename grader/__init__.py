"""Grader: a reproducible autograder for deep-learning course assignments."""

from __future__ import annotations

__version__ = "0.1.0"
