"""The learning loop (issue 15): company feedback, self-assessment and validation, the portfolio,
coach overviews, driehoekgesprekken, the students' feedback on an activity and Open Badges.

Students' own pages live under mijn-leren/, school staff's and companies' under leren/, and the
public Open Badges documents under badges/."""

from django.urls import path

from frontend.views.learning import (
    activity_feedback,
    badges,
    coach,
    company_feedback,
    portfolio,
    self_assessment,
    triads,
    validation,
)

urlpatterns = [
    # The company mentor's feedback on their team.
    path("leren/feedback/", company_feedback.feedback_list, name="company-feedback-list"),
    path("leren/feedback/<int:pk>/", company_feedback.feedback_form, name="company-feedback-form"),
    # The student: activities, self-assessment with attachments, feedback on the activity.
    path("mijn-leren/", self_assessment.my_activities, name="my-activities"),
    path(
        "mijn-leren/activiteiten/<int:offer_pk>/werkprocessen/<int:werkproces_pk>/",
        self_assessment.self_assessment,
        name="self-assessment",
    ),
    path(
        "mijn-leren/bijlagen/<int:pk>/verwijderen/",
        self_assessment.attachment_delete,
        name="evidence-attachment-delete",
    ),
    path(
        "leren/bijlagen/<int:pk>/", self_assessment.attachment_download, name="evidence-attachment"
    ),
    path(
        "mijn-leren/activiteiten/<int:offer_pk>/feedback/",
        activity_feedback.activity_feedback,
        name="activity-feedback",
    ),
    path(
        "leren/aanbod/<int:offer_pk>/feedback-studenten/",
        activity_feedback.offer_student_feedback,
        name="offer-student-feedback",
    ),
    # Validation by the coach or teacher.
    path("leren/valideren/", validation.validation_queue, name="validation-queue"),
    path("leren/valideren/<int:pk>/", validation.validation_detail, name="validation-detail"),
    # Portfolios and the coach's overviews.
    path("mijn-leren/portfolio/", portfolio.my_portfolio, name="my-portfolio"),
    path(
        "mijn-leren/portfolio/afdrukken/", portfolio.my_portfolio_print, name="my-portfolio-print"
    ),
    path(
        "leren/studenten/<int:pk>/portfolio/", portfolio.student_portfolio, name="student-portfolio"
    ),
    path(
        "leren/studenten/<int:pk>/portfolio/afdrukken/",
        portfolio.student_portfolio_print,
        name="student-portfolio-print",
    ),
    path("leren/klassen/", coach.class_overview, name="coach-overview"),
    path("leren/feedback-ontbreekt/", coach.missing_feedback, name="coach-missing-feedback"),
    # Driehoekgesprekken.
    path("leren/driehoekgesprekken/", triads.triad_list, name="triad-list"),
    path("leren/driehoekgesprekken/nieuw/", triads.triad_new, name="triad-new"),
    path("leren/driehoekgesprekken/<int:pk>/", triads.triad_detail, name="triad-detail"),
    path(
        "leren/driehoekgesprekken/gesprekken/<int:pk>/",
        triads.conversation_record,
        name="triad-conversation",
    ),
    # Open Badges: the student's badges, issuing and revoking by the school, the public documents.
    path("mijn-leren/badges/", badges.my_badges, name="my-badges"),
    path("mijn-leren/badges/<uuid:uid>/publiceren/", badges.badge_publish, name="badge-publish"),
    path("leren/studenten/<int:pk>/badges/uitgeven/", badges.badge_issue, name="badge-issue"),
    path("leren/badges/<uuid:uid>/intrekken/", badges.badge_revoke, name="badge-revoke"),
    path("badges/<uuid:uid>/", badges.badge_verify, name="badge-verify"),
    path("badges/<uuid:uid>.json", badges.badge_assertion, name="badge-assertion"),
    path(
        "badges/klassen/<int:school_pk>/<int:kwalificatie_pk>/<str:code>.json",
        badges.badge_class,
        name="badge-class",
    ),
    path("badges/afbeeldingen/<str:code>.svg", badges.badge_image, name="badge-image"),
    path("badges/uitgevers/<int:school_pk>.json", badges.badge_issuer, name="badge-issuer"),
]
