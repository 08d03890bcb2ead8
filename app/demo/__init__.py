"""The demo calendar."""
