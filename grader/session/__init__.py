"""Class sessions: many submissions graded in parallel, cached and resumable, with their history."""
