"""English pages keep the ISO dates they always showed (Django's "en" would write m/d/Y)."""

SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
