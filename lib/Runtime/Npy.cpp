//===- Npy.cpp - numpy .npy reader and writer -----------------------------===//
//
// Format: "\x93NUMPY", major, minor, a little-endian header length (2 bytes
// for version 1, 4 for versions 2 and 3), then a Python dict literal such as
// {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), } padded with
// spaces and a newline, then the raw data.
//
//===----------------------------------------------------------------------===//

#include "netrewrite/Runtime/Npy.h"
#include "netrewrite/Runtime/Error.h"
#include "netrewrite/Runtime/Shape.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

using namespace netrewrite::runtime;

int64_t NpyArray::numElements() const { return runtime::numElements(shape); }

std::string NpyArray::shapeString() const {
  return runtime::shapeString(shape);
}

namespace {

/// Finds `'key':` in the header dict and returns the position just after the
/// colon, or npos.
size_t findKey(const std::string &header, const std::string &key) {
  size_t pos = header.find("'" + key + "'");
  if (pos == std::string::npos)
    pos = header.find("\"" + key + "\"");
  if (pos == std::string::npos)
    return std::string::npos;
  pos = header.find(':', pos);
  return pos == std::string::npos ? pos : pos + 1;
}

void skipSpaces(const std::string &s, size_t &pos) {
  while (pos < s.size() && (s[pos] == ' ' || s[pos] == '\t'))
    ++pos;
}

/// Parses the header dict; fills `descr`, `fortran` and `shape`.
bool parseHeader(const std::string &header, std::string &descr, bool &fortran,
                 std::vector<int64_t> &shape, std::string &why) {
  size_t pos = findKey(header, "descr");
  if (pos == std::string::npos) {
    why = "header has no 'descr'";
    return false;
  }
  skipSpaces(header, pos);
  if (pos >= header.size() || (header[pos] != '\'' && header[pos] != '"')) {
    why = "header 'descr' is not a string";
    return false;
  }
  char quote = header[pos++];
  size_t end = header.find(quote, pos);
  if (end == std::string::npos) {
    why = "header 'descr' is unterminated";
    return false;
  }
  descr = header.substr(pos, end - pos);

  pos = findKey(header, "fortran_order");
  if (pos == std::string::npos) {
    why = "header has no 'fortran_order'";
    return false;
  }
  skipSpaces(header, pos);
  if (header.compare(pos, 4, "True") == 0)
    fortran = true;
  else if (header.compare(pos, 5, "False") == 0)
    fortran = false;
  else {
    why = "header 'fortran_order' is neither True nor False";
    return false;
  }

  pos = findKey(header, "shape");
  if (pos == std::string::npos) {
    why = "header has no 'shape'";
    return false;
  }
  skipSpaces(header, pos);
  if (pos >= header.size() || header[pos] != '(') {
    why = "header 'shape' is not a tuple";
    return false;
  }
  end = header.find(')', pos);
  if (end == std::string::npos) {
    why = "header 'shape' is unterminated";
    return false;
  }
  std::string tuple = header.substr(pos + 1, end - pos - 1);
  shape.clear();
  std::stringstream ss(tuple);
  std::string item;
  while (std::getline(ss, item, ',')) {
    size_t b = item.find_first_not_of(" \t");
    if (b == std::string::npos)
      continue; // trailing comma of a 1-tuple
    size_t e = item.find_last_not_of(" \tL");
    std::string num = item.substr(b, e - b + 1);
    if (num.empty() || num.find_first_not_of("0123456789") != std::string::npos) {
      why = "header 'shape' has a non-integer dimension '" + num + "'";
      return false;
    }
    if (num.size() > 15) {
      why = "header 'shape' has an absurd dimension " + num;
      return false;
    }
    shape.push_back(std::stoll(num));
  }
  return true;
}

} // namespace

namespace {
/// Reads the magic and header of an open .npy stream; leaves `in` at the
/// first data byte.
bool readHeader(std::ifstream &in, const std::string &path, NpyArray &array,
                std::string &error, std::string *anyDescr = nullptr) {
  if (!in)
    return reportAt(error, path, withErrno("cannot open"));
  char magic[8];
  if (!in.read(magic, 8) || std::memcmp(magic, "\x93NUMPY", 6) != 0)
    return reportAt(error, path,
                    "not a .npy file (missing the \\x93NUMPY magic)");
  unsigned major = static_cast<unsigned char>(magic[6]);
  uint32_t headerLen = 0;
  if (major == 1) {
    unsigned char len[2];
    if (!in.read(reinterpret_cast<char *>(len), 2))
      return reportAt(error, path, "truncated .npy header");
    headerLen = len[0] | (len[1] << 8);
  } else if (major == 2 || major == 3) {
    unsigned char len[4];
    if (!in.read(reinterpret_cast<char *>(len), 4))
      return reportAt(error, path, "truncated .npy header");
    headerLen = len[0] | (len[1] << 8) | (len[2] << 16) | (uint32_t(len[3]) << 24);
  } else {
    return reportAt(error, path,
                    "unsupported .npy version " + std::to_string(major));
  }
  if (headerLen > (1u << 20))
    return reportAt(error, path,
                    ".npy header length " + std::to_string(headerLen) +
                        " is implausible");
  std::string header(headerLen, '\0');
  if (!in.read(header.data(), headerLen))
    return reportAt(error, path, "truncated .npy header");
  std::string descr, why;
  bool fortran = false;
  if (!parseHeader(header, descr, fortran, array.shape, why))
    return reportAt(error, path, "malformed .npy header: " + why);
  if (anyDescr)
    *anyDescr = descr;
  else if (descr != "<f4" && descr != "|f4" && descr != "=f4")
    return reportAt(
        error, path,
        "dtype '" + descr +
            "' is not supported; netrewrite reads float32 "
            "('<f4') only (convert with arr.astype(numpy.float32))");
  if (fortran)
    return reportAt(error, path,
                    "Fortran-order arrays are not supported; save a C-order "
                    "array (numpy.ascontiguousarray)");
  return true;
}
} // namespace

bool netrewrite::runtime::readNpyHeader(const std::string &path,
                                        std::vector<int64_t> &shape,
                                        int64_t &dataOffset,
                                        std::string &error) {
  std::ifstream in(path, std::ios::binary);
  NpyArray array;
  if (!readHeader(in, path, array, error))
    return false;
  shape = array.shape;
  dataOffset = static_cast<int64_t>(in.tellg());
  return true;
}

bool netrewrite::runtime::readNpy(const std::string &path, NpyArray &array,
                                  std::string &error) {
  std::ifstream in(path, std::ios::binary);
  if (!readHeader(in, path, array, error))
    return false;
  int64_t n = 1;
  for (int64_t d : array.shape) {
    if (d != 0 && n > (int64_t(1) << 40) / d)
      return reportAt(error, path,
                      "shape " + array.shapeString() + " is too large");
    n *= d;
  }
  array.data.resize(n);
  if (!in.read(reinterpret_cast<char *>(array.data.data()), n * sizeof(float)))
    return reportAt(error, path,
                    "truncated data: shape " + array.shapeString() + " needs " +
                        std::to_string(n * sizeof(float)) + " bytes");
  in.peek();
  if (!in.eof())
    return reportAt(error, path,
                    "trailing bytes after the " + std::to_string(n) +
                        " float32 values of shape " + array.shapeString());
  return true;
}

bool netrewrite::runtime::writeNpy(const std::string &path,
                                   const NpyArray &array, std::string &error) {
  std::string shape = "(";
  for (int64_t d : array.shape)
    shape += std::to_string(d) + ", ";
  if (array.shape.size() > 1)
    shape.erase(shape.size() - 2); // "(2, 3" ; a 1-tuple keeps "(2, "
  else if (array.shape.size() == 1)
    shape.erase(shape.size() - 1); // "(2,"
  shape += ")";
  std::string header =
      "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
  // Pad so that magic + length + header is a multiple of 64, ending in '\n'.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';

  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out)
      return reportAt(error, path, withErrno("cannot write"));
    out.write("\x93NUMPY\x01\x00", 8);
    unsigned char len[2] = {static_cast<unsigned char>(header.size() & 0xff),
                            static_cast<unsigned char>(header.size() >> 8)};
    out.write(reinterpret_cast<char *>(len), 2);
    out << header;
    out.write(reinterpret_cast<const char *>(array.data.data()),
              array.data.size() * sizeof(float));
    out.flush();
    if (!out) {
      std::string why = withErrno("write failed");
      out.close();
      std::remove(tmp.c_str());
      return reportAt(error, path, why);
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::string why = withErrno("cannot rename temporary file");
    std::remove(tmp.c_str());
    return reportAt(error, path, why);
  }
  return true;
}

bool netrewrite::runtime::readNpyAsDouble(const std::string &path,
                                          std::vector<int64_t> &shape,
                                          std::vector<double> &values,
                                          std::string &error) {
  std::ifstream in(path, std::ios::binary);
  NpyArray array;
  std::string descr;
  if (!readHeader(in, path, array, error, &descr))
    return false;
  shape = array.shape;
  // Little-endian (or byte-sized) numeric types only.
  char order = descr.empty() ? '?' : descr[0];
  std::string kind = descr.size() > 1 ? descr.substr(1) : "";
  static const char *known[] = {"f4", "f8", "i1", "i2", "i4", "i8",
                                "u1", "u2", "u4", "u8", "b1"};
  bool ok = order == '<' || order == '|' || order == '=';
  bool isKnown = false;
  for (const char *k : known)
    isKnown |= kind == k;
  if (!ok || !isKnown)
    return reportAt(
        error, path,
        "dtype '" + descr +
            "' is not supported (expected a little-endian integer or float)");
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  size_t width = size_t(kind[1] - '0');
  std::vector<unsigned char> raw(size_t(n) * width);
  if (!in.read(reinterpret_cast<char *>(raw.data()), raw.size()))
    return reportAt(error, path,
                    "truncated data: shape " + array.shapeString() + " needs " +
                        std::to_string(raw.size()) + " bytes");
  values.resize(n);
  for (int64_t i = 0; i < n; ++i) {
    const unsigned char *p = raw.data() + i * width;
    double v = 0;
    if (kind == "f4") {
      float f;
      std::memcpy(&f, p, 4);
      v = f;
    } else if (kind == "f8") {
      std::memcpy(&v, p, 8);
    } else if (kind[0] == 'i') {
      int64_t x = 0;
      std::memcpy(&x, p, width);
      int shift = 64 - 8 * int(width); // sign-extend
      x = shift ? (x << shift) >> shift : x;
      v = double(x);
    } else {
      uint64_t x = 0;
      std::memcpy(&x, p, width);
      v = double(x);
    }
    values[i] = v;
  }
  return true;
}
