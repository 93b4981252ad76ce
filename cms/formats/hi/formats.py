# Django's Hindi catalogue gives "AM" and "PM" the same word (बजे), so a 12-hour time
# cannot tell 6 in the morning from 6 in the evening: 24-hour times, as on Indian
# railway and event timetables.
DATETIME_FORMAT = "j F Y, H:i"
TIME_FORMAT = "H:i"
# Django's Hindi format groups nothing ("10000"): counts are grouped as Indian readers
# write them, thousands then lakhs and crores (10,000; 1,23,456).
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = (3, 2, 0)
