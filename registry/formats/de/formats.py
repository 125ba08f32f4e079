"""German pages: German dates (d.m.Y) and numbers (1.234,5), as Django's own German formats, with
the time in the short date-time."""

DATE_FORMAT = "j. F Y"
YEAR_MONTH_FORMAT = "F Y"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
