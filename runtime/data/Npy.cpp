//===- Npy.cpp - numpy .npy files -----------------------------------------===//

#include "data/Npy.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <new>

// The array bytes are copied as they are: '<' (little-endian) dtypes are the
// host's own order only on a little-endian host.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "the .npy reader assumes a little-endian host");

namespace trainc::rt {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;

struct FileCloser {
  void operator()(std::FILE *file) const { std::fclose(file); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

/// Bytes per element of a supported dtype, or 0.
int64_t itemSize(const std::string &dtype) {
  if (dtype == "<f4" || dtype == "<i4")
    return 4;
  if (dtype == "<i8")
    return 8;
  if (dtype == "|u1" || dtype == "<u1")
    return 1;
  return 0;
}

/// Parses the header dict, e.g.
///   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
/// Only what numpy writes is accepted: string keys, a string, a bool and a
/// tuple of non-negative integers.
class HeaderParser {
public:
  explicit HeaderParser(const std::string &text) : text(text) {}

  /// Returns "" on success, else why the header is malformed.
  std::string parse(std::string &descr, bool &fortranOrder,
                    std::vector<int64_t> &shape) {
    bool haveDescr = false, haveOrder = false, haveShape = false;
    if (!consume('{'))
      return "expected '{'";
    while (!consume('}')) {
      std::string key;
      if (!parseString(key))
        return "expected a quoted key";
      if (!consume(':'))
        return "expected ':' after '" + key + "'";
      if (key == "descr") {
        if (!parseString(descr))
          return "'descr' is not a string";
        haveDescr = true;
      } else if (key == "fortran_order") {
        if (consume("True"))
          fortranOrder = true;
        else if (consume("False"))
          fortranOrder = false;
        else
          return "'fortran_order' is not True or False";
        haveOrder = true;
      } else if (key == "shape") {
        if (!parseShape(shape))
          return "'shape' is not a tuple of integers";
        haveShape = true;
      } else {
        return "unexpected key '" + key + "'";
      }
      if (!consume(',') && !peek('}'))
        return "expected ',' or '}'";
    }
    if (!haveDescr || !haveOrder || !haveShape)
      return "missing 'descr', 'fortran_order' or 'shape'";
    return "";
  }

private:
  void skipSpace() {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\n'))
      ++pos;
  }
  bool peek(char ch) {
    skipSpace();
    return pos < text.size() && text[pos] == ch;
  }
  bool consume(char ch) {
    if (!peek(ch))
      return false;
    ++pos;
    return true;
  }
  bool consume(const char *word) {
    skipSpace();
    size_t length = std::strlen(word);
    if (text.compare(pos, length, word) != 0)
      return false;
    pos += length;
    return true;
  }
  bool parseString(std::string &out) {
    skipSpace();
    if (pos >= text.size() || (text[pos] != '\'' && text[pos] != '"'))
      return false;
    char quote = text[pos++];
    size_t end = text.find(quote, pos);
    if (end == std::string::npos)
      return false;
    out = text.substr(pos, end - pos);
    pos = end + 1;
    return true;
  }
  bool parseShape(std::vector<int64_t> &shape) {
    shape.clear();
    if (!consume('('))
      return false;
    while (!consume(')')) {
      skipSpace();
      if (pos >= text.size() || text[pos] < '0' || text[pos] > '9')
        return false;
      int64_t value = 0;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        if (value > (std::numeric_limits<int64_t>::max() - 9) / 10)
          return false;
        value = value * 10 + (text[pos++] - '0');
      }
      shape.push_back(value);
      if (!consume(',') && !peek(')'))
        return false;
    }
    return true;
  }

  const std::string &text;
  size_t pos = 0;
};

std::string formatTuple(const std::vector<int64_t> &shape) {
  std::string text = "(";
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + (shape.size() == 1 ? ",)" : ")");
}

} // namespace

std::optional<NpyArray> readNpy(const std::string &path, std::string &error) {
  File file(std::fopen(path.c_str(), "rb"));
  if (!file) {
    error = "cannot open " + path + ": " + std::strerror(errno);
    return std::nullopt;
  }
  std::FILE *f = file.get();

  unsigned char prefix[kMagicSize + 2];
  if (std::fread(prefix, 1, sizeof(prefix), f) != sizeof(prefix) ||
      std::memcmp(prefix, kMagic, kMagicSize) != 0) {
    error = path + ": not a .npy file (no \\x93NUMPY magic)";
    return std::nullopt;
  }
  int major = prefix[kMagicSize], minor = prefix[kMagicSize + 1];
  if ((major != 1 && major != 2) || minor != 0) {
    error = path + ": unsupported .npy version " + std::to_string(major) + "." +
            std::to_string(minor) + " (expected 1.0 or 2.0)";
    return std::nullopt;
  }
  // Version 1.0 has a uint16 header length, 2.0 a uint32 (little-endian).
  unsigned char lengthBytes[4] = {0, 0, 0, 0};
  size_t lengthSize = major == 1 ? 2 : 4;
  if (std::fread(lengthBytes, 1, lengthSize, f) != lengthSize) {
    error = path + ": truncated .npy header";
    return std::nullopt;
  }
  uint32_t headerLength = lengthBytes[0] | lengthBytes[1] << 8 |
                          lengthBytes[2] << 16 | uint32_t(lengthBytes[3]) << 24;
  if (headerLength > (1u << 24)) {
    error = path + ": implausible .npy header length " +
            std::to_string(headerLength);
    return std::nullopt;
  }
  std::string header(headerLength, '\0');
  if (std::fread(header.data(), 1, headerLength, f) != headerLength) {
    error = path + ": truncated .npy header";
    return std::nullopt;
  }

  NpyArray array;
  bool fortranOrder = false;
  std::string problem =
      HeaderParser(header).parse(array.dtype, fortranOrder, array.shape);
  if (!problem.empty()) {
    error = path + ": malformed .npy header: " + problem;
    return std::nullopt;
  }
  if (fortranOrder) {
    error = path + ": Fortran-order arrays are not supported (save a C-order "
                   "array, e.g. numpy.ascontiguousarray)";
    return std::nullopt;
  }
  int64_t item = itemSize(array.dtype);
  if (item == 0) {
    error = path + ": unsupported dtype '" + array.dtype +
            "' (expected '<f4', '<i4', '<i8' or '|u1')";
    return std::nullopt;
  }
  int64_t size = item;
  for (int64_t dim : array.shape) {
    if (dim != 0 && size > std::numeric_limits<int64_t>::max() / dim) {
      error = path + ": array shape " + formatTuple(array.shape) + " too large";
      return std::nullopt;
    }
    size *= dim;
  }

  // A header that announces more data than the file holds is a truncated
  // file, found before reserving what it announces (a few bytes asked for
  // 15 GB; found by fuzzing).
  struct stat info;
  long here = std::ftell(f);
  if (here >= 0 && fstat(fileno(f), &info) == 0 && S_ISREG(info.st_mode) &&
      info.st_size - here < size) {
    error = path + ": truncated: shape " + formatTuple(array.shape) + " of '" +
            array.dtype + "' needs " + std::to_string(size) +
            " bytes of data, found " + std::to_string(info.st_size - here);
    return std::nullopt;
  }
  try {
    array.data.resize(size);
  } catch (const std::bad_alloc &) {
    error = path + ": out of memory for " + std::to_string(size) + " bytes";
    return std::nullopt;
  }
  int64_t got = std::fread(array.data.data(), 1, size, f);
  if (got < size) {
    error = path + ": truncated: shape " + formatTuple(array.shape) + " of '" +
            array.dtype + "' needs " + std::to_string(size) +
            " bytes of data, found " + std::to_string(got);
    return std::nullopt;
  }
  if (std::fgetc(f) != EOF) {
    error = path + ": unexpected bytes after the array data";
    return std::nullopt;
  }
  return array;
}

std::optional<std::vector<float>> readNpyFloat32(const std::string &path,
                                                 std::vector<int64_t> &shape,
                                                 std::string &error) {
  std::optional<NpyArray> array = readNpy(path, error);
  if (!array)
    return std::nullopt;
  if (array->dtype != "<f4") {
    error = path + ": dtype '" + array->dtype + "' is not float32 ('<f4')";
    return std::nullopt;
  }
  shape = array->shape;
  std::vector<float> values(array->data.size() / sizeof(float));
  if (!values.empty())
    std::memcpy(values.data(), array->data.data(), array->data.size());
  return values;
}

std::optional<std::vector<int32_t>> readNpyLabels(const std::string &path,
                                                  std::string &error) {
  std::optional<NpyArray> array = readNpy(path, error);
  if (!array)
    return std::nullopt;
  if (array->shape.size() != 1) {
    error = path + ": labels must be a 1-D array, found shape " +
            formatTuple(array->shape);
    return std::nullopt;
  }
  const std::string &dtype = array->dtype;
  if (dtype == "<f4") {
    error = path + ": labels dtype '<f4' is not an integer type (expected "
                   "'<i4', '<i8' or '|u1')";
    return std::nullopt;
  }
  int64_t count = array->shape[0];
  std::vector<int32_t> labels(count);
  const char *data = array->data.data();
  for (int64_t i = 0; i < count; ++i) {
    int64_t value;
    if (dtype == "<i8") {
      std::memcpy(&value, data + 8 * i, 8);
    } else if (dtype == "<i4") {
      int32_t narrow;
      std::memcpy(&narrow, data + 4 * i, 4);
      value = narrow;
    } else {
      value = static_cast<unsigned char>(data[i]);
    }
    if (value < std::numeric_limits<int32_t>::min() ||
        value > std::numeric_limits<int32_t>::max()) {
      error = path + ": label " + std::to_string(value) + " of sample " +
              std::to_string(i) + " does not fit in int32";
      return std::nullopt;
    }
    labels[i] = static_cast<int32_t>(value);
  }
  return labels;
}

bool writeNpyFloat32(const std::string &path, const float *data,
                     const std::vector<int64_t> &shape, std::string &error) {
  int64_t count = 1;
  for (int64_t dim : shape) {
    if (dim < 0) {
      error = "cannot write " + path + ": negative dimension in shape " +
              formatTuple(shape);
      return false;
    }
    count *= dim;
  }
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': " +
                       formatTuple(shape) + ", }";
  // numpy pads with spaces and a final newline so the data starts at a
  // multiple of 64 bytes (magic 6 + version 2 + length 2 + header).
  size_t total = kMagicSize + 2 + 2 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  if (header.size() > 0xffff) {
    error = "cannot write " + path + ": shape " + formatTuple(shape) +
            " needs a header longer than version 1.0 allows";
    return false;
  }

  File file(std::fopen(path.c_str(), "wb"));
  if (!file) {
    error = "cannot write " + path + ": " + std::strerror(errno);
    return false;
  }
  std::string prefix(kMagic, kMagicSize);
  prefix += '\x01';
  prefix += '\x00';
  prefix += static_cast<char>(header.size() & 0xff);
  prefix += static_cast<char>(header.size() >> 8);
  bool ok = std::fwrite(prefix.data(), 1, prefix.size(), file.get()) ==
                prefix.size() &&
            std::fwrite(header.data(), 1, header.size(), file.get()) ==
                header.size() &&
            (count == 0 || std::fwrite(data, sizeof(float), count,
                                       file.get()) == size_t(count));
  ok = (std::fclose(file.release()) == 0) && ok;
  if (!ok) {
    error = "cannot write " + path + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

} // namespace trainc::rt
