"""Calendar files: the public feed, one session's download (`views.bp`), and the iCalendar builder
that messages use for their invitations."""
