//===- CudaRuntime.h - netrewrite's CUDA runtime ----------------*- C++ -*-===//
//
// The `mgpu*` functions that MLIR's GPU lowering calls from host code,
// implemented over the CUDA driver API. libcuda is opened with dlopen on
// first use, so executables start (and report a clean "no GPU" error) on
// machines without an NVIDIA driver, and Debian's MLIR, which ships no CUDA
// runtime library, is not needed at run time.
//
//===----------------------------------------------------------------------===//

#ifndef NETREWRITE_RUNTIME_CUDARUNTIME_H
#define NETREWRITE_RUNTIME_CUDARUNTIME_H

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" {
/// Returns 0 when a CUDA device is usable; otherwise 1, with a one-line
/// explanation (driver missing, no device, ...) in *message (static storage).
int netrewriteCudaProbe(const char **message);
/// Managed memory (host and device), the caller-side buffers of a kernel
/// function's arguments and results; exits with a clear message on failure.
void *netrewriteCudaAllocManaged(uint64_t bytes);
void netrewriteCudaFree(void *ptr);
/// Called by lowered host code in place of memref.dealloc of gpu memory
/// (buffers from mgpuMemAlloc go back to a pool for the next call).
void netrewrite_gpu_free(int64_t alignedPtr);
/// The managed copy of a constant global (weights), made on first use and
/// kept for the life of the process (netrewrite-gpu-resident-globals).
void *netrewrite_gpu_resident(void *host, int64_t bytes);
/// Copies `bytes` between host, device or managed addresses (blocking).
void netrewriteCudaMemcpy(void *dst, const void *src, uint64_t bytes);
/// Waits for all device work and reports asynchronous kernel faults.
void netrewriteCudaSynchronize();
}

#endif // NETREWRITE_RUNTIME_CUDARUNTIME_H
