"""Partner organisations: their sessions, registrations, proposals and videoconference choice."""
