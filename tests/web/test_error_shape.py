"""One pinned JSON shape for every error the server returns."""

import pytest


@pytest.mark.parametrize(
    "path, status",
    [("/sparql?query=SELECT", 400), ("/queries/nope", 404), ("/no/such/page", 404), ("/queries/evidence", 400)],
)
def test_error_shape(client, path, status):
    response = client.get(path)
    body = response.get_json()
    assert response.status_code == status
    assert set(body) - {"link"} == {"ok", "error", "status"}
    assert body["ok"] is False and body["status"] == status and body["error"]
