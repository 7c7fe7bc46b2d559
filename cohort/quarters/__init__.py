"""The quarter review: every third session (or whenever a member chooses), the last three
months side by side and the quarter's questions."""
