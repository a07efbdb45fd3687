"""Authoring an assignment: what an instructor runs while writing one (calibrating its thresholds on the reference)."""
