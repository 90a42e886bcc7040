"""Every base URL a platform adapter reads from, in one table.

They are the real public endpoints; `[network.host_map]` sends any of their hosts elsewhere
(a local test server, a mirror) without touching the adapters.
"""

from __future__ import annotations

ENDPOINTS: dict[str, str] = {
    "twitter.syndication": "https://cdn.syndication.twimg.com/tweet-result",
    "twitter.oembed": "https://publish.twitter.com/oembed",
    "twitter.embed_page": "https://platform.twitter.com/embed/Tweet.html",
    "telegram": "https://t.me",
    "youtube.oembed": "https://www.youtube.com/oembed",
    "youtube.watch": "https://www.youtube.com/watch",
    "tiktok.oembed": "https://www.tiktok.com/oembed",
    "vimeo.oembed": "https://vimeo.com/api/oembed.json",
    "reddit": "https://www.reddit.com",
    "bluesky.appview": "https://public.api.bsky.app/xrpc",
    "instagram": "https://www.instagram.com",
    "instagram.oembed": "https://graph.facebook.com/v21.0/instagram_oembed",
    "facebook": "https://www.facebook.com",
    "facebook.oembed": "https://graph.facebook.com/v21.0/oembed_post",
    "facebook.oembed_video": "https://graph.facebook.com/v21.0/oembed_video",
    "threads": "https://www.threads.net",
}
