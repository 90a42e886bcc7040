"""A local stand-in for X, for the README's walk-through: no internet needed.

    python3 examples/local_x.py [--port 8765] [--night 1|2]

It answers, on 127.0.0.1, the requests archiver makes for the seed article's three tweets
(`examples/local.toml` maps the real hosts here with `[network.host_map]`):

    pic.twitter.com/<id>                     301 to the tweet's /photo/1 page
    twitter.com/<user>/status/<id>/...       the page X serves without JavaScript
    cdn.syndication.twimg.com/tweet-result   the tweet, in the syndication API's format (the
                                             body of a real answer, tests/fixtures/platforms/
                                             twitter/tweet_photo.json, with this tweet's id,
                                             author, text and photo)
    platform.twitter.com/embed/Tweet.html    the tweet's embed page (for --screenshots)
    pbs.twimg.com/media/<name>               the photo, a JPEG drawn here

`--night 2` plays the next night: the first tweet has been edited and the second deleted,
so `archiver recapture` finds a `text_edited` and a `status_changed` change.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import random
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = json.loads(
    (ROOT / "tests/fixtures/platforms/twitter/tweet_photo.json").read_text("utf-8")
)
DELETED = json.loads(
    (ROOT / "tests/fixtures/platforms/twitter/tombstone_deleted.json").read_text("utf-8")
)
TWEETS = {  # the seed article's pic.twitter.com links: id, author, name, text
    "7EmFb3IgXi": ("1660650366063161345", "officejjsmart", "Jason Jay Smart",
                   "Huge explosion in Belgorod, Russia."),
    "SRVSAsF0Uf": ("1660657735623196674", "Gerashchenko_en", "Anton Gerashchenko",
                   "Footage from the Belgorod region."),
    "S7ktkkF8rb": ("1660671098432397312", "officejjsmart", "Jason Jay Smart",
                   "Russian Volunteer Corps statement."),
}  # fmt: skip


def tweet(pic: str, night: int) -> dict[str, object] | None:
    tweet_id, handle, name, text = TWEETS[pic]
    if night == 2 and pic == "SRVSAsF0Uf":
        return DELETED
    if night == 2 and pic == "7EmFb3IgXi":
        text += " (updated: two explosions)"
    photo = f"https://twitter.com/{handle}/status/{tweet_id}/photo/1"
    media = {
        **TEMPLATE["mediaDetails"][0],
        "media_url_https": f"https://pbs.twimg.com/media/Demo{pic}.jpg",
        "expanded_url": photo,
    }
    return {
        **TEMPLATE, "id_str": tweet_id, "text": text, "display_text_range": [0, len(text)],
        "user": {**TEMPLATE["user"], "screen_name": handle, "name": name},
        "edit_control": {**TEMPLATE["edit_control"], "edit_tweet_ids": [tweet_id]},
        "mediaDetails": [media], "created_at": "2023-05-22T13:44:12.000Z",
    }  # fmt: skip


def embed_page(pic: str, night: int) -> bytes:
    """The embed page a browser shows for the tweet (--screenshots renders it)."""
    shown = tweet(pic, night)
    if shown is DELETED:
        return b"<!doctype html><html><body><p>This Post was deleted.</p></body></html>"
    assert shown is not None
    user = shown["user"]
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Post</title></head>"
        "<body style='font:16px sans-serif;max-width:550px;margin:1em'>"
        f"<p><b>{user['name']}</b> @{user['screen_name']}</p><p>{shown['text']}</p>"
        f"<img src='https://pbs.twimg.com/media/Demo{pic}.jpg' width='520'>"
        f"<p>{shown['created_at']}</p></body></html>"
    ).encode()


def photo(pic: str) -> bytes:
    """A distinct picture per tweet, except that Gerashchenko's is Smart's first photo again,
    cropped and re-encoded: the reuse archiver should notice."""
    source = "7EmFb3IgXi" if pic == "SRVSAsF0Uf" else pic
    rng = random.Random(source)
    image = Image.new("RGB", (640, 360), tuple(rng.randrange(30, 90) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        x, y = rng.randrange(0, 600), rng.randrange(0, 330)
        size = rng.randrange(20, 140)
        colour = tuple(rng.randrange(0, 256) for _ in range(3))
        draw.ellipse((x, y, x + size, y + size * 0.7), fill=colour)
    if pic != source:
        image = image.crop((12, 8, 628, 352))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=70 if pic != source else 90)
    return out.getvalue()


def handler(night: int) -> type[BaseHTTPRequestHandler]:
    by_id = {value[0]: pic for pic, value in TWEETS.items()}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            host, _, rest = self.path.lstrip("/").partition("/")
            parts = urlsplit("/" + rest)
            if host == "pic.twitter.com" and parts.path.strip("/") in TWEETS:
                tweet_id, handle = TWEETS[parts.path.strip("/")][:2]
                location = f"https://twitter.com/{handle}/status/{tweet_id}/photo/1"
                return self.answer(301, b"", "text/html", location)
            if host == "twitter.com" and "/status/" in parts.path:  # what a browser-less GET gets
                body = b"<html><body>JavaScript is not available.</body></html>"
                return self.answer(200, body, "text/html; charset=utf-8")
            if host == "cdn.syndication.twimg.com" and parts.path == "/tweet-result":
                pic = by_id.get(parse_qs(parts.query).get("id", [""])[0])
                if pic:
                    body = json.dumps(tweet(pic, night)).encode()
                    return self.answer(200, body, "application/json; charset=utf-8")
            if host == "platform.twitter.com" and parts.path == "/embed/Tweet.html":
                pic = by_id.get(parse_qs(parts.query).get("id", [""])[0])
                if pic:
                    return self.answer(200, embed_page(pic, night), "text/html; charset=utf-8")
            if host == "pbs.twimg.com" and parts.path.startswith("/media/Demo"):
                pic = parts.path.removeprefix("/media/Demo").split(".")[0]
                if pic in TWEETS:
                    return self.answer(200, photo(pic), "image/jpeg")
            return self.answer(404, b"not here", "text/plain")

        def answer(self, status: int, body: bytes, kind: str, location: str = "") -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            if location:
                self.send_header("Location", location)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


def serve(port: int, night: int) -> ThreadingHTTPServer:
    return ThreadingHTTPServer(("127.0.0.1", port), handler(night))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--night", type=int, choices=(1, 2), default=1)
    args = parser.parse_args()
    server = serve(args.port, args.night)
    print(f"local X on http://127.0.0.1:{args.port}/ (night {args.night}); Ctrl-C stops it")
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
