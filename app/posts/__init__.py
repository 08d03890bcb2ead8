"""Posts of the week's programme and the day's workshops to the centre's Facebook and LinkedIn pages.

- ``models``: the queued posts (one per network, kind, date and language) and each network's state;
- ``compose``: the texts, from the calendar, in French and in Dutch, within each network's length;
- ``services``: queueing ahead, publishing what is due (claimed with a lease and a fencing token),
  retries, duplicates, a refused token, and what staff do (edit, publish now, skip);
- ``views``, ``forms``: the staff page; ``commands``: ``flask --app wsgi posts publish``.
"""
