"""The public pages, under /<lang>/: the calendar and one page per session (`views.bp`)."""
