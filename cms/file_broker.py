"""The embedded broker's transport: kombu's filesystem transport, with each message
whole before any worker can see it.

kombu's writer creates a message file under its final name and then writes it; a
reader takes the oldest file by moving it away (without the writer's lock) and reads
it. A worker that looks between the two reads an empty or half-written message, fails
to parse it and stops: an unrecoverable error for Celery, and ``make run`` then stops
every process with it (seen after twenty minutes of an idle demo site, the beat
queueing its minute's tasks). Here a message is written under a name the reader skips
and renamed into place, which is atomic within a filesystem.

Used when REDIS_URL is unset (cms/settings/base.py); everything else is kombu's.
"""

import os
import uuid
from contextlib import suppress
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

# No ".<queue>.msg" ending: readers, sizes and purges (which match on it) skip it.
PARTIAL_PREFIX = "partial-"


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        # kombu's name: the time first, so readers take messages in order.
        name = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = os.path.join(self.data_folder_out, PARTIAL_PREFIX + uuid.uuid4().hex)
        try:
            with open(partial, "wb") as file:
                file.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            with suppress(OSError):
                os.remove(partial)
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel

    # The broker is a folder on this machine: no host to name. kombu's default
    # ("localhost") made every worker and beat warn "No hostname was supplied" at start.
    @property
    def default_connection_params(self):
        return {"port": self.default_port}

    @staticmethod
    def shown_uri(connection, uri: str) -> str:
        """How workers and beat name the broker (their banner's ``transport:``, the
        "Connected to ..." line): its folder, ``filesystem:///srv/ona/var/broker/queue``,
        not kombu's ``cms.file_broker:Transport://:**@localhost//`` (cms.celery)."""
        folder = (connection.transport_options or {}).get("data_folder_in", "")
        return f"filesystem://{folder}"
