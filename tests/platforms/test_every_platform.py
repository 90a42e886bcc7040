"""One article embedding a post from every platform, archived against a local server playing all."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from archiver.archive import Archive

from .player import Player, photo_bytes

ARTICLE = """<html><head><title>Everything at once</title></head><body>
<blockquote class="twitter-tweet"><p>View flattening</p>&mdash; sammy (@SamuelSusla)
  <a href="https://twitter.com/SamuelSusla/status/1641086480675225601">March 29, 2023</a>
</blockquote>
<script async src="https://telegram.org/js/telegram-widget.js?22"
  data-telegram-post="K1inUSA/3"></script>
<iframe src="https://www.youtube.com/embed/pO5L6vXtxsI"></iframe>
<blockquote class="tiktok-embed"
  cite="https://www.tiktok.com/@shmemmmy/video/7005293332821822726"
  data-video-id="7005293332821822726"><section></section></blockquote>
<iframe src="https://player.vimeo.com/video/31158841"></iframe>
<blockquote class="reddit-embed-bq">
  <a href="https://www.reddit.com/r/test/comments/huw6vs/test_title/">Test Title</a></blockquote>
<blockquote class="bluesky-embed"
  data-bluesky-uri="at://did:plc:sb54dpdfefflykmf5bcfvr7t/app.bsky.feed.post/3lcxcpgt6j42l">
  <p>Less than 3km</p></blockquote>
<iframe class="mastodon-embed"
  src="https://mastodon.social/@mastodonpy_test_2/117020586180926938/embed"></iframe>
<blockquote class="instagram-media" data-instgrm-permalink="https://www.instagram.com/p/B9bOM-6Ax_d/">
  <p>Caption as the article showed it</p><p>A post shared by Ruby (@ruby_eloquent)</p></blockquote>
<div class="fb-post" data-href="https://www.facebook.com/rubyonrailstogo/posts/3610333842332884"></div>
<blockquote class="text-post-media"
  data-text-post-permalink="https://www.threads.net/@zuck/post/C8abcDEF123"></blockquote>
</body></html>"""


def test_an_article_with_every_platform_gets_a_capture_for_each(
    player: Player, open_archive: Callable[..., Archive], tmp_path: Path
) -> None:
    player.sample("cdn.syndication.twimg.com", "/tweet-result", "twitter", "tweet_photo")
    player.serve(
        "pbs.twimg.com", "/media/FsZNOgcWAAEQtrd", photo_bytes(), content_type="image/jpeg"
    )
    player.sample("t.me", "/K1inUSA/3", "telegram", "embed_text_2015")
    player.sample("www.youtube.com", "/oembed", "youtube", "oembed_ok")
    player.serve(
        "i.ytimg.com",
        "/vi/pO5L6vXtxsI/hqdefault.jpg",
        photo_bytes((0, 90, 0)),
        content_type="image/jpeg",
    )
    player.sample("www.tiktok.com", "/oembed", "tiktok", "oembed_ok")
    player.sample("vimeo.com", "/api/oembed.json", "vimeo", "oembed_ok")
    player.serve(
        "i.vimeocdn.com",
        "/video/448600816_295x166.jpg",
        photo_bytes((9, 9, 200)),
        content_type="image/jpeg",
    )
    player.sample("www.reddit.com", "/comments/huw6vs/.json", "reddit", "post_gallery")
    player.sample(
        "public.api.bsky.app",
        "/xrpc/app.bsky.feed.getPostThread",
        "bluesky",
        "thread_image_reply_with_parents",
    )
    player.sample(
        "mastodon.social", "/api/v1/statuses/117020586180926938", "mastodon", "status_edited"
    )
    player.sample(
        "graph.facebook.com", "/v21.0/instagram_oembed", "instagram", "graph_oembed_no_token_400"
    )
    player.sample(
        "www.instagram.com", "/p/B9bOM-6Ax_d/embed/captioned/", "instagram", "post_login_wall_302"
    )
    player.sample("graph.facebook.com", "/v21.0/oembed_post", "facebook", "graph_oembed_post_ok")
    player.serve("graph.facebook.com", "/v21.0/oembed", {"error": {"message": "token"}}, status=400)
    player.serve("www.threads.net", "/@zuck/post/C8abcDEF123/embed", "gone", status=404)
    (tmp_path / "article.html").write_text(ARTICLE)

    archive = open_archive(player.config())
    summary = archive.archive([str(tmp_path / "article.html")])

    rows = archive.store.rows(
        "SELECT p.platform, c.status, c.kind, c.method, c.author_handle, c.author_name, c.text,"
        " c.media, c.attempts FROM post_captures c JOIN posts p ON p.id = c.post ORDER BY c.id"
    )
    got = {r["platform"]: (r["status"], r["kind"], r["method"]) for r in rows}
    assert got == {
        "twitter": ("ok", "platform", "syndication"),
        "telegram": ("ok", "platform", "embed_page"),
        "youtube": ("ok", "platform", "oembed"),
        "tiktok": ("ok", "platform", "oembed"),
        "vimeo": ("ok", "platform", "oembed"),
        "reddit": ("ok", "platform", "json"),
        "bluesky": ("ok", "platform", "appview"),
        "mastodon": ("ok", "platform", "api"),
        "instagram": ("ok", "embed-markup", "embed_markup"),
        "facebook": ("ok", "platform", "oembed"),
        "threads": ("ok", "embed-markup", "embed_markup"),
    }
    by_platform = {r["platform"]: r for r in rows}
    assert by_platform["instagram"]["text"] == "Caption as the article showed it"
    assert [a["reason"] for a in json.loads(by_platform["instagram"]["attempts"])] == [
        "auth_required", "login_wall",
    ]  # fmt: skip
    assert by_platform["facebook"]["author_name"] == "Ruby on Rails"
    assert by_platform["facebook"]["text"]  # read from the blockquote in oEmbed's html
    assert by_platform["youtube"]["author_name"] == "CKEditor"
    photo = json.loads(by_platform["twitter"]["media"])[0]
    assert photo["sha256"] and photo["not_downloaded"] is None
    assert summary.captures == {"ok": 11}
    # raw answers are kept: every capture links the exchanges behind it, bodies in the blob store
    for capture in archive.store.rows("SELECT id FROM post_captures"):
        exchanges = archive.store.rows(
            "SELECT x.body_sha256 FROM capture_exchanges c"
            " JOIN http_exchanges x ON x.id = c.exchange WHERE c.capture = ?", [capture["id"]],
        )  # fmt: skip
        assert exchanges and all(
            archive.blobs.exists(x["body_sha256"]) for x in exchanges if x["body_sha256"]
        )
