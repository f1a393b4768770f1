"""The database, not only the booking service, keeps a table from taking more conversations per
slot than its capacity. The unique constraint `event_booking_one_per_seat` gives each active
booking its own seat; these triggers keep every active seat within 1..capacity of its table, so
the number of active bookings per (slot, table) can never exceed the capacity, whoever writes.

Django cannot express a check across two tables, hence triggers, for PostgreSQL and SQLite alike.
SQLite loses triggers when Django rebuilds a table (some ALTERs do): a later migration that
alters engagement_eventbooking or engagement_eventtable must create them again
(tests/backend/engagement/test_event_bookings.py fails if they are missing)."""

from django.db import migrations

POSTGRESQL = [
    # FOR SHARE: a capacity change waits for this booking's transaction and then sees its seat.
    """
    CREATE FUNCTION engagement_booking_seat_within_capacity() RETURNS trigger AS $$
    DECLARE
        table_capacity integer;
    BEGIN
        IF NEW.cancelled_at IS NULL THEN
            SELECT capacity INTO table_capacity FROM engagement_eventtable
                WHERE id = NEW.table_id FOR SHARE;
            IF NEW.seat > table_capacity THEN
                RAISE EXCEPTION 'event_booking_seat_within_capacity: seat beyond the table capacity'
                    USING ERRCODE = 'check_violation';
            END IF;
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER engagement_booking_seat_within_capacity
        BEFORE INSERT OR UPDATE OF seat, table_id, cancelled_at ON engagement_eventbooking
        FOR EACH ROW EXECUTE FUNCTION engagement_booking_seat_within_capacity()
    """,
    """
    CREATE FUNCTION engagement_table_capacity_covers_seats() RETURNS trigger AS $$
    BEGIN
        IF EXISTS (
            SELECT 1 FROM engagement_eventbooking
            WHERE table_id = NEW.id AND cancelled_at IS NULL AND seat > NEW.capacity
        ) THEN
            RAISE EXCEPTION 'event_table_capacity_covers_seats: booked seats beyond the capacity'
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER engagement_table_capacity_covers_seats
        BEFORE UPDATE OF capacity ON engagement_eventtable
        FOR EACH ROW EXECUTE FUNCTION engagement_table_capacity_covers_seats()
    """,
]

POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS engagement_table_capacity_covers_seats ON engagement_eventtable",
    "DROP FUNCTION IF EXISTS engagement_table_capacity_covers_seats()",
    "DROP TRIGGER IF EXISTS engagement_booking_seat_within_capacity ON engagement_eventbooking",
    "DROP FUNCTION IF EXISTS engagement_booking_seat_within_capacity()",
]

SEAT_BEYOND_CAPACITY = """
    NEW.cancelled_at IS NULL
    AND NEW.seat > (SELECT capacity FROM engagement_eventtable WHERE id = NEW.table_id)
"""

SQLITE = [
    f"""
    CREATE TRIGGER engagement_booking_seat_within_capacity_insert
        BEFORE INSERT ON engagement_eventbooking
        FOR EACH ROW WHEN {SEAT_BEYOND_CAPACITY}
    BEGIN
        SELECT RAISE(ABORT, 'event_booking_seat_within_capacity: seat beyond the table capacity');
    END
    """,
    f"""
    CREATE TRIGGER engagement_booking_seat_within_capacity_update
        BEFORE UPDATE OF seat, table_id, cancelled_at ON engagement_eventbooking
        FOR EACH ROW WHEN {SEAT_BEYOND_CAPACITY}
    BEGIN
        SELECT RAISE(ABORT, 'event_booking_seat_within_capacity: seat beyond the table capacity');
    END
    """,
    """
    CREATE TRIGGER engagement_table_capacity_covers_seats
        BEFORE UPDATE OF capacity ON engagement_eventtable
        FOR EACH ROW WHEN EXISTS (
            SELECT 1 FROM engagement_eventbooking
            WHERE table_id = NEW.id AND cancelled_at IS NULL AND seat > NEW.capacity
        )
    BEGIN
        SELECT RAISE(ABORT, 'event_table_capacity_covers_seats: booked seats beyond the capacity');
    END
    """,
]

SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS engagement_table_capacity_covers_seats",
    "DROP TRIGGER IF EXISTS engagement_booking_seat_within_capacity_update",
    "DROP TRIGGER IF EXISTS engagement_booking_seat_within_capacity_insert",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("engagement", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        ),
    ]
