"""Date formats Django's locales leave to the English default (FORMAT_MODULE_PATH).

Django's Hindi and Arabic locales define dates and times but no DATETIME_FORMAT, so an
event's start read "जनवरी. 15, 2027, 6 बजे" (an English pattern with a Hindi month).
Hindi times are 24-hour (its catalogue has one word for AM and PM). Only what is
missing is set here; everything else still comes from Django.
"""
