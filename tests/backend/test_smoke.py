def test_it_builds_the_cast(cast):
    assert cast.sanne.enrolment.school == cast.vista
    assert cast.ahmed.enrolment.niveau == 4
