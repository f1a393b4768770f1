def test_dbg(cast, live_server):
    from django.db import connection
    from backend.agreements.models import AgreementTemplate
    print("COUNT", AgreementTemplate.objects.count(), list(AgreementTemplate.objects.values_list("kind", "valid_from")))
