#ifndef CFUZZERDRIVER_H
#define CFUZZERDRIVER_H

// The two entry points of libFuzzer (compiler-rt's fuzzer runtime, linked by
// -sanitize=fuzzer) that the targets call. Declared here because Swift cannot declare a C
// function itself.

#include <stddef.h>
#include <stdint.h>

// Runs the fuzzer with the command line `argc`/`argv`, calling `UserCb` on each input;
// returns the process's exit status.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*UserCb)(const uint8_t *Data, size_t Size));

// libFuzzer's own mutation of `Data[0..<Size]` in place, up to `MaxSize` bytes; returns the
// new size. For use inside LLVMFuzzerCustomMutator.
size_t LLVMFuzzerMutate(uint8_t *Data, size_t Size, size_t MaxSize);

#endif
