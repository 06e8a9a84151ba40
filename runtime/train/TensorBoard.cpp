//===- TensorBoard.cpp - TensorBoard event files of a run -----------------===//

#include "train/TensorBoard.h"

#include "Error.h"
#include "train/TensorDump.h"

#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>

#include <unistd.h>

namespace trainc::rt {

namespace {

/// The table of the reflected CRC-32C polynomial 0x82f63b78.
std::array<uint32_t, 256> crcTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k)
      c = (c & 1) ? (c >> 1) ^ 0x82f63b78u : c >> 1;
    table[i] = c;
  }
  return table;
}

/// Protocol buffers' wire format, for the few fields an Event needs.
void varint(std::string &out, uint64_t value) {
  while (value >= 0x80) {
    out += static_cast<char>((value & 0x7f) | 0x80);
    value >>= 7;
  }
  out += static_cast<char>(value);
}
void key(std::string &out, int field, int wireType) {
  varint(out, static_cast<uint64_t>(field) << 3 | wireType);
}
template <typename T> void fixed(std::string &out, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T)); // x86-64: little-endian, as the format
  out.append(bytes, sizeof(T));
}
void lengthDelimited(std::string &out, int field, const std::string &bytes) {
  key(out, field, 2);
  varint(out, bytes.size());
  out += bytes;
}
std::string eventHeader(double wallTime, int64_t step) {
  std::string event;
  key(event, 1, 1); // wall_time: double
  fixed(event, wallTime);
  if (step != 0) { // proto3: a zero step is left out
    key(event, 2, 0);
    varint(event, static_cast<uint64_t>(step));
  }
  return event;
}

double secondsSinceEpoch() {
  return std::chrono::duration<double>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

} // namespace

uint32_t crc32c(const void *data, size_t size) {
  static const std::array<uint32_t, 256> table = crcTable();
  const auto *bytes = static_cast<const unsigned char *>(data);
  uint32_t crc = 0xffffffffu;
  for (size_t i = 0; i < size; ++i)
    crc = table[(crc ^ bytes[i]) & 0xff] ^ (crc >> 8);
  return crc ^ 0xffffffffu;
}

uint32_t maskedCrc32c(const void *data, size_t size) {
  uint32_t crc = crc32c(data, size);
  return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
}

std::string encodeFileVersionEvent(double wallTime) {
  std::string event = eventHeader(wallTime, 0);
  lengthDelimited(event, 3, "brain.Event:2");
  return event;
}

std::string
encodeScalarEvent(double wallTime, int64_t step,
                  const std::vector<std::pair<std::string, float>> &scalars) {
  std::string summary;
  for (const auto &[tag, value] : scalars) {
    std::string v;
    lengthDelimited(v, 1, tag); // Summary.Value.tag
    key(v, 2, 5);               // Summary.Value.simple_value: float
    fixed(v, value);
    lengthDelimited(summary, 1, v); // Summary.value
  }
  std::string event = eventHeader(wallTime, step);
  lengthDelimited(event, 5, summary); // Event.summary
  return event;
}

TensorBoardWriter::~TensorBoardWriter() {
  if (file)
    std::fclose(file);
}

bool TensorBoardWriter::open(const std::string &dir, std::string &error) {
  if (!makeDirectory(dir, error)) {
    error = "--tensorboard: " + error;
    return false;
  }
  char host[256] = "localhost";
  gethostname(host, sizeof(host) - 1);
  double now = secondsSinceEpoch();
  path = dir + "/events.out.tfevents." +
         std::to_string(static_cast<long long>(now)) + "." + host + "." +
         std::to_string(static_cast<long long>(getpid())) + ".trainc";
  file = std::fopen(path.c_str(), "wb");
  if (!file) {
    error = "--tensorboard: cannot create " + path + ": " +
            std::strerror(errno);
    return false;
  }
  record(encodeFileVersionEvent(now));
  std::fflush(file);
  return true;
}

void TensorBoardWriter::record(const std::string &data) {
  uint64_t length = data.size();
  char header[12];
  std::memcpy(header, &length, 8);
  uint32_t lengthCrc = maskedCrc32c(header, 8);
  std::memcpy(header + 8, &lengthCrc, 4);
  uint32_t dataCrc = maskedCrc32c(data.data(), data.size());
  if (std::fwrite(header, 1, 12, file) != 12 ||
      std::fwrite(data.data(), 1, data.size(), file) != data.size() ||
      std::fwrite(&dataCrc, 1, 4, file) != 4)
    fatal("--tensorboard: cannot write " + path + ": " +
          std::strerror(errno));
}

void TensorBoardWriter::scalars(
    int64_t step, const std::vector<std::pair<std::string, float>> &values) {
  if (!file || values.empty())
    return;
  record(encodeScalarEvent(secondsSinceEpoch(), step, values));
  if (std::fflush(file) != 0)
    fatal("--tensorboard: cannot write " + path + ": " +
          std::strerror(errno));
}

} // namespace trainc::rt
