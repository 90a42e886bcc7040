"""The bottom of the fetch stack: host map, then SSRF guard, then the real connection.

A transport in the httpx sense, so every request, and so every redirect hop, passes through
it. The guard pins the connection to the address it vetted (the URL's host is swapped for
the IP, with the Host header and TLS server name kept), which leaves no gap for a second DNS
answer to point somewhere else.
"""

from __future__ import annotations

import httpx

from .guard import NetworkPolicy
from .hostmap import HostMap

SENT_TO = "archiver.sent_to"
REMOTE_IP = "archiver.remote_ip"


class GuardedTransport(httpx.BaseTransport):
    def __init__(
        self, policy: NetworkPolicy, host_map: HostMap, inner: httpx.BaseTransport
    ) -> None:
        self.policy = policy
        self.host_map = host_map
        self.inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        logical = str(request.url)
        self.policy.check_scheme(request.url.scheme, logical)
        target = self.host_map.target_for(request.url)
        headers = request.headers.copy()
        extensions = dict(request.extensions)
        if target is not None:
            # The operator's explicit choice: may be loopback even while private is refused.
            url = target
            headers["Host"] = target.netloc.decode("ascii")
        else:
            port = request.url.port or _default_port(request.url)
            address = self.policy.address_for(request.url.host, port, logical)
            url = request.url.copy_with(host=address) if address else request.url
            if address:
                extensions["sni_hostname"] = request.url.host
        # A new request for the wire: the client's own keeps the logical URL, so redirects
        # resolve against it and a relative Location stays on the mapped host.
        wire = httpx.Request(
            request.method, url, headers=headers, stream=request.stream, extensions=extensions
        )
        response = self.inner.handle_request(wire)
        response.extensions = {
            **response.extensions,
            SENT_TO: str(url) if target is not None else None,
            REMOTE_IP: _peer_address(response),
        }
        return response

    def close(self) -> None:
        self.inner.close()


def _default_port(url: httpx.URL) -> int:
    return 443 if url.scheme == "https" else 80


def _peer_address(response: httpx.Response) -> str | None:
    stream = response.extensions.get("network_stream")
    if stream is None:
        return None
    peer = stream.get_extra_info("server_addr")
    return str(peer[0]) if peer else None
