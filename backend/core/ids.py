"""Reading a row's id from text a client sent (a query parameter, a form field)."""

# Primary keys are 64-bit (BigAutoField). A larger number cannot name a row and would overflow
# the database parameter (a 500), so it is refused at the boundary.
MAX_ID = 2**63 - 1


def parse_id(value: object) -> int | None:
    """`value` as an id 1..MAX_ID, or None when it is not one. Only ASCII digits count:
    str.isdigit() also accepts "²" and other digits that int() refuses with a ValueError."""
    text = str(value or "")
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None
