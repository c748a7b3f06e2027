// The vector registers of the CPU the package is compiled for, as two macros that Swift code
// reads as constants: `GemmKernel` sizes its register block from them.
//
// Swift has no `#if` for target features, but its Clang importer compiles this header for
// the same target as the Swift code, `-Xswiftc -target-cpu` included, so the macros say what
// that build's SIMD code has: 16 registers of 16 bytes in a default x86-64 build (SSE2), 16
// of 32 with AVX, 32 of 64 with AVX-512, 32 of 16 on ARM64. Nothing here changes a result:
// every shape of register block computes the same sums in the same order.
#ifndef C_VECTOR_REGISTERS_H
#define C_VECTOR_REGISTERS_H

#if defined(__AVX512F__)
#define SEMHITOK_VECTOR_REGISTER_BYTES 64
#define SEMHITOK_VECTOR_REGISTER_COUNT 32
#elif defined(__AVX__)
#define SEMHITOK_VECTOR_REGISTER_BYTES 32
#define SEMHITOK_VECTOR_REGISTER_COUNT 16
#elif defined(__aarch64__) || defined(__arm64__)
#define SEMHITOK_VECTOR_REGISTER_BYTES 16
#define SEMHITOK_VECTOR_REGISTER_COUNT 32
#else
#define SEMHITOK_VECTOR_REGISTER_BYTES 16
#define SEMHITOK_VECTOR_REGISTER_COUNT 16
#endif

#endif
