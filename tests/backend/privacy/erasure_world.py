"""A student with data in every category Koppel holds, for the erasure tests: the name, e-mail
address and student number are distinctive, so a search of the whole database has no false hits."""

import datetime as dt
from types import SimpleNamespace

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from backend.accounts.models import (
    Certificate,
    Consent,
    ConsentPurpose,
    EmailChange,
    Invitation,
    PersonalDataRead,
    PersonalDataReadKind,
    Role,
    StudentEnrolment,
)
from backend.agreements import services as agreement_services
from backend.allocations.models import (
    AllocationRound,
    AllocationRun,
    Assignment,
    Choice,
    ChoiceList,
    Objection,
    RoundEvent,
    RunPlacement,
)
from backend.core.models import OutgoingMail
from backend.curriculum.models import Werkproces, WerkprocesEvidence
from backend.engagement.models import (
    CalendarFeed,
    DigestPreference,
    Event,
    EventBooking,
    EventSlot,
    EventTable,
    Meeting,
    MeetingParticipant,
)
from backend.notifications.models import Notification, NotificationPreference
from backend.offers.models import OfferKind, OfferStatus
from backend.privacy.models import DataRequest, RequestKind, RequestStatus
from backend.security.models import AccountLock, MailRequest, SigninFailure
from backend.sso.models import IdentityLink, SignInLogEntry
from backend.two_factor.models import SecondFactorEvent
from tests.factories import OfferFactory, student

NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)
FIRST, LAST = "Zoë", "Quistorp-Vandermeulen"
FULL_NAME = f"{FIRST} {LAST}"
EMAIL = "zoe.quistorp-vdm@student.vista.test"
NUMBER = "VQ-990017"


def build_zoe(cast):
    """Zoë at Vista, with data in every category; returns the objects the tests look at."""
    zoe = student(
        school=cast.vista,
        kwalificatie=cast.ict_niveau2,
        first_name=FIRST,
        number=NUMBER,
        class_code="ICT2B",
        coach=cast.devries,
        care_notes=f"{FIRST} heeft extra tijd nodig bij toetsen.",
        date_of_birth=dt.date(2010, 5, 4),
    )
    zoe.last_name, zoe.email, zoe.phone = LAST, EMAIL, "0612345678"
    zoe.save(update_fields=["last_name", "email", "phone"])
    enrolment = StudentEnrolment.objects.get(student=zoe)
    world = SimpleNamespace(zoe=zoe, enrolment=enrolment)
    _account(cast, world)
    _allocations(cast, world)
    _agreement(cast, world)
    _engagement(cast, world)
    _messages(cast, world)
    _logs(cast, world)
    world.request = DataRequest.objects.create(
        school=cast.vista,
        subject=zoe,
        kind=RequestKind.ERASURE,
        details=f"Ik, {FULL_NAME}, wil dat alles wordt verwijderd.",
        submitted_by=zoe,
        submitted_at=NOW,
        due_on=(NOW + dt.timedelta(days=31)).date(),
    )
    DataRequest.objects.create(
        school=cast.vista,
        subject=zoe,
        kind=RequestKind.CORRECTION,
        details=f"Mijn studentnummer is {NUMBER}, niet VQ-1.",
        status=RequestStatus.DONE,
        outcome=f"Het studentnummer van {FULL_NAME} is verbeterd.",
        submitted_by=zoe,
        submitted_at=NOW - dt.timedelta(days=60),
        due_on=(NOW - dt.timedelta(days=30)).date(),
        handled_by=cast.fenna,
        handled_at=NOW - dt.timedelta(days=40),
    )
    return world


def _account(cast, world):
    zoe = world.zoe
    Consent.objects.create(
        person=zoe,
        purpose=ConsentPurpose.EVENT_PHOTOS,
        wording="Foto's van evenementen mogen worden gebruikt.",
        wording_version="1",
        language="nl",
        given_at=NOW,
    )
    EmailChange.objects.create(
        user=zoe,
        old_email="zoe-oud@student.vista.test",
        new_email=EMAIL,
        token_hash="x" * 64,
        requested_by=cast.bos,
        school=cast.vista,
        expires_at=NOW,
    )
    Invitation.objects.create(
        email=EMAIL.upper(),
        organisation=cast.vista,
        role=Role.STUDENT,
        token_hash="y" * 64,
        invited_by=cast.bos,
        expires_at=NOW,
        accepted_at=NOW,
        accepted_by=zoe,
    )
    Certificate.objects.create(
        holder=zoe, kind="VOG", issued_on=dt.date(2026, 1, 1), valid_until=dt.date(2028, 1, 1)
    )
    Token.objects.create(user=zoe)
    TOTPDevice.objects.create(user=zoe, name="telefoon")
    device = StaticDevice.objects.create(user=zoe, name="reserve")
    StaticToken.objects.create(device=device, token="12345678")
    session = SessionStore()
    session["_auth_user_id"] = str(zoe.pk)
    session.create()
    world.session_key = session.session_key
    other = SessionStore()
    other["_auth_user_id"] = str(cast.sanne.pk)
    other.create()
    world.other_session_key = other.session_key
    NotificationPreference.objects.create(user=zoe, category="privacy", email=False)
    CalendarFeed.objects.create(user=zoe, token="feed-token-zoe")
    DigestPreference.objects.create(user=zoe, frequency="weekly", updated_at=NOW)
    IdentityLink.objects.create(
        issuer="https://idp.vista.test",
        subject="opaque-9f3a",
        user=zoe,
        organisation=cast.vista,
        created_at=NOW,
    )


def _allocations(cast, world):
    zoe = world.zoe
    offer = OfferFactory(
        owner=cast.bakkerij,
        contact=cast.jan,
        title="Taartenwebshop",
        status=OfferStatus.PUBLISHED,
        kind=OfferKind.CHALLENGE,
        # A company writing a student's name in its offer: a mention.
        description=f"Vervolg op het werk van {FULL_NAME}.",
        schools=[cast.vista],
    )
    world.offer = offer
    allocation_round = AllocationRound.objects.create(
        name="Blok 3",
        period="2026-2027 blok 3",
        school=cast.vista,
        choices_open_at=NOW,
        choices_close_at=NOW + dt.timedelta(days=7),
        objections_close_at=NOW + dt.timedelta(days=21),
        created_by=cast.bos,
    )
    choice_list = ChoiceList.objects.create(
        round=allocation_round, student=zoe, submitted_at=NOW, updated_at=NOW
    )
    Choice.objects.create(choice_list=choice_list, offer=offer, position=1)
    run = AllocationRun.objects.create(
        round=allocation_round, started_by=cast.bos, seed=1, created_at=NOW
    )
    RunPlacement.objects.create(run=run, student_id=zoe.pk, offer_id=offer.pk, rank=1)
    Assignment.objects.create(
        round=allocation_round, student=zoe, offer=offer, rank=1, source="engine", changed_at=NOW
    )
    Objection.objects.create(
        round=allocation_round,
        student=zoe,
        offer=offer,
        reason="Ik wil liever iets anders.",
        created_at=NOW,
    )
    RoundEvent.objects.create(
        round=allocation_round,
        actor=cast.bos,
        at=NOW,
        kind="override",
        data={"note": f"{FULL_NAME} ({NUMBER}) verplaatst", "students": [zoe.pk]},
    )
    werkproces = Werkproces.objects.filter(kerntaak__dossier=cast.ict_niveau2.dossier).first()
    world.evidence = WerkprocesEvidence.objects.create(
        student=zoe,
        werkproces=werkproces,
        level="voldoende",
        recorded_by=cast.devries,
        offer=offer,
        note=f"{FULL_NAME} liet zien dat ze een klantgesprek kan voeren.",
    )


def _agreement(cast, world):
    """An agreement Zoë works under (a participant), accepted by both parties, with events."""
    offer = OfferFactory(
        owner=cast.bakkerij,
        contact=cast.jan,
        title="Bestelpagina",
        description="Bouw een bestelpagina voor onze taarten.",
        deliverables="een werkend prototype en een presentatie",
        status=OfferStatus.PUBLISHED,
        starts_on=dt.date(2027, 3, 15),
        ends_on=dt.date(2027, 4, 15),
        schools=[cast.vista],
    )
    draft = agreement_services.offer_agreement_draft(
        offer=offer, school=cast.vista, actor=cast.bos, now=NOW
    )
    import dataclasses

    agreement = agreement_services.agreement_create_from_offer(
        offer=offer,
        school=cast.vista,
        actor=cast.bos,
        now=NOW,
        draft=dataclasses.replace(draft, mentoring_hours=8),
    )
    agreement_services.agreement_set_participants(
        agreement=agreement, students=[world.zoe], actor=cast.bos, now=NOW
    )
    agreement_services.agreement_propose(agreement=agreement, actor=cast.bos, now=NOW)
    agreement_services.agreement_accept(agreement=agreement, actor=cast.jan, now=NOW)
    agreement_services.agreement_accept(agreement=agreement, actor=cast.bos, now=NOW)
    agreement.refresh_from_db()
    world.agreement = agreement


def _engagement(cast, world):
    zoe = world.zoe
    event = Event.objects.create(
        kind="meet_and_match",
        title="Meet & match",
        school=cast.vista,
        organiser=cast.bos,
        location="Aula",
        starts_at=NOW,
        ends_at=NOW + dt.timedelta(hours=1),
        description=f"Met een demo van {FULL_NAME}.",
    )
    slot = EventSlot.objects.create(
        event=event, starts_at=NOW, ends_at=NOW + dt.timedelta(minutes=10)
    )
    table = EventTable.objects.create(event=event, company=cast.bakkerij, host=cast.jan)
    EventBooking.objects.create(slot=slot, table=table, student=zoe, seat=1)
    meeting = Meeting.objects.create(
        kind="three_way",
        title="Driegesprek",
        starts_at=NOW,
        ends_at=NOW + dt.timedelta(hours=1),
        location="Bakkerij",
        agenda=f"Voortgang van {FULL_NAME} bespreken",
        organiser=cast.devries,
        school=cast.vista,
    )
    MeetingParticipant.objects.create(meeting=meeting, user=zoe)
    MeetingParticipant.objects.create(meeting=meeting, user=cast.jan)


def _messages(cast, world):
    zoe = world.zoe
    Notification.objects.create(
        recipient=zoe, category="rounds", title=f"Hoi {FIRST}", body=f"{FULL_NAME}", created_at=NOW
    )
    world.coach_note = Notification.objects.create(
        recipient=cast.devries,
        category="rounds",
        title=f"{FULL_NAME} diende een bezwaar in",
        body=f"Student {NUMBER} ({EMAIL}) wil een andere opdracht. Bel {FULL_NAME.upper()}.",
        created_at=NOW,
    )
    OutgoingMail.objects.create(to=EMAIL, subject="Welkom", body=f"Hoi {FIRST}", created_at=NOW)
    world.other_mail = OutgoingMail.objects.create(
        to="devries@vista.test",
        subject=f"Over {FULL_NAME}",
        body=f"Zie het dossier van {NUMBER}.",
        created_at=NOW,
    )


def _logs(cast, world):
    zoe = world.zoe
    PersonalDataRead.objects.create(
        reader=cast.devries,
        student=zoe,
        school=cast.vista,
        enrolment=world.enrolment,
        kind=PersonalDataReadKind.CARE_NOTES,
        purpose="page:care-notes",
        reason=f"Gesprek met {FULL_NAME} voorbereiden",
        read_at=NOW,
    )
    world.sign_in = SignInLogEntry.objects.create(
        at=NOW,
        issuer="https://idp.vista.test",
        subject="opaque-9f3a",
        email=EMAIL,
        outcome="signed_in",
        detail=f"aangemeld als {EMAIL}",
        user_id=zoe.pk,
        organisation_id=cast.vista.pk,
    )
    SigninFailure.objects.create(email=EMAIL, address="10.0.0.1", created_at=NOW)
    AccountLock.objects.create(email=EMAIL, locked_until=NOW)
    MailRequest.objects.create(
        kind="password_reset", email=EMAIL, address="10.0.0.1", allowed=True, created_at=NOW
    )
    SecondFactorEvent.objects.create(kind="set_up", user=zoe, actor=zoe, created_at=NOW)
    LogEntry.objects.create(
        user=cast.bos,
        content_type=ContentType.objects.get_for_model(StudentEnrolment),
        object_id=str(world.enrolment.pk),
        object_repr=str(world.enrolment),
        action_flag=CHANGE,
        change_message=f'[{{"changed": {{"name": "{FULL_NAME}"}}}}]',
        action_time=NOW,
    )
