"""The embedded broker (repairflow/broker.py): a message appears in the queue only when it is
whole, and a message that cannot be read stops nothing."""

import kombu
import pytest

from repairflow.broker import Transport


@pytest.fixture
def queue_folder(tmp_path):
    return tmp_path


def connection(folder) -> kombu.Connection:
    options = {"data_folder_in": str(folder), "data_folder_out": str(folder), "store_processed": False}
    return kombu.Connection(transport=Transport, transport_options=options)


def send(folder, *bodies) -> None:
    with connection(folder) as conn:
        queue = conn.SimpleQueue("jobs")
        for body in bodies:
            queue.put(body)
        queue.close()


def receive(folder, count: int) -> list:
    with connection(folder) as conn:
        queue = conn.SimpleQueue("jobs")
        bodies = []
        for _ in range(count):
            message = queue.get(timeout=1)
            bodies.append(message.payload)
            message.ack()
        queue.close()
        return bodies


def test_a_message_is_written_whole_and_read_once(queue_folder):
    send(queue_folder, {"job": 1}, {"job": 2})

    assert not list(queue_folder.glob(".*.part"))
    assert sorted(body["job"] for body in receive(queue_folder, 2)) == [1, 2]
    assert not list(queue_folder.glob("*.msg"))


def test_a_half_written_message_is_not_taken_and_an_unreadable_one_is_passed_over(queue_folder):
    # given what a writer killed mid-way leaves behind: a partial file, and an empty message left
    # by a writer that wrote in place
    (queue_folder / ".1_partial.jobs.msg.part").write_bytes(b'{"body": ')
    (queue_folder / "0_empty.jobs.msg").write_bytes(b"")
    send(queue_folder, {"job": 3})

    # then the reader takes the whole message and stops at nothing
    assert [body["job"] for body in receive(queue_folder, 1)] == [3]
    assert (queue_folder / ".1_partial.jobs.msg.part").exists()
