"""The personal calendar feed: a secret URL per person that calendar apps subscribe to."""

from backend.accounts.models import User
from backend.engagement.models import CalendarFeed
from backend.engagement.models.bookings import new_feed_token


def calendar_feed_regenerate(*, user: User) -> CalendarFeed:
    """A new secret URL; the old one stops working at once."""
    feed, created = CalendarFeed.objects.get_or_create(user=user)
    if not created:
        feed.token = new_feed_token()
        feed.save(update_fields=["token", "updated_at"])
    return feed
