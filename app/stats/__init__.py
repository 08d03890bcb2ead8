"""The annual report's statistics: group activities organised and their contacts, month by month and by
breakdown, computed by SQL aggregates over the live calendar and the imported history."""
