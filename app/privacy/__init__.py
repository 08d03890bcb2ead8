"""Personal data: a person's own data by signed link, staff handling of requests, retention, the audit log."""
