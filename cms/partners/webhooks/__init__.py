"""Outgoing webhooks, signed per Standard Webhooks (https://www.standardwebhooks.com/)."""
