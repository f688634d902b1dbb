"""The embedded Celery broker (`CELERY_BROKER_URL=filesystem://`, the default): kombu's filesystem
transport, made safe for several processes. kombu writes a message straight into the file its
readers take, so a reader could take half a message (and a worker killed while writing left an
empty one), and one unreadable message stopped every worker that met it. Here a message is
written under a name readers skip and renamed into place when whole, and a message that cannot be
read is logged and passed over. Production uses Redis (README.md "Configuration")."""

import logging
import os
import uuid
from queue import Empty
from time import monotonic

from kombu.transport import TRANSPORT_ALIASES, filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

logger = logging.getLogger(__name__)


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        partial = os.path.join(self.data_folder_out, f".{name}.part")
        with open(partial, "wb") as file:
            file.write(str_to_bytes(dumps(payload)))
        os.replace(partial, os.path.join(self.data_folder_out, name))

    def _get(self, queue):
        while True:
            try:
                return super()._get(queue)
            except Empty:
                raise
            except ValueError:  # not JSON: left by an older writer, it is gone once read
                logger.exception("A message of queue %s could not be read and is passed over", queue)


class Transport(filesystem.Transport):
    Channel = Channel


def use_safe_filesystem_transport() -> None:
    """Make `filesystem://` mean this transport in this process."""
    TRANSPORT_ALIASES["filesystem"] = f"{__name__}:Transport"
