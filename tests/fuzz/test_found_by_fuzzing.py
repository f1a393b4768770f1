"""Server errors the API fuzzer (test_api_fuzz.py) found, each pinned by a plain test."""


def test_meeting_reliability_of_a_user_that_is_not_a_number_is_a_400(client_for, cast):
    response = client_for(cast.devries).get(
        "/api/engagement/meetings/reliability/", {"user": "abc"}
    )

    assert response.status_code == 400
    assert response.json() == {
        "message": "user: Een geldig getal is vereist.",
        "extra": {"fields": {"user": ["Een geldig getal is vereist."]}},
    }
