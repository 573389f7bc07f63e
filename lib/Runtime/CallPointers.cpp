//===- CallPointers.cpp - Calling a C function with N pointer arguments ---===//
//
// The compiled entry points take one descriptor pointer per tensor, and a
// MobileNet train_step has over a thousand of them; the count is only known
// from the manifest. On x86-64 (System V) a small assembly trampoline loads
// the first six into registers and pushes the rest, exactly as a C call with
// that many pointer arguments would. Elsewhere a table of fixed-arity calls
// covers small models.
//
//===----------------------------------------------------------------------===//

#include "netrewrite/Runtime/Error.h"
#include "netrewrite/Runtime/Model.h"

#include <string>
#include <utility>
#include <vector>

#if defined(__x86_64__) && !defined(_WIN32)
extern "C" void netrewrite_call_pointers(void *fn, void *const *args,
                                         size_t n);
// rdi = fn, rsi = args (at least 6 readable entries), rdx = n.
asm(R"(
  .text
  .p2align 4
  .globl netrewrite_call_pointers
  .hidden netrewrite_call_pointers
  .type netrewrite_call_pointers,@function
netrewrite_call_pointers:
  pushq %rbp
  movq %rsp, %rbp
  pushq %r12
  pushq %r13
  movq %rdi, %r12
  movq %rsi, %r13
  movq %rdx, %rcx
  subq $6, %rcx
  jle 2f
  testq $1, %rcx
  jz 1f
  subq $8, %rsp
1:
  movq 40(%r13,%rcx,8), %rax
  pushq %rax
  decq %rcx
  jnz 1b
2:
  movq 0(%r13), %rdi
  movq 8(%r13), %rsi
  movq 16(%r13), %rdx
  movq 24(%r13), %rcx
  movq 32(%r13), %r8
  movq 40(%r13), %r9
  callq *%r12
  leaq -16(%rbp), %rsp
  popq %r13
  popq %r12
  popq %rbp
  retq
  .size netrewrite_call_pointers, .-netrewrite_call_pointers
)");
#endif

namespace netrewrite::runtime {

#if !(defined(__x86_64__) && !defined(_WIN32))
namespace {
template <size_t... I>
void callFixed(void *fn, void *const *args, std::index_sequence<I...>) {
  using Fn = void (*)(decltype((void)I, (void *)nullptr)...);
  reinterpret_cast<Fn>(fn)(args[I]...);
}
template <size_t... N>
void callTable(void *fn, void *const *args, size_t n,
               std::index_sequence<N...>) {
  bool done = ((n == N ? (callFixed(fn, args, std::make_index_sequence<N>()),
                          true)
                       : false) ||
               ...);
  if (!done)
    fail("this platform's runtime supports entry points with at most 64 "
         "arguments; the model has " + std::to_string(n));
}
} // namespace
#endif

void callWithPointers(void *fn, void *const *args, size_t n) {
#if defined(__x86_64__) && !defined(_WIN32)
  // The trampoline always reads six register arguments.
  if (n < 6) {
    void *padded[6] = {nullptr, nullptr, nullptr, nullptr, nullptr, nullptr};
    for (size_t i = 0; i < n; ++i)
      padded[i] = args[i];
    netrewrite_call_pointers(fn, padded, n);
    return;
  }
  netrewrite_call_pointers(fn, args, n);
#else
  callTable(fn, args, n, std::make_index_sequence<65>());
#endif
}

} // namespace netrewrite::runtime
