"""One date format for English pages, admin and storefront alike: 2 Dec 2026 and 2 Dec 2026, 14:05.

A month in letters, never 12/02/2026 (which a French reader takes for 12 February), 24-hour clock.
"""

DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j M"
YEAR_MONTH_FORMAT = "M Y"
