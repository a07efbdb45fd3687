"""The result model: what grading produced, and the term record it carries (its formats: `grader.outputs`)."""

from __future__ import annotations

from grader.results.model import AssignmentResult, Status, SubmissionStatus, TestResult

__all__ = ["AssignmentResult", "Status", "SubmissionStatus", "TestResult"]
