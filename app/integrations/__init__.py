"""Videoconference providers, kept apart from the rest of the application.

- ``rooms``: the interface every provider implements (``RoomProvider``, ``MeetingRoom``), its errors
  and ``ensure_room``;
- ``http_client``: what the providers that call an API share (time-outs, errors, Retry-After);
- ``jitsi``, ``whereby``, ``google_meet``: one provider each, importing only the two modules above;
- ``registry``: the provider names (``PROVIDERS``, the one list of the application), their labels,
  the settings each needs, and ``provider_for``, which sets a provider up from the settings.

Nothing here knows the application's models: callers pass a key, times and a title, and store the
``MeetingRoom`` they get back.
"""
