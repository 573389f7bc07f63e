//===- Vocabulary.cpp - Layers and attributes of the rule language --------===//

#include "netrewrite/DSL/Vocabulary.h"

#include "llvm/ADT/StringSwitch.h"

using namespace netrewrite::dsl;

static const LayerInfo layers[] = {
#define LAYER(Id, Spelling, AnchorOp, Flags, Summary)                          \
  {LayerKind::Id, Spelling, AnchorOp, Flags, Summary},
#include "netrewrite/DSL/LayerVocabulary.def"
};

static const AttrInfo attrs[] = {
#define LAYER_ATTR(Id, Spelling, ValueKind, Flags, Summary)                    \
  {LayerKind::Id, Spelling, ValueKind, Flags, Summary},
#include "netrewrite/DSL/LayerVocabulary.def"
};

llvm::ArrayRef<LayerInfo> netrewrite::dsl::getLayers() { return layers; }

const LayerInfo &netrewrite::dsl::getLayerInfo(LayerKind kind) {
  return layers[static_cast<unsigned>(kind)];
}

std::optional<LayerKind> netrewrite::dsl::lookupLayer(llvm::StringRef name) {
  for (const LayerInfo &info : layers)
    if (info.spelling == name)
      return info.kind;
  return std::nullopt;
}

std::string netrewrite::dsl::listLayers() {
  std::string out;
  for (const LayerInfo &info : layers) {
    if (!out.empty())
      out += ", ";
    out += info.spelling.str();
  }
  return out;
}

llvm::ArrayRef<AttrInfo> netrewrite::dsl::getAttrs() { return attrs; }

const AttrInfo *netrewrite::dsl::lookupAttr(LayerKind kind,
                                            llvm::StringRef name) {
  for (const AttrInfo &info : attrs)
    if (info.layer == kind && info.spelling == name)
      return &info;
  return nullptr;
}

std::string netrewrite::dsl::listAttrs(LayerKind kind) {
  std::string out;
  for (const AttrInfo &info : attrs) {
    if (info.layer != kind)
      continue;
    out += info.spelling.str();
    out += ", ";
  }
  return out + "name";
}

std::optional<Activation>
netrewrite::dsl::lookupActivation(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<Activation>>(name)
      .Case("none", Activation::None)
      .Case("relu", Activation::ReLU)
      .Case("relu6", Activation::ReLU6)
      .Case("sigmoid", Activation::Sigmoid)
      .Case("hswish", Activation::HSwish)
      .Default(std::nullopt);
}

llvm::StringRef netrewrite::dsl::spell(Activation act) {
  switch (act) {
  case Activation::None: return "none";
  case Activation::ReLU: return "relu";
  case Activation::ReLU6: return "relu6";
  case Activation::Sigmoid: return "sigmoid";
  case Activation::HSwish: return "hswish";
  }
  return "none";
}

std::optional<LayerKind> netrewrite::dsl::activationLayer(Activation act) {
  switch (act) {
  case Activation::None: return std::nullopt;
  case Activation::ReLU: return LayerKind::ReLU;
  case Activation::ReLU6: return LayerKind::ReLU6;
  case Activation::Sigmoid: return LayerKind::Sigmoid;
  case Activation::HSwish: return LayerKind::HSwish;
  }
  return std::nullopt;
}

std::optional<Activation> netrewrite::dsl::layerActivation(LayerKind kind) {
  switch (kind) {
  case LayerKind::ReLU: return Activation::ReLU;
  case LayerKind::ReLU6: return Activation::ReLU6;
  case LayerKind::Sigmoid: return Activation::Sigmoid;
  case LayerKind::HSwish: return Activation::HSwish;
  default: return std::nullopt;
  }
}
