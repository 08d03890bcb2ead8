"""The calendar: activities, weekly series in Brussels time, sessions."""
