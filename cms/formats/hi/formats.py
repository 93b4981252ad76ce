# Django's Hindi catalogue gives "AM" and "PM" the same word (बजे), so a 12-hour time
# cannot tell 6 in the morning from 6 in the evening: 24-hour times, as on Indian
# railway and event timetables.
DATETIME_FORMAT = "j F Y, H:i"
TIME_FORMAT = "H:i"
