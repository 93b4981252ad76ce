"""Model fields whose values are encrypted before they reach the database."""

from django.db import models

from . import crypto


class EncryptedTextField(models.BinaryField):
    """Text stored as AES-GCM ciphertext; Python code only ever sees plain text."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        kwargs.pop("editable", None)
        return name, "subscribers.fields.EncryptedTextField", args, kwargs

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return crypto.decrypt(value)

    def to_python(self, value):
        return value

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is None:
            return None
        if isinstance(value, str):
            value = crypto.encrypt(value)
        return super().get_db_prep_value(value, connection, prepared)

    def value_to_string(self, obj):
        return self.value_from_object(obj) or ""
