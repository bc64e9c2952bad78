def test_home_shows_health_counts_to_party_affairs(client_for):
    response = client_for("party").get("/")
    assert response.status_code == 200
    assert b"Organisation health" in response.content
