# Django's Polish DATETIME_FORMAT ("j E Y H:i") runs the year into the hour: an event
# read "6 grudnia 2026 05:00 – 07:00". A comma parts them, as Polish timetables and
# the office's Hindi and Arabic formats do.
DATETIME_FORMAT = "j E Y, H:i"
