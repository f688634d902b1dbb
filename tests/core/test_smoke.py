import pytest


@pytest.mark.django_db
def test_home_page_answers_in_chinese(client):
    response = client.get("/")
    assert response.status_code == 200
    assert 'lang="zh-hans"' in response.content.decode()
