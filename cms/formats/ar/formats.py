# Django's DATE_FORMAT and TIME_FORMAT for Arabic, joined with the Arabic comma.
DATETIME_FORMAT = "j F، Y، g:i A"
