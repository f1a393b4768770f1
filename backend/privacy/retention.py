"""How long each category of personal data is kept, per school (AVG art. 5(1)(e): storage
limitation). A school's privacy officer may set its own period per rule (`RetentionPolicy`);
without a row the default below applies. The periods are counted from the moment each rule names
(`RetentionRule`'s labels): a student leaving, a round being published, an event ending, a
notification being sent, an agreement ending, a read being logged.

What each rule removes, and why the defaults are what they are, is in docs/privacy.md ("Retention")
and in `backend.privacy.services.retention`."""

from backend.organisations.models import Organisation
from backend.privacy.models import RetentionPolicy, RetentionRule

# The longest period a school may set: twenty years (also a database constraint).
MAX_MONTHS = 240

DEFAULT_MONTHS: dict[RetentionRule, int] = {
    # Care notes serve the school's care for a student who is here: they end when the student
    # leaves.
    RetentionRule.CARE_NOTES: 0,
    # Choices and the explanations of an assignment: a year after the round was published, long
    # past the objection period and any appeal about it.
    RetentionRule.CHOICES: 12,
    # The account and contact details: a year after leaving (a returning student, a late
    # question about their placement).
    RetentionRule.STUDENT_ACCOUNT: 12,
    # Evidence per werkproces supports the diploma: two years after leaving (the exam committee's
    # period for appeals and audits of the portfolio).
    RetentionRule.EVIDENCE: 24,
    # Bookings and attendance at events: a year after the event.
    RetentionRule.ACTIVITIES: 12,
    # In-app messages: half a year after they were sent.
    RetentionRule.NOTIFICATIONS: 6,
    # Agreements between school and companies are part of the school's archive (Archiefwet
    # selection lists keep contracts seven years after they end).
    RetentionRule.AGREEMENTS: 84,
    # The record of sensitive reads: two years, so a student can still ask who read their data
    # and the officer can audit it.
    RetentionRule.ACCESS_LOG: 24,
}


def school_months(school: Organisation) -> dict[RetentionRule, int]:
    """Every rule's period for the school: its own policy, else the default (one query)."""
    own = dict(
        RetentionPolicy.objects.filter(school=school).values_list("rule", "months").order_by()
    )
    return {rule: own.get(rule.value, DEFAULT_MONTHS[rule]) for rule in RetentionRule}


def months_for(school: Organisation, rule: RetentionRule) -> int:
    """The school's period for one rule in months: its policy row, else the default."""
    months = (
        RetentionPolicy.objects.filter(school=school, rule=rule)
        .values_list("months", flat=True)
        .first()
    )
    return DEFAULT_MONTHS[rule] if months is None else months
