"""One date format for French pages, admin and storefront alike: 02/12/2026 and 02/12/2026 14:05.

Every template (`|date:"DATE_FORMAT"`, `"DATETIME_FORMAT"`, their SHORT_ twins) and every Python sentence
(`django.utils.formats.date_format`) reads these; tests/test_date_formats.py crawls the pages for strays.
"""

DATE_FORMAT = "d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "d/m/Y H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "d/m"
YEAR_MONTH_FORMAT = "m/Y"
