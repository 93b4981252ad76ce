import base64
import hashlib


def derive_key(secret: str, purpose: str) -> str:
    """A stable 32-byte key for development and tests, derived from SECRET_KEY."""
    digest = hashlib.sha256(f"{purpose}:{secret}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")
