"""Every URL form of one post maps to one identity key."""

from __future__ import annotations

import pytest

from archiver.extract.recognisers import recognise_url
from archiver.models import Embed

FORMS = {
    "twitter:1660666060461764609": [
        "https://twitter.com/officejjsmart/status/1660666060461764609",
        "https://x.com/officejjsmart/status/1660666060461764609?s=20&t=abc",
        "https://mobile.twitter.com/officejjsmart/status/1660666060461764609",
        "https://twitter.com/officejjsmart/status/1660666060461764609/photo/1",
        "https://twitter.com/i/web/status/1660666060461764609",
        "https://platform.twitter.com/embed/Tweet.html?dnt=false&id=1660666060461764609",
    ],
    "youtube:dQw4w9WgXcQ": [
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s",
        "https://youtu.be/dQw4w9WgXcQ",
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?rel=0",
        "https://m.youtube.com/shorts/dQw4w9WgXcQ",
        "//www.youtube.com/embed/dQw4w9WgXcQ",
    ],
    "telegram:durov/43": [
        "https://t.me/durov/43",
        "https://t.me/s/durov/43",
        "https://t.me/Durov/43?embed=1",
        "https://telegram.me/durov/43?single",
    ],
    "instagram:CxYz123AbC": [
        "https://www.instagram.com/p/CxYz123AbC/",
        "https://instagram.com/p/CxYz123AbC/?utm_source=ig_embed&utm_campaign=loading",
        "https://www.instagram.com/someone/p/CxYz123AbC/",
    ],
    "reddit:1abc2d": [
        "https://www.reddit.com/r/ukraine/comments/1abc2d/some_title/",
        "https://old.reddit.com/r/ukraine/comments/1abc2d/",
        "https://redd.it/1abc2d",
    ],
    "vimeo:76979871": [
        "https://vimeo.com/76979871",
        "https://player.vimeo.com/video/76979871?h=8272103f6e",
    ],
    "facebook:10159444270541457": [
        "https://www.facebook.com/Cameronmassey/posts/10159444270541457",
        "https://www.facebook.com/plugins/post.php?href=https%3A%2F%2Fwww.facebook.com%2FCameronmassey%2Fposts%2F10159444270541457&width=500",
    ],
    "bluesky:did:plc:z72i7hdynmk6r22z27h6tvur/3laz5vd6xp22y": [
        "https://bsky.app/profile/did:plc:z72i7hdynmk6r22z27h6tvur/post/3laz5vd6xp22y",
    ],
    "tiktok:6718335390845095173": [
        "https://www.tiktok.com/@scout2015/video/6718335390845095173",
        "https://www.tiktok.com/embed/v2/6718335390845095173",
    ],
    "threads:C8abcDEF123": [
        "https://www.threads.net/@zuck/post/C8abcDEF123",
        "https://www.threads.com/@zuck/post/C8abcDEF123/",
    ],
}


@pytest.mark.parametrize(("key", "url"), [(k, u) for k, urls in FORMS.items() for u in urls])
def test_url_form_maps_to_one_identity(key: str, url: str) -> None:
    ref = recognise_url(url)
    assert ref is not None, url
    assert Embed(ref.platform, ref.post_id, ref.url, "test").identity_key == key


def test_mastodon_only_on_request_for_unknown_hosts() -> None:
    url = "https://mastodon.social/@Gargron/109402009539315360/embed"
    assert recognise_url(url) is None
    ref = recognise_url(url, any_host=True)
    assert ref is not None and ref.post_id == "mastodon.social/@Gargron/109402009539315360"


@pytest.mark.parametrize(
    "url",
    [
        "https://twitter.com/intent/tweet?url=https://news.example/a",
        "https://twitter.com/officejjsmart",
        "https://www.facebook.com/sharer/sharer.php?u=https://news.example/a",
        "https://t.me/ourchannel",
        "https://t.me/share/url?url=https://news.example/a",
        "https://www.youtube.com/embed/videoseries?list=PL123",
        "https://www.instagram.com/someone/",
    ],
)
def test_profile_and_share_links_are_not_posts(url: str) -> None:
    assert recognise_url(url) is None
