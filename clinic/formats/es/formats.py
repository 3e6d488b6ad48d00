"""The site's named date formats in Spanish, the way Django's Spanish formats write dates
("15 de diciembre de 2026", 24-hour times). Django's own Spanish formats apply to the rest."""

LONG_DATE_FORMAT = r"j \d\e F \d\e Y"  # 15 de diciembre de 2026
WEEKDAY_DATE_FORMAT = r"l j \d\e F \d\e Y"  # martes 15 de diciembre de 2026
WEEKDAY_MONTH_DAY_FORMAT = r"l j \d\e F"  # martes 15 de diciembre
CLOCK_FORMAT = "H:i"  # 14:30
