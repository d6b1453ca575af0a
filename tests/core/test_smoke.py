def test_home_page_for_street_worker(users, make_person, client_for):
    make_person()
    response = client_for(users["street"]).get("/")
    assert response.status_code == 200
    assert "辖区人员" in response.content.decode()
