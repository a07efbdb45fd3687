"""The result model and one module per output format."""

from __future__ import annotations

from grader.results.model import AssignmentResult, Status, SubmissionStatus, TestResult

__all__ = ["AssignmentResult", "Status", "SubmissionStatus", "TestResult"]
