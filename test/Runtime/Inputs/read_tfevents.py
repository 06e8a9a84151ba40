#!/usr/bin/env python3
"""Reads TensorBoard event files as TensorBoard does (test/Runtime/
tensorboard.test), independently of trainc's writer.

  read_tfevents.py DIR                print every event of DIR's one file
  read_tfevents.py DIR --log L.jsonl  also check the scalars against L
  read_tfevents.py DIR --live LOG N -- COMMAND...
      start COMMAND, wait until LOG has N step records, then read DIR's
      file while COMMAND still runs: it must hold at least N train/loss
      events (the writer flushes every step); then stop COMMAND.

The record format (TensorFlow's TFRecord): uint64 length, masked CRC-32C of
those 8 bytes, the data, masked CRC-32C of the data; every CRC is checked.
The data are tensorflow.Event messages, decoded by the protobuf library
(Debian's python3-protobuf) from a message definition with the field
numbers of tensorflow/core/util/event.proto and
tensorflow/core/framework/summary.proto.
"""
import glob
import json
import os
import signal
import struct
import subprocess
import sys
import time

from google.protobuf import descriptor_pb2, descriptor_pool

try:
    from google.protobuf.message_factory import GetMessageClass
except ImportError:  # protobuf < 4.24
    from google.protobuf import message_factory

    def GetMessageClass(descriptor):
        return message_factory.MessageFactory().GetPrototype(descriptor)


def crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFF


def masked(data):
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def event_class():
    F = descriptor_pb2.FieldDescriptorProto
    proto = descriptor_pb2.FileDescriptorProto(
        name="trainc_test_event.proto", package="tensorflow", syntax="proto3")
    summary = proto.message_type.add(name="Summary")
    value = summary.nested_type.add(name="Value")
    value.field.add(name="tag", number=1, type=F.TYPE_STRING,
                    label=F.LABEL_OPTIONAL)
    value.field.add(name="simple_value", number=2, type=F.TYPE_FLOAT,
                    label=F.LABEL_OPTIONAL, oneof_index=0)
    value.oneof_decl.add(name="value")
    summary.field.add(name="value", number=1, type=F.TYPE_MESSAGE,
                      label=F.LABEL_REPEATED,
                      type_name=".tensorflow.Summary.Value")
    event = proto.message_type.add(name="Event")
    event.field.add(name="wall_time", number=1, type=F.TYPE_DOUBLE,
                    label=F.LABEL_OPTIONAL)
    event.field.add(name="step", number=2, type=F.TYPE_INT64,
                    label=F.LABEL_OPTIONAL)
    event.field.add(name="file_version", number=3, type=F.TYPE_STRING,
                    label=F.LABEL_OPTIONAL, oneof_index=0)
    event.field.add(name="summary", number=5, type=F.TYPE_MESSAGE,
                    label=F.LABEL_OPTIONAL, oneof_index=0,
                    type_name=".tensorflow.Summary")
    event.oneof_decl.add(name="what")
    pool = descriptor_pool.DescriptorPool()
    pool.Add(proto)
    return GetMessageClass(pool.FindMessageTypeByName("tensorflow.Event"))


Event = event_class()


def events(path):
    data = open(path, "rb").read()
    at, out = 0, []
    while at < len(data):
        header = data[at:at + 8]
        (length,) = struct.unpack("<Q", header)
        (length_crc,) = struct.unpack("<I", data[at + 8:at + 12])
        assert masked(header) == length_crc, "bad length CRC at %d" % at
        body = data[at + 12:at + 12 + length]
        (body_crc,) = struct.unpack("<I", data[at + 12 + length:
                                                at + 16 + length])
        assert len(body) == length and masked(body) == body_crc, \
            "bad data CRC at %d" % at
        event = Event()
        event.ParseFromString(body)
        out.append(event)
        at += 16 + length
    return out


def the_file(directory):
    files = glob.glob(os.path.join(directory, "events.out.tfevents.*"))
    assert len(files) == 1, files
    return files[0]


def scalars(evs):
    """{(step, tag): value} of the summary events."""
    found = {}
    for e in evs:
        if e.WhichOneof("what") == "summary":
            for v in e.summary.value:
                found[(e.step, v.tag)] = v.simple_value
    return found


def f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


def check_log(evs, log):
    found = scalars(evs)
    steps = evals = 0
    for line in open(log):
        r = json.loads(line)
        if "loss" in r and "lr" in r:
            s = r["step"]
            steps += 1
            if r["loss"] is not None:
                assert found[(s, "train/loss")] == f32(r["loss"]), (s, r)
            assert found[(s, "train/learning_rate")] == f32(r["lr"]), (s, r)
            assert found[(s, "train/batch_size")] == r["batch"], (s, r)
            if r.get("images_per_s"):
                assert abs(found[(s, "train/images_per_second")] -
                           r["images_per_s"]) <= 0.05 + 1e-6 * r["images_per_s"]
            if "comm_wait_s" in r:
                assert abs(found[(s, "train/comm_wait_seconds")] -
                           r["comm_wait_s"]) <= 1e-6 + 1e-6 * r["comm_wait_s"]
            if r.get("noise_scale") is not None:
                assert found[(s, "train/noise_scale")] == \
                    f32(r["noise_scale"]), (s, r)
        elif "test_accuracy" in r:
            evals += 1
            s = r["step"]
            assert found[(s, "test/accuracy")] == f32(r["test_accuracy"]), \
                (s, r)
            assert found[(s, "test/loss")] == f32(r["test_loss"]), (s, r)
    print("log: %d steps and %d evaluations match" % (steps, evals))


def live(directory, log, count, command):
    run = subprocess.Popen(command, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            if os.path.exists(log):
                with open(log) as f:
                    if sum('"loss"' in line for line in f) >= count:
                        break
            assert run.poll() is None, "the run ended early"
            time.sleep(0.02)
        evs = events(the_file(directory))
        assert run.poll() is None, "the run ended before the read"
        losses = [k for k in scalars(evs) if k[1] == "train/loss"]
        assert len(losses) >= count, (len(losses), count)
        print("live: %d train/loss events while the run goes on" % count)
    finally:
        run.send_signal(signal.SIGKILL)
        run.wait()


def main():
    args = sys.argv[1:]
    if "--live" in args:
        at = args.index("--live")
        live(args[0], args[at + 1], int(args[at + 2]),
             args[args.index("--") + 1:])
        return
    path = the_file(args[0])
    evs = events(path)
    print("%s: %d events" % (".".join(os.path.basename(path).split(".")[:3]),
                             len(evs)))
    first = evs[0]
    print("first: file_version %s" % first.file_version)
    tags = sorted({k[1] for k in scalars(evs)})
    print("tags: " + " ".join(tags))
    if "--log" in args:
        check_log(evs, args[args.index("--log") + 1])


if __name__ == "__main__":
    main()
