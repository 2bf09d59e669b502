"""The chat page as the server serves it: the message limit the widget counts against, the
service worker for a reload while the server is down (both used by tests/browser/)."""

from __future__ import annotations


def test_the_page_carries_the_servers_message_limit(make_client):
    c = make_client(max_message_length=500)
    for path in ("/", "/embed", "/embed?scenario=2.3-inbound-printer&vast=1"):
        html = c.get(path).text
        assert '<meta name="oefengesprek-max-message-length" content="500">' in html, path
        assert 'content="2000"' not in html
    # the textarea has no maxlength: a browser would cut a long paste silently
    assert 'id="message"' in html and "maxlength=\"2000\"" not in html


def test_service_worker_is_served_from_the_root(make_client):
    c = make_client()
    r = c.get("/sw.js")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/javascript")
    assert r.headers["cache-control"] == "no-cache"
    assert "/api" not in r.text.replace("The API is never cached", "")  # it never caches API answers
    assert '"/static/app.js"' in r.text and '"/embed"' in r.text

