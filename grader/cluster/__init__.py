"""Grading on a Dask cluster: the coordinator's side and the task each worker runs."""
