//===- HandlerTable.cpp - ONNX op handlers keyed by type and opset --------===//

#include "importers/onnx/HandlerTable.h"

#include <algorithm>

using namespace trainc;

const HandlerTable &HandlerTable::get() {
  static const HandlerTable table = [] {
    HandlerTable t;
    registerConvHandlers(t);
    registerNormHandlers(t);
    registerPoolHandlers(t);
    registerElementwiseHandlers(t);
    registerStructureHandlers(t);
    return t;
  }();
  return table;
}

void HandlerTable::add(llvm::StringRef opType, int sinceVersion,
                       OpHandler handler) {
  std::vector<Entry> &list = entries[opType];
  list.push_back({sinceVersion, handler});
  std::sort(list.begin(), list.end(), [](const Entry &a, const Entry &b) {
    return a.sinceVersion < b.sinceVersion;
  });
}

OpHandler HandlerTable::lookup(llvm::StringRef opType, int64_t opset,
                               int &earliest) const {
  earliest = 0;
  auto it = entries.find(opType);
  if (it == entries.end())
    return nullptr;
  OpHandler found = nullptr;
  for (const Entry &e : it->second)
    if (e.sinceVersion <= opset)
      found = e.handler;
  if (!found)
    earliest = it->second.front().sinceVersion;
  return found;
}

std::vector<std::string> HandlerTable::opTypes() const {
  std::vector<std::string> names;
  for (const auto &e : entries)
    names.push_back(e.getKey().str());
  std::sort(names.begin(), names.end());
  return names;
}
