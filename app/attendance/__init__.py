"""The attendance sheet, walk-ins and check-in by QR code."""
