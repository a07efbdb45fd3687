"""The student's commands: `grader check`'s console and `grader run`."""
