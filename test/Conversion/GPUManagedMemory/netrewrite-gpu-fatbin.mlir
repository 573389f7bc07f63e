// REQUIRES: cuda-target
// RUN: rm -rf %t && mkdir -p %t
// RUN: netrewrite-opt %s --netrewrite-gpu-fatbin='chips=sm_80,sm_90' -o %t/out.mlir
// RUN: FileCheck %s < %t/out.mlir
// RUN: %python %src_root/utils/extract_gpu_binary.py %t/out.mlir k %t/k.fatbin
// RUN: %python %src_root/utils/gpu_kernels_in_executable.py %t/k.fatbin | FileCheck %s --check-prefix=FATBIN
// RUN: not netrewrite-opt %s --netrewrite-gpu-fatbin='chips=sm_70' 2>&1 | FileCheck %s --check-prefix=PTXAS

// A PTX object (format=isa) becomes a fatbin (the default format, printed
// without a keyword) holding SASS for each chip and the PTX; the fatbin
// magic 0xBA55ED50 comes first, little-endian.
// CHECK: gpu.binary @k {{ *}}[#gpu.object<#nvvm.target<chip = "sm_80">, "P\EDU\BA
// CHECK-NOT: assembly =
// FATBIN: fatbin #0 at 0x0: {{[0-9]+}} bytes: elf sm_80 {{[0-9]+}} bytes; elf sm_90 {{[0-9]+}} bytes; ptx sm_80
// ptxas errors name the command and say why.
// PTXAS: error: netrewrite-gpu-fatbin: {{.*}}ptxas -arch sm_70 {{.*}} failed
module attributes {gpu.container_module} {
  gpu.binary @k [#gpu.object<#nvvm.target<chip = "sm_80">, assembly = "//\0A.version 8.0\0A.target sm_80\0A.address_size 64\0A\0A.visible .entry k()\0A{\0A\09ret;\0A}\0A">]
}
