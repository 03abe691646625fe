"""Domain logic as plain functions: no request, flash or current_user in here."""
