# Django's Chinese format groups by four with no separator, so a count read "10000": a
# campaign's counts are grouped by three with a comma (10,000), as Chinese news and
# statistics write them in the digits the platform uses.
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
