"""The site's named date formats in English: US style, month in full ("December 15, 2026").

Django's own English formats (the admin's) are left as they are; templates and code name these
(`{{ day|date:"LONG_DATE_FORMAT" }}`, or the filters of screener/templatetags/patient_dates.py).
Every name here must exist in each language's module (tests/test_i18n.py checks).
"""

LONG_DATE_FORMAT = "F j, Y"  # December 15, 2026
WEEKDAY_DATE_FORMAT = "l, F j, Y"  # Tuesday, December 15, 2026
WEEKDAY_MONTH_DAY_FORMAT = "l, F j"  # Tuesday, December 15
CLOCK_FORMAT = "g:i A"  # 2:30 PM
