"""The health check a load balancer and the benchmarks' baseline use."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext


@pytest.mark.django_db
def test_it_answers_ok_with_one_query(client):
    with CaptureQueriesContext(connection) as queries:
        answer = client.get("/sehat/")
    assert answer.status_code == 200 and answer.content == b"ok\n"
    assert len(queries.captured_queries) == 1
