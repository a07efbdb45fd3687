"""What a course adds to the grader's verified results across a term: the roster (`roster`), due dates and the late
policy (`lateness`), the instructor's manual adjustments (`adjustments`), and how a session is told about them
(`options`). `policy.apply` gives each result its `TermRecord`; the checks' points are never touched."""
