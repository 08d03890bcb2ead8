"""Staff and partner accounts, their roles, and the access rules of the back-office."""
