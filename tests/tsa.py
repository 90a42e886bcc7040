"""A real RFC 3161 timestamp authority on 127.0.0.1: OpenSSL's `openssl ts -reply` signs
each request with a TSA certificate issued by a test CA made here."""

from __future__ import annotations

import datetime
import subprocess
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

_CONFIG = """
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = {folder}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _certificate(
    subject: str, key: ec.EllipticCurvePrivateKey, issuer: str,
    issuer_key: ec.EllipticCurvePrivateKey, ca: bool,
) -> x509.Certificate:  # fmt: skip
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(_name(issuer))
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )  # fmt: skip
    if ca:
        builder = builder.add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), True
        )
    else:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        ).add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False), True
        )
    return builder.sign(issuer_key, hashes.SHA256())


class LocalTsa:
    def __init__(self, name: str = "Test TSA") -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="tsa-"))
        ca_key = ec.generate_private_key(ec.SECP256R1())
        tsa_key = ec.generate_private_key(ec.SECP256R1())
        ca = _certificate(f"{name} Root CA", ca_key, f"{name} Root CA", ca_key, ca=True)
        tsa = _certificate(name, tsa_key, f"{name} Root CA", ca_key, ca=False)
        pem = serialization.Encoding.PEM
        (self.folder / "ca.pem").write_bytes(ca.public_bytes(pem))
        (self.folder / "tsa.pem").write_bytes(tsa.public_bytes(pem))
        (self.folder / "tsa.key").write_bytes(
            tsa_key.private_bytes(
                pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        (self.folder / "serial").write_text("01\n")
        (self.folder / "ts.cnf").write_text(_CONFIG.format(folder=self.folder))
        self.requests = 0
        self.broken = False
        tsa_self = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                query = self.rfile.read(int(self.headers["Content-Length"]))
                tsa_self.requests += 1
                if tsa_self.broken:
                    self.send_response(503)
                    self.end_headers()
                    return
                reply = tsa_self.reply(query)
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/tsr"

    @property
    def root(self) -> Path:
        return self.folder / "ca.pem"

    def reply(self, query: bytes) -> bytes:
        with tempfile.TemporaryDirectory() as scratch:
            request, response = Path(scratch) / "req.tsq", Path(scratch) / "resp.tsr"
            request.write_bytes(query)
            subprocess.run(
                ["openssl", "ts", "-reply", "-config", str(self.folder / "ts.cnf"),
                 "-queryfile", str(request), "-out", str(response)],
                check=True, capture_output=True,
            )  # fmt: skip
            return response.read_bytes()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
