"""Role groups, named once. Every rule that says "coordinators may…" uses one of these names,
so a new role or a changed policy is one edit here, not a hunt through seven apps."""

from backend.accounts.models import Role

# Everyone who works at a school (teachers, coaches, coordinators, programme leads, admins).
SCHOOL_STAFF_ROLES: tuple[Role, ...] = (
    Role.TEACHER,
    Role.COACH,
    Role.COORDINATOR,
    Role.PROGRAMME_LEAD,
    Role.INSTITUTION_ADMIN,
)
# The school's coordinating staff: they run allocation rounds, accept agreements on the
# school's behalf, register companies that come forward and invite colleagues.
COORDINATING_ROLES: tuple[Role, ...] = (
    Role.COORDINATOR,
    Role.PROGRAMME_LEAD,
    Role.INSTITUTION_ADMIN,
)
# School staff who review (curate) offers: every school role.
REVIEWING_ROLES: tuple[Role, ...] = SCHOOL_STAFF_ROLES
# People who speak for a company (or another non-school organisation).
COMPANY_ROLES: tuple[Role, ...] = (Role.COMPANY_CONTACT,)
STUDENT_ROLES: tuple[Role, ...] = (Role.STUDENT,)
# Who manages an organisation's own data, by kind of organisation: a school's institution
# admin; for the other kinds also their contact person.
SCHOOL_MANAGER_ROLES: tuple[Role, ...] = (Role.INSTITUTION_ADMIN,)
ORGANISATION_MANAGER_ROLES: tuple[Role, ...] = (Role.COMPANY_CONTACT, Role.INSTITUTION_ADMIN)
# Who may see an organisation's staff list: its managers plus the school's coordinating staff.
STAFF_LIST_ROLES: tuple[Role, ...] = (*COORDINATING_ROLES, Role.COMPANY_CONTACT)
# Who may verify a certificate (VOG) that a guest teacher shows.
CERTIFICATE_VERIFIER_ROLES: tuple[Role, ...] = (Role.COORDINATOR, Role.INSTITUTION_ADMIN)
# Who invites people to their organisation: the school's coordinating staff, a company's contact.
INVITING_ROLES: tuple[Role, ...] = (*COORDINATING_ROLES, Role.COMPANY_CONTACT)
# School roles a school may allow to read every care note (Organisation.care_notes_roles); "coach"
# means every coach of the school (the student's own coach always may).
CARE_NOTES_READER_ROLES: tuple[Role, ...] = (
    Role.COACH,
    Role.TEACHER,
    Role.COORDINATOR,
    Role.PROGRAMME_LEAD,
    Role.INSTITUTION_ADMIN,
)
# Who a student's enrolment may name as their coach (SLB): the school's coaches and teachers.
STUDENT_COACH_ROLES: tuple[Role, ...] = (Role.COACH, Role.TEACHER)
# School staff told that an allocation round's result is published: its teachers and coaches.
ROUND_RESULT_STAFF_ROLES: tuple[Role, ...] = (Role.TEACHER, Role.COACH)
# School roles that sign in with two factors when their school requires it (backend.two_factor;
# Koppel staff always do): the people who see and change the data of a whole school.
SECOND_FACTOR_ROLES: tuple[Role, ...] = (*COORDINATING_ROLES, Role.PRIVACY_OFFICER)
# The school's privacy officer (functionaris gegevensbescherming): privacy requests, the access
# log, retention and the processing register of their own institution (backend.privacy).
PRIVACY_OFFICER_ROLES: tuple[Role, ...] = (Role.PRIVACY_OFFICER,)
# Everyone who works with offers, rounds, agreements, events and meetings: every role but the
# privacy officer, who sees only the privacy pages and their own account (a person who also holds
# another role keeps that role's pages).
DOMAIN_ROLES: tuple[Role, ...] = tuple(r for r in Role if r not in PRIVACY_OFFICER_ROLES)
