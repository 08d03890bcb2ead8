"""Videoconference rooms of online and hybrid sessions: asked for, followed, deleted, retried."""
