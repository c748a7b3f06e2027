// What one core of an x86-64 CPU with AVX2 and FMA can do with the instruction mixes of
// SemHiTok's GEMM kernels (Sources/SemHiTokCompute/GemmKernel.swift), measured without
// anything else around them: the ceiling a whole product cannot pass. Written in assembly
// so that the instructions are exactly the ones named (the Swift compiler emits the same
// loops for the kernels; see `objdump -d` of a native build). `Benchmarks/gemm` runs it.
//
//   fma_registers          10 independent fused multiply-adds of 8 lanes, no memory: the
//                          machine's float32 peak.
//   multiply_add_registers 8 independent multiply-then-add pairs (two roundings, the
//                          default arithmetic), no memory.
//   multiply_add_1x64_l1   the default arithmetic's kernel as a build with AVX compiles it,
//                          1 row x 64 outputs: per k one broadcast of x[k], 8 multiplies
//                          each loading 8 weights, 8 adds; 96 values of k over panels that
//                          stay in L1, as in a product.
//   fma_6x16_l1            the fused build's kernel, 6 rows x 16 outputs: per k two loads
//                          of 8 weights, 6 broadcasts, 12 fused multiply-adds; 256 values
//                          of k.
//
//
// On a CPU with AVX-512 the same mixes with 16-lane (zmm) registers, which is what a
// `-target-cpu native` build's kernels use there:
//
//   fma_registers_512          10 independent fused multiply-adds of 16 lanes.
//   multiply_add_registers_512 8 independent multiply-then-add pairs of 16 lanes.
//   multiply_add_16x16_l1_512  the default arithmetic's kernel as an AVX-512 build compiles
//                              it, 16 rows x 16 outputs: per k one load of 16 weights and
//                              16 multiplies, each taking its row's x[k] as a broadcast
//                              memory operand, and 16 adds into 16 accumulators; 96 values
//                              of k over a panel and interleaved rows in L1.
//
// Prints `name<TAB>GFLOP/s` per line, the best of 5 runs of about 0.2 s each.
// Build: clang -O2 kernel_ceiling.c -o kernel_ceiling (x86-64 only).
#include <stdio.h>
#include <time.h>

#if defined(__x86_64__)

static double seconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec + now.tv_nsec * 1e-9;
}

static float weights[4 * 256 * 16] __attribute__((aligned(64)));
static float inputs[16 * 256] __attribute__((aligned(64)));

// Independent fused multiply-adds, and multiply-then-add pairs, on registers `r` (ymm: 8
// lanes, zmm: 16), no memory.
#define FMA_REGISTERS(r) \
    "1:\n" \
    "vfmadd231ps %%" #r "14, %%" #r "15, %%" #r "0\n vfmadd231ps %%" #r "14, %%" #r "15, %%" #r "1\n" \
    "vfmadd231ps %%" #r "14, %%" #r "15, %%" #r "2\n vfmadd231ps %%" #r "14, %%" #r "15, %%" #r "3\n" \
    "vfmadd231ps %%" #r "14, %%" #r "15, %%" #r "4\n vfmadd231ps %%" #r "14, %%" #r "15, %%" #r "5\n" \
    "vfmadd231ps %%" #r "14, %%" #r "15, %%" #r "6\n vfmadd231ps %%" #r "14, %%" #r "15, %%" #r "7\n" \
    "vfmadd231ps %%" #r "14, %%" #r "15, %%" #r "8\n vfmadd231ps %%" #r "14, %%" #r "15, %%" #r "9\n" \
    "dec %0\n jnz 1b\n"
#define MULTIPLY_ADD_HALF(r, a, b, c, d) \
    "vmulps %%" #r "12, %%" #r "13, %%" #r "8\n vmulps %%" #r "12, %%" #r "14, %%" #r "9\n" \
    "vmulps %%" #r "12, %%" #r "15, %%" #r "10\n vmulps %%" #r "13, %%" #r "14, %%" #r "11\n" \
    "vaddps %%" #r "8, %%" #r #a ", %%" #r #a "\n vaddps %%" #r "9, %%" #r #b ", %%" #r #b "\n" \
    "vaddps %%" #r "10, %%" #r #c ", %%" #r #c "\n vaddps %%" #r "11, %%" #r #d ", %%" #r #d "\n"
#define MULTIPLY_ADD_REGISTERS(r) \
    "1:\n" MULTIPLY_ADD_HALF(r, 0, 1, 2, 3) MULTIPLY_ADD_HALF(r, 4, 5, 6, 7) "dec %0\n jnz 1b\n"
#define REGISTERS_0_TO_9 "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9"

static void fma_registers(long steps) {
    __asm__ volatile(FMA_REGISTERS(ymm) : "+r"(steps) : : "cc", REGISTERS_0_TO_9);
}

static void multiply_add_registers(long steps) {
    __asm__ volatile(MULTIPLY_ADD_REGISTERS(ymm) : "+r"(steps) : : "cc", REGISTERS_0_TO_9, "xmm10", "xmm11");
}

static void fma_registers_512(long steps) {
    __asm__ volatile(FMA_REGISTERS(zmm) : "+r"(steps) : : "cc", REGISTERS_0_TO_9);
}

static void multiply_add_registers_512(long steps) {
    __asm__ volatile(MULTIPLY_ADD_REGISTERS(zmm) : "+r"(steps) : : "cc", REGISTERS_0_TO_9, "xmm10", "xmm11");
}

// One call: the 96 values of k of one register block; the 4 panels lie 96 x 64 bytes apart.
static void multiply_add_1x64_l1(long blocks) {
    for (long block = 0; block < blocks; block++) {
        long k = 96;
        const float *x = inputs, *panel = weights;
        __asm__ volatile(
            // The order in which swiftc schedules GemmKernel's loop.
            "1:\n"
            "vbroadcastss (%1), %%ymm8\n"
            "vmulps 32(%2), %%ymm8, %%ymm11\n vmulps 6144(%2), %%ymm8, %%ymm10\n vmulps 0(%2), %%ymm8, %%ymm9\n"
            "vaddps %%ymm7, %%ymm11, %%ymm7\n vaddps %%ymm4, %%ymm10, %%ymm4\n"
            "vmulps 6176(%2), %%ymm8, %%ymm11\n vmulps 12288(%2), %%ymm8, %%ymm10\n"
            "vaddps %%ymm6, %%ymm9, %%ymm6\n vaddps %%ymm5, %%ymm11, %%ymm5\n vaddps %%ymm3, %%ymm10, %%ymm3\n"
            "vmulps 12320(%2), %%ymm8, %%ymm11\n vmulps 18432(%2), %%ymm8, %%ymm10\n vmulps 18464(%2), %%ymm8, %%ymm8\n"
            "vaddps %%ymm2, %%ymm11, %%ymm2\n vaddps %%ymm0, %%ymm10, %%ymm0\n vaddps %%ymm1, %%ymm8, %%ymm1\n"
            "add $4, %1\n add $64, %2\n dec %0\n jnz 1b\n"
            : "+r"(k), "+r"(x), "+r"(panel) : : "cc", "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5",
              "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11");
    }
}

// One call: the 256 values of k of one register block; the 6 rows lie 256 floats apart.
static void fma_6x16_l1(long blocks) {
    for (long block = 0; block < blocks; block++) {
        long k = 256;
        const float *x = inputs, *panel = weights;
        __asm__ volatile(
            "1:\n"
            "vmovaps 0(%2), %%ymm12\n vmovaps 32(%2), %%ymm13\n"
            "vbroadcastss 0(%1), %%ymm14\n vbroadcastss 1024(%1), %%ymm15\n"
            "vfmadd231ps %%ymm12, %%ymm14, %%ymm0\n vfmadd231ps %%ymm13, %%ymm14, %%ymm1\n"
            "vfmadd231ps %%ymm12, %%ymm15, %%ymm2\n vfmadd231ps %%ymm13, %%ymm15, %%ymm3\n"
            "vbroadcastss 2048(%1), %%ymm14\n vbroadcastss 3072(%1), %%ymm15\n"
            "vfmadd231ps %%ymm12, %%ymm14, %%ymm4\n vfmadd231ps %%ymm13, %%ymm14, %%ymm5\n"
            "vfmadd231ps %%ymm12, %%ymm15, %%ymm6\n vfmadd231ps %%ymm13, %%ymm15, %%ymm7\n"
            "vbroadcastss 4096(%1), %%ymm14\n vbroadcastss 5120(%1), %%ymm15\n"
            "vfmadd231ps %%ymm12, %%ymm14, %%ymm8\n vfmadd231ps %%ymm13, %%ymm14, %%ymm9\n"
            "vfmadd231ps %%ymm12, %%ymm15, %%ymm10\n vfmadd231ps %%ymm13, %%ymm15, %%ymm11\n"
            "add $4, %1\n add $64, %2\n dec %0\n jnz 1b\n"
            : "+r"(k), "+r"(x), "+r"(panel) : : "cc", "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5",
              "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
    }
}

// One call: the 96 values of k of one register block, the 16 rows' inputs interleaved (16
// floats per k); the order in which swiftc schedules GemmKernel's loop differs only in how
// it pairs the multiplies with the adds.
static void multiply_add_16x16_l1_512(long blocks) {
    for (long block = 0; block < blocks; block++) {
        long k = 96;
        const float *x = inputs, *panel = weights;
        __asm__ volatile(
            "1:\n"
            "vmovaps (%2), %%zmm16\n"
            "vmulps 0(%1)%{1to16%}, %%zmm16, %%zmm17\n vaddps %%zmm17, %%zmm0, %%zmm0\n"
            "vmulps 4(%1)%{1to16%}, %%zmm16, %%zmm18\n vaddps %%zmm18, %%zmm1, %%zmm1\n"
            "vmulps 8(%1)%{1to16%}, %%zmm16, %%zmm19\n vaddps %%zmm19, %%zmm2, %%zmm2\n"
            "vmulps 12(%1)%{1to16%}, %%zmm16, %%zmm20\n vaddps %%zmm20, %%zmm3, %%zmm3\n"
            "vmulps 16(%1)%{1to16%}, %%zmm16, %%zmm21\n vaddps %%zmm21, %%zmm4, %%zmm4\n"
            "vmulps 20(%1)%{1to16%}, %%zmm16, %%zmm22\n vaddps %%zmm22, %%zmm5, %%zmm5\n"
            "vmulps 24(%1)%{1to16%}, %%zmm16, %%zmm23\n vaddps %%zmm23, %%zmm6, %%zmm6\n"
            "vmulps 28(%1)%{1to16%}, %%zmm16, %%zmm24\n vaddps %%zmm24, %%zmm7, %%zmm7\n"
            "vmulps 32(%1)%{1to16%}, %%zmm16, %%zmm17\n vaddps %%zmm17, %%zmm8, %%zmm8\n"
            "vmulps 36(%1)%{1to16%}, %%zmm16, %%zmm18\n vaddps %%zmm18, %%zmm9, %%zmm9\n"
            "vmulps 40(%1)%{1to16%}, %%zmm16, %%zmm19\n vaddps %%zmm19, %%zmm10, %%zmm10\n"
            "vmulps 44(%1)%{1to16%}, %%zmm16, %%zmm20\n vaddps %%zmm20, %%zmm11, %%zmm11\n"
            "vmulps 48(%1)%{1to16%}, %%zmm16, %%zmm21\n vaddps %%zmm21, %%zmm12, %%zmm12\n"
            "vmulps 52(%1)%{1to16%}, %%zmm16, %%zmm22\n vaddps %%zmm22, %%zmm13, %%zmm13\n"
            "vmulps 56(%1)%{1to16%}, %%zmm16, %%zmm23\n vaddps %%zmm23, %%zmm14, %%zmm14\n"
            "vmulps 60(%1)%{1to16%}, %%zmm16, %%zmm24\n vaddps %%zmm24, %%zmm15, %%zmm15\n"
            "add $64, %1\n add $64, %2\n dec %0\n jnz 1b\n"
            : "+r"(k), "+r"(x), "+r"(panel) : : "cc", "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5",
              "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "xmm16",
              "xmm17", "xmm18", "xmm19", "xmm20", "xmm21", "xmm22", "xmm23", "xmm24");
    }
}

// The best GFLOP/s of 5 runs of `work(count)`, each doing `flops` per unit of `count`.
static double best(void (*work)(long), long count, double flops) {
    double fastest = 1e30;
    for (int run = 0; run < 5; run++) {
        double start = seconds();
        work(count);
        double elapsed = seconds() - start;
        if (elapsed < fastest) fastest = elapsed;
    }
    return count * flops / fastest / 1e9;
}

int main(void) {
    // 2 flops x 8 lanes per instruction pair or fused instruction.
    printf("fma_registers\t%.1f\n", best(fma_registers, 25000000, 10 * 16.0));
    printf("multiply_add_registers\t%.1f\n", best(multiply_add_registers, 30000000, 8 * 16.0));
    printf("multiply_add_1x64_l1\t%.1f\n", best(multiply_add_1x64_l1, 300000, 96 * 8 * 16.0));
    printf("fma_6x16_l1\t%.1f\n", best(fma_6x16_l1, 150000, 256 * 12 * 16.0));
    if (__builtin_cpu_supports("avx512f")) {
        // 2 flops x 16 lanes per instruction pair or fused instruction.
        printf("fma_registers_512\t%.1f\n", best(fma_registers_512, 25000000, 10 * 32.0));
        printf("multiply_add_registers_512\t%.1f\n", best(multiply_add_registers_512, 30000000, 8 * 32.0));
        printf("multiply_add_16x16_l1_512\t%.1f\n", best(multiply_add_16x16_l1_512, 300000, 96 * 16 * 32.0));
    }
    return 0;
}

#else

int main(void) {
    printf("# kernel_ceiling: x86-64 only\n");
    return 0;
}

#endif
