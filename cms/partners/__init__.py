"""The partner API (/api/v1/), partner keys, idempotency and outgoing webhooks."""
