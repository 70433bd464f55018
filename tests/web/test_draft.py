"""``POST /draft``: JSON or text/plain in, the draft mapping out, errors in the one JSON shape."""

from __future__ import annotations

import pytest
import yaml

TEXT = ("ASTANA – The 40th meeting of the Council of the SCO RATS was held in Astana. More than 80 terrorist attacks "
        "have been prevented, said Ruslan Mirzayev, the director of the SCO RATS executive committee.")


def test_json_body_answers_the_draft_as_yaml(client):
    response = client.post("/draft", json={"text": TEXT, "language": "en"})
    assert response.status_code == 200 and response.mimetype == "application/yaml"
    mapping = yaml.safe_load(response.get_data(as_text=True))
    assert mapping["source"] == {"language": "en"}
    facts = {(f["subject"], k): v for f in mapping["facts"] for k, v in f.items()}
    assert facts[("meeting/rats-council/40", "location")] == "city/astana"
    assert facts[("statistic/rats-council-40/terrorist-attacks-prevented", "qualifier")] == "moreThan"


def test_text_plain_with_language_and_json_answer(client):
    response = client.post("/draft?language=en", data=TEXT.encode(), content_type="text/plain; charset=utf-8",
                           headers={"Accept": "application/json"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["ok"] is True and body["language"] == "en" and "datelineCity: city/astana" in body["mapping"]


@pytest.mark.parametrize("kwargs, status, message", [
    ({"json": {"language": "en"}}, 400, '"text"'),
    ({"json": {"text": "  "}}, 400, "empty"),
    ({"json": {"text": TEXT, "language": "fr"}}, 400, "'fr' is not supported"),
    ({"json": ["not", "an", "object"]}, 400, "JSON object"),
    ({"data": "text=x", "content_type": "application/x-www-form-urlencoded"}, 415, "application/json or text/plain"),
    ({"data": b"\xff\xfe", "content_type": "text/plain"}, 400, "not UTF-8"),
])
def test_bad_requests_get_the_json_error_shape(client, kwargs, status, message):
    response = client.post("/draft", **kwargs)
    assert response.status_code == status
    body = response.get_json()
    assert body["ok"] is False and body["status"] == status and message in body["error"]
