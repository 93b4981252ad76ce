# Django's DATE_FORMAT and TIME_FORMAT for Arabic, joined with the Arabic comma.
DATETIME_FORMAT = "j F، Y، g:i A"
# Django's Arabic format groups nothing and has the Maghreb's separators (1.000,5): with
# the Western digits the platform writes, counts are grouped 10,000 and a decimal is
# 1.5, as Arabic's Latin-digit convention (CLDR) and the Mashriq's press write them.
THOUSAND_SEPARATOR = ","
DECIMAL_SEPARATOR = "."
NUMBER_GROUPING = 3
