//===- Vocabulary.h - Layers and attributes of the rule language -*- C++ -*-===//
//
// C++ view of LayerVocabulary.def.
//
//===----------------------------------------------------------------------===//

#ifndef NETREWRITE_DSL_VOCABULARY_H
#define NETREWRITE_DSL_VOCABULARY_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include <optional>
#include <string>

namespace netrewrite::dsl {

enum class LayerKind {
#define LAYER(Id, Spelling, AnchorOp, Flags, Summary) Id,
#include "netrewrite/DSL/LayerVocabulary.def"
};

enum LayerFlags : unsigned {
  LF_Weighted = 1,
  LF_Preserving = 2,
  LF_Creatable = 4,
  LF_MultiInput = 8,
  LF_Activation = 16,
};

enum AttrValueKind { AV_Activation, AV_Pair, AV_Int, AV_Float };

enum AttrFlags : unsigned { AF_Match = 1, AF_Modify = 2, AF_Create = 4 };

struct LayerInfo {
  LayerKind kind;
  llvm::StringRef spelling;
  llvm::StringRef anchorOp;
  unsigned flags;
  llvm::StringRef summary;

  bool has(LayerFlags f) const { return flags & f; }
};

struct AttrInfo {
  LayerKind layer;
  llvm::StringRef spelling;
  AttrValueKind valueKind;
  unsigned flags;
  llvm::StringRef summary;
};

llvm::ArrayRef<LayerInfo> getLayers();
const LayerInfo &getLayerInfo(LayerKind kind);
std::optional<LayerKind> lookupLayer(llvm::StringRef spelling);
/// "conv, dwconv, dense, ..." for diagnostics.
std::string listLayers();

llvm::ArrayRef<AttrInfo> getAttrs();
const AttrInfo *lookupAttr(LayerKind kind, llvm::StringRef spelling);
/// "act, kernel, stride, filters, name" for diagnostics.
std::string listAttrs(LayerKind kind);

/// The activations a weighted layer can carry (`act=`).
enum class Activation { None, ReLU, ReLU6, Sigmoid, HSwish };
std::optional<Activation> lookupActivation(llvm::StringRef spelling);
llvm::StringRef spell(Activation act);
/// The standalone layer an activation corresponds to (None has none).
std::optional<LayerKind> activationLayer(Activation act);
std::optional<Activation> layerActivation(LayerKind kind);

} // namespace netrewrite::dsl

#endif // NETREWRITE_DSL_VOCABULARY_H
