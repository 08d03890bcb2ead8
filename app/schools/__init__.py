"""Schools book class sessions: a teacher's request without an account, handled by staff into a session."""
