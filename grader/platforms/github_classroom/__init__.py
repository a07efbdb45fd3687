"""GitHub Classroom: CI auto-grading in the student's repository, and the workflow template."""
