"""The printable programme of a week: one A4 page per language, a QR code to each session's page, for
the centre's notice board and partners' offices (`/<lang>/programme?week=YYYY-Www`)."""
