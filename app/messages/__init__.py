"""Messages to people: written to an outbox in the transaction that causes them, delivered by SMTP."""
