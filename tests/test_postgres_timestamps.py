"""Timestamps read back from PostgreSQL are exactly what was written: the same instant, to
the microsecond, aware in UTC as Django returns them (lpse_sop.postgres reads them in C)."""
import datetime
import zoneinfo

import pytest
from django.db import DataError, connection

UTC = datetime.timezone.utc
MOMENTS = [
    datetime.datetime(2026, 12, 6, 4, 13, 31, 756812, tzinfo=UTC),
    datetime.datetime(2026, 12, 6, 11, 13, 31, tzinfo=zoneinfo.ZoneInfo("Asia/Jakarta")),  # 04:13:31 UTC
    datetime.datetime(2026, 1, 1, 0, 0, 0, 500000, tzinfo=zoneinfo.ZoneInfo("Asia/Jayapura")),
    datetime.datetime(1, 1, 2, tzinfo=UTC),
    datetime.datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
]

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's text format")]


def test_a_timestamp_reads_back_as_the_same_instant_in_utc():
    from lpse_sop.postgres import utc_loader

    with connection.cursor() as cursor:
        assert connection.connection.adapters.get_loader(1184, 0) is utc_loader()  # timestamptz, text
        for moment in MOMENTS:
            cursor.execute("SELECT %s::timestamptz", [moment])
            (read,) = cursor.fetchone()
            assert read == moment and read.tzinfo is UTC, (moment, read)


def test_what_iso_cannot_read_goes_to_djangos_loader_and_fails_as_before():
    with connection.cursor() as cursor:
        cursor.execute("SELECT '0044-03-15 12:00:00+00 BC'::timestamptz")
        with pytest.raises(DataError):  # psycopg refuses BC dates, as with Django's loader alone
            cursor.fetchone()
