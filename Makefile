# netrewrite: the two commands.
#   make demo   install dependencies, build, run the main job
#   make check  install dependencies, build, run every test
BUILD ?= build
LLVM ?= /usr/lib/llvm-22
JOBS ?= $(shell nproc)

.PHONY: all deps configure build check demo clean

all: build

deps:
	./scripts/install-deps.sh

$(BUILD)/build.ninja:
	cmake -G Ninja -S . -B $(BUILD) \
	  -DMLIR_DIR=$(LLVM)/lib/cmake/mlir \
	  -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
	  -DLLVM_USE_LINKER=lld -DCMAKE_BUILD_TYPE=Release \
	  -DLLVM_EXTERNAL_LIT=$(LLVM)/bin/lit

configure: deps $(BUILD)/build.ninja

build: configure
	ninja -C $(BUILD) -j $(JOBS)

check: build
	ninja -C $(BUILD) check-netrewrite

demo: build
	./scripts/demo.sh $(BUILD)

clean:
	rm -rf $(BUILD)
