"""The tool's RSA key pairs: generated on first use, stored outside the repository in the data
folder (`<data_dir>/lti/keys.json`, mode 0600), rotatable. The newest key signs; the previous
one stays published in the JWKS so tokens signed just before a rotation still verify."""

from __future__ import annotations

import json
import os
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

KEEP = 2  # the signing key and the one before it


@dataclass(frozen=True)
class ToolKey:
    kid: str
    private_pem: str
    created_at: str

    @property
    def private_key(self):  # noqa: ANN201
        return serialization.load_pem_private_key(self.private_pem.encode(), password=None)

    def public_jwk(self) -> dict:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.private_key.public_key()))
        return {**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}


def _new_key() -> ToolKey:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    created = datetime.now(timezone.utc).isoformat()
    return ToolKey(f"{created[:10]}-{secrets.token_hex(4)}", pem, created)


def _write(path: Path, keys: list[ToolKey]) -> None:
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump([k.__dict__ for k in keys], fh)
    os.replace(tmp, path)


class KeyStore:
    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / "lti" / "keys.json"

    def keys(self) -> list[ToolKey]:
        """The stored keys, newest last; the first call creates one (once, even with several workers)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            for _ in range(100):
                text = self.path.read_text()
                if text.strip():
                    return [ToolKey(**k) for k in json.loads(text)]
                time.sleep(0.02)  # another process is writing it right now
            raise RuntimeError(f"LTI key file {self.path} is empty") from None
        key = _new_key()
        with os.fdopen(fd, "w") as fh:
            json.dump([key.__dict__], fh)
        return [key]

    def signing_key(self) -> ToolKey:
        return self.keys()[-1]

    def jwks(self) -> dict:
        return {"keys": [k.public_jwk() for k in self.keys()]}

    def rotate(self) -> ToolKey:
        keys = self.keys()
        new = _new_key()
        _write(self.path, [*keys, new][-KEEP:])
        return new
