"""The widget of the centre's and partners' websites: `/widget.js` (a script that reads the public API
across origins) and `/embed/<lang>/` (the one page that may be framed), with the public list's filters;
and the back-office page that builds their snippet."""
